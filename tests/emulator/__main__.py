"""Entry point: python3 tests/emulator [--host H] [--port P] [--fixtures FILE] [--page-cap N]
[--tls-cert FILE --tls-key FILE] [--lifetime SECONDS] [--verbose]

Prints one line, "Nodeum API emulator listening on <URL>", when it accepts connections;
SIGTERM, SIGINT or the end of --lifetime stop it with exit status 0.
"""

import argparse
import copy
import os
import signal
import ssl
import sys
import threading
import time

# Run as `python tests/emulator`: Python puts this directory first on sys.path, so the modules
# beside this file are imported by their bare names.
import api_store
import credentials
import demo_data
import fault_table
import fixture_loader
import http_handler
import nodeum_api
from control_routes import ControlApi

READY_LINE = "Nodeum API emulator listening on {url}"
STOP_CHECK_SECONDS = 0.5


class EmulatorParts:
    """The objects the HTTP handlers share."""

    def __init__(self, fixtures, page_cap):
        self.store = api_store.Store(fixtures)
        self.faults = fault_table.FaultTable()
        self.request_log = fault_table.RequestLog()
        self.api = nodeum_api.NodeumApi(self.store, credentials.Credentials(fixtures), page_cap)
        initial_state = {"tasks": fixtures.get("tasks", []), "task_callbacks": fixtures.get("task_callbacks", [])}
        self.control = ControlApi(self.store, self.faults, self.request_log, initial_state)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python3 tests/emulator",
                                     description="Nodeum API emulator (task callbacks and tasks) for tests.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8787, help="port to listen on; 0 takes a free port (default 8787)")
    parser.add_argument("--fixtures", help="YAML or JSON fixtures file (default: the built-in demo data)")
    parser.add_argument("--page-cap", type=int, default=50, help="most items one list page holds (default 50)")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (needs --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument(
        "--lifetime",
        type=float,
        default=0,
        help="exit by itself after this many seconds (default 0: no limit)")
    parser.add_argument("--verbose", action="store_true", help="log every request on standard error")
    arguments = parser.parse_args(argv)
    if arguments.page_cap < 1:
        parser.error("--page-cap must be at least 1.")
    if arguments.lifetime < 0:
        parser.error("--lifetime must not be negative.")
    if bool(arguments.tls_cert) != bool(arguments.tls_key):
        parser.error("--tls-cert and --tls-key go together.")
    return arguments


def load_fixtures(path):
    if path is None:
        return copy.deepcopy(demo_data.DEMO_FIXTURES)
    return fixture_loader.load_fixtures_file(path)


def enable_tls(server, cert_path, key_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    # The handshake is left to each connection's thread (see EmulatorHandler.handle).
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)


def server_url(server, scheme):
    host, port = server.server_address[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def install_stop_signals():
    """Return an event that SIGTERM and SIGINT set; installed before the ready line, so no signal can kill the process
    unhandled."""
    stop = threading.Event()

    def request_stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


def wait_for_stop(stop, lifetime):
    """Return when stop is set, the lifetime ends, or the process that started the emulator is gone.

    The last: a test runner that ends without its clean-up (an xdist worker that exits at once)
    must not leave an emulator behind until its lifetime runs out.
    """
    deadline = time.monotonic() + lifetime if lifetime else None
    parent = os.getppid()
    # Short waits keep the main thread responsive to signals.
    while not stop.is_set() and os.getppid() == parent:
        remaining = STOP_CHECK_SECONDS if deadline is None else min(STOP_CHECK_SECONDS, deadline - time.monotonic())
        if remaining <= 0:
            return
        stop.wait(remaining)


def main(argv=None):
    arguments = parse_arguments(argv)
    try:
        parts = EmulatorParts(load_fixtures(arguments.fixtures), arguments.page_cap)
    except fixture_loader.FixtureError as error:
        print(f"Nodeum API emulator: {error}", file=sys.stderr)
        return 2
    try:
        server = http_handler.EmulatorServer((arguments.host, arguments.port), parts, arguments.verbose)
    except OSError as error:
        print(
            f"Nodeum API emulator: cannot listen on {arguments.host}:{arguments.port}: {error.strerror}.",
            file=sys.stderr)
        return 1
    scheme = "http"
    if arguments.tls_cert:
        try:
            enable_tls(server, arguments.tls_cert, arguments.tls_key)
        except (OSError, ssl.SSLError) as error:
            print(f"Nodeum API emulator: cannot use the TLS certificate or key: {error}.", file=sys.stderr)
            server.server_close()
            return 2
        scheme = "https"
    stop = install_stop_signals()
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    print(READY_LINE.format(url=server_url(server, scheme)), flush=True)
    try:
        wait_for_stop(stop, arguments.lifetime)
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
