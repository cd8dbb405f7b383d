"""Servers of the untrusted_server target, on 127.0.0.1, in one process that exits after --lifetime seconds.

- other: the "other origin". It answers every request as a Nodeum server would (200, an empty list),
  so a followed redirect would look like success, and logs it to other.log: any line there is a
  request that went where url did not point.
- plain and tls: redirectors (HTTP, and HTTPS with --tls-cert/--tls-key), which log every request to
  redirector.log. The first path segment of url picks the answer, <method><status> (get302, post307, ...):
  a request of that method gets the status with a Location on the other origin (http://, so from tls
  it is a downgrade); the GET that comes first gets an empty list for post (the module then creates)
  and one filter callback otherwise (the module then updates or deletes it). Three more: leak (a
  Location of 5000 characters with user-info), relative (a Location on the same server) and
  nolocation (none).
- echo: answers every request 401 with an error whose message quotes the Authorization header it was sent, as a
  careless server may: the credential must still not show in the output.
When ready it prints one JSON line: {"other": port, "plain": port, "tls": port, "echo": port}.
"""

import argparse
import json
import re
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ONE_CALLBACK = {'count': 1, 'task_callbacks': [{'id': 5, 'type': 'filter', 'script': 'old'}]}
NO_CALLBACK = {'count': 0, 'task_callbacks': []}


class Handler(BaseHTTPRequestHandler):
    log_path = None
    other_url = None

    def handle_one(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        with open(self.log_path, 'a', encoding='utf-8') as log:
            log.write(json.dumps({'method': self.command, 'path': self.path}) + '\n')
        self.answer()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_one

    def answer(self):
        self.send_json(200, NO_CALLBACK)

    def send_json(self, status, body, headers=()):
        data = json.dumps(body).encode('utf-8')
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet: the logs above are the record
        pass


class Redirector(Handler):
    def answer(self):
        segment = self.path.split('/')[1]
        elsewhere = self.other_url + self.path
        special = {
            'leak': 'http://leak-user:leak-pass@' + self.other_url.split('//', 1)[1] + '/' + 'x' * 5000,
            'relative': '/elsewhere' + self.path,
        }
        if segment in special:
            return self.send_json(302, {}, [('Location', special[segment])])
        if segment == 'nolocation':
            return self.send_json(302, {})
        method, status = re.match(r'([a-z]+)(\d+)$', segment).groups()
        if self.command.lower() == method:
            return self.send_json(int(status), {}, [('Location', elsewhere)])
        return self.send_json(200, NO_CALLBACK if method == 'post' else ONE_CALLBACK)


class Echoer(Handler):
    def answer(self):
        self.send_json(
            401, {
                'messages': [
                    'Invalid credential: %s' %
                    self.headers.get(
                        'Authorization', '')], 'details': {}})


def serve(handler, log_path, other_url, context=None):
    handler_class = type(handler.__name__, (handler,), {'log_path': log_path, 'other_url': other_url})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler_class)
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--work', required=True)
    parser.add_argument('--tls-cert', required=True)
    parser.add_argument('--tls-key', required=True)
    parser.add_argument('--lifetime', type=float, default=600)
    arguments = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
    other = serve(Handler, arguments.work + '/other.log', None)
    other_url = 'http://127.0.0.1:%d' % other
    ports = {'other': other,
             'plain': serve(Redirector, arguments.work + '/redirector.log', other_url),
             'tls': serve(Redirector, arguments.work + '/redirector.log', other_url, context),
             'echo': serve(Echoer, arguments.work + '/echo.log', None)}
    print(json.dumps(ports), flush=True)
    time.sleep(arguments.lifetime)
    return 0


if __name__ == '__main__':
    sys.exit(main())
