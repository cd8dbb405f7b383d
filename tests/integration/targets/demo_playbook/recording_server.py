"""A server that is not the emulator: it answers every request with 404 and records each request line.

    python recording_server.py LOG_FILE LIFETIME_SECONDS   (prints its URL, then serves on 127.0.0.1)
"""

import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Recorder(BaseHTTPRequestHandler):
    def answer(self):
        with open(sys.argv[1], "a", encoding="utf-8") as log:
            log.write("%s %s\n" % (self.command, self.path))
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


def main():
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Timer(float(sys.argv[2]), server.shutdown).start()
    print("listening on http://127.0.0.1:%d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
