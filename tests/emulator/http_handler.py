"""HTTP transport: a threading HTTP/1.1 server with keep-alive, faults and the request log.

The handler dispatches every method itself (http.server answers 501 to a method it has
no do_<METHOD> for, and schemathesis probes undeclared methods expecting 405).
"""

import http.server
import json
import socket
import socketserver
import ssl
import sys
import time
import traceback

from control_routes import CONTROL_PREFIX
from nodeum_api import API_PREFIX, Answer

MAX_REQUEST_LINE = 65536
MAX_BODY_BYTES = 512 * 1024 * 1024
QUIET_ERRORS = (ConnectionError, TimeoutError, ssl.SSLError)


class BadBody(ValueError):
    """A request body that cannot be read (bad Content-Length or chunking)."""


def error_payload(attribute, message):
    return {"details": {attribute: [{"error": "invalid"}]}, "messages": [message]}


class EmulatorServer(http.server.ThreadingHTTPServer):
    """Holds the emulator's parts for the handlers; one daemon thread per connection."""

    daemon_threads = True

    def __init__(self, address, parts, verbose=False):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.parts = parts
        self.verbose = verbose
        super().__init__(address, EmulatorHandler)

    def server_bind(self):
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on a machine without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], QUIET_ERRORS):
            super().handle_error(request, client_address)


class EmulatorHandler(http.server.BaseHTTPRequestHandler):
    """One connection: reads requests until the client or a fault closes it."""

    protocol_version = "HTTP/1.1"
    server_version = "NodeumEmulator/1.0"
    # TCP_NODELAY: headers and body leave in two writes; with Nagle on, the body of a small answer
    # waits for the client's delayed ACK, about 40 ms on every request but the first of a connection.
    disable_nagle_algorithm = True
    # Idle keep-alive connections give their thread back after this many seconds.
    timeout = 120

    def handle(self):
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                # The handshake runs here, in the connection's thread, so a slow client cannot block accept().
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                self.close_connection = True
                return
        super().handle()

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if self.parse_request():
                self.dispatch()
                self.wfile.flush()
        except QUIET_ERRORS:
            self.close_connection = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # the signature of the base class
        if self.server.verbose:
            super().log_message(format, *args)

    def send_error(self, code, message=None, explain=None):
        # http.server's own errors (bad request line, header too long) also get a JSON error body.
        self.close_connection = True
        self.write_answer(Answer(code, error_payload("request", message or self.responses.get(code, ("Error",))[0])))

    def dispatch(self):
        path, _question_mark, query = self.path.partition("#")[0].partition("?")
        try:
            body = self.read_body()
        except BadBody as error:
            self.close_connection = True
            self.write_answer(Answer(400, error_payload("body", str(error))))
            return
        try:
            self.route(path, query, body)
        except QUIET_ERRORS:
            raise
        # a bug must answer 500, not kill the connection silently
        except Exception:  # pylint: disable=broad-exception-caught
            traceback.print_exc()
            self.close_connection = True
            self.write_answer(
                Answer(
                    500,
                    error_payload(
                        "server",
                        "The emulator failed on this request; see its standard error.")))

    def route(self, path, query, body):
        parts = self.server.parts
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            self.serve_api(path, query, body)
        elif path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self.write_answer(parts.control.answer(self.command, path[len(CONTROL_PREFIX):], body))
        else:
            self.write_answer(Answer(404, {"details": {"path": [{"error": "not_found"}]}, "messages": [
                              f"No path {path}: the API lives under {API_PREFIX}."]}))

    def serve_api(self, path, query, body):
        parts = self.server.parts
        caller = parts.api.credentials.identify(self.headers.get("Authorization"))
        entry = parts.request_log.record(self.command, path, query, caller.label if caller else None)
        fault = parts.faults.take(self.command, path)
        if fault is not None and fault.effect == "drop" and fault.value == "before":
            self.drop_connection()
            return
        if fault is not None and fault.effect == "status":
            answer = fault_answer(fault)
        else:
            if fault is not None and fault.effect == "delay":
                time.sleep(fault.value)
            answer = parts.api.answer(self.command, path[len(API_PREFIX):],
                                      query, self.headers.get("Authorization"), body)
            if fault is not None and fault.effect == "drop":
                self.drop_connection()
                return
        # Logged before the answer leaves, so a client that reads the log next sees the status.
        parts.request_log.set_status(entry, answer.status)
        self.write_answer(answer)

    def drop_connection(self):
        """Close the connection without any answer (a fault)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked_body()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        if not length_text.strip().isdigit() or int(length_text) > MAX_BODY_BYTES:
            raise BadBody(f"Content-Length {length_text!r} is not a size this emulator accepts.")
        return self.rfile.read(int(length_text))

    def read_chunked_body(self):
        chunks, total = [], 0
        while True:
            size_line = self.rfile.readline(MAX_REQUEST_LINE).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError as error:
                raise BadBody("The chunked request body is malformed.") from error
            total += size
            if total > MAX_BODY_BYTES:
                raise BadBody("The chunked request body is too large.")
            if size == 0:
                # Skip the trailer, up to the empty line that ends the message.
                while self.rfile.readline(MAX_REQUEST_LINE) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(MAX_REQUEST_LINE)

    def write_answer(self, answer):
        """Send an answer; every answer but 204 carries Content-Length so the connection can be reused."""
        data = answer.raw_body if answer.raw_body is not None else b""
        if answer.raw_body is None and answer.payload is not None:
            data = json.dumps(answer.payload).encode("utf-8")
        self.send_response(answer.status)
        if answer.status != 204:
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and answer.status != 204:
            self.wfile.write(data)


def fault_answer(fault):
    """The answer of a status fault: a JSON error body, or the raw body it was given."""
    headers = {}
    if fault.retry_after is not None:
        retry_after = fault.retry_after
        headers["Retry-After"] = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
    if fault.body is not None:
        return Answer(fault.value, headers=headers, raw_body=fault.body.encode(
            "utf-8"), content_type=fault.content_type)
    payload = {"details": {"fault": [{"error": "injected"}]}, "messages": [f"Injected fault: status {fault.value}."]}
    return Answer(fault.value, payload, headers)
