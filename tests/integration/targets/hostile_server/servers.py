"""A hostile Nodeum server for the hostile_server target, on 127.0.0.1, exiting after --lifetime seconds.

The first path segment of url picks the case (the modules append /api/v2/...); every request is logged to
--log as one JSON line {case, method, path}. Cases:
- ansi422: no callback yet; a create is refused 422 with escape sequences in its message and details nested 300 deep.
- reason: no callback yet; a create is refused 422 with an empty JSON body and escape sequences in the reason phrase.
- script: task 3 holds callback 5, whose script holds escape sequences (a removal in --check --diff shows it).
- warnid: no callback yet; a create is answered 201 with an id of escape sequences, and the task then shows callback 9.
- dotid: task 3 lists a callback whose id is '..'.
- repeats: task 3's listing announces 100000 callbacks and answers every offset with the same first 50.
- endless: task 3's listing never ends: each page holds the callbacks asked for, and its count 2 pages more.
- count: task 3's listing has a count that is text.
- gone: task 3 holds callback 5; its removal is answered 200 with a body of text.
- deep: task 3's listing is JSON nested 100000 deep.
- location: every request is answered 302 with a Location whose bytes are not UTF-8.
- drip: every request is answered with headers that never end, one byte every DRIP_SECONDS.
- huge: every request is answered 200 with a JSON body of HUGE_BYTES and no Content-Length; the bytes the server
  could send before the client hung up are logged as {case, sent_bytes}.
When ready it prints one JSON line: {"port": port}.
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

ESCAPES = '\x1b[2J\x1b]0;owned\x07\x9b31m'
DRIP_SECONDS = 0.5
DRIP_BYTES = 200  # 100 seconds of headers
HUGE_BYTES = 256 * 1024 * 1024
MIB = 1024 * 1024
SCRIPT = 'function run(req) {\n  return true;\n}\n'


def nested(depth):
    value = {'error': 'blank'}
    for _level in range(depth):
        value = {'a': [value]}
    return value


def listing(*callbacks):
    return {'count': len(callbacks), 'task_callbacks': list(callbacks)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    log_path = None
    created = {}  # case: the script a create sent
    lock = threading.Lock()

    def handle_one(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = json.loads(self.rfile.read(length) or b'null') if length else None
        case, _separator, rest = self.path.lstrip('/').partition('/')
        self.log({'case': case, 'method': self.command, 'path': '/' + rest.split('?')[0]})
        getattr(self, 'case_' + case, self.case_unknown)(body)

    do_GET = do_POST = do_PUT = do_DELETE = handle_one

    def case_unknown(self, _body):
        self.send_json(404, {'messages': ['unknown case'], 'details': {}})

    def case_ansi422(self, _body):
        if self.command == 'POST':
            return self.send_json(422, {'messages': [ESCAPES + 'Script is forged'],
                                  'details': {'script': [nested(300)]}})
        return self.send_json(200, listing())

    def case_reason(self, _body):
        if self.command == 'POST':
            return self.send_json(422, {}, reason=ESCAPES + 'Forged reason')
        return self.send_json(200, listing())

    def case_script(self, _body):
        return self.send_json(200, listing(
            {'id': 5, 'type': 'filter', 'script': 'return 1;' + ESCAPES + '\r\nforged\u202e\n'}))

    def case_warnid(self, body):
        if self.command == 'POST':
            self.created['warnid'] = body['script']
            return self.send_json(201, {'id': ESCAPES, 'type': 'filter', 'script': body['script']})
        if 'warnid' in self.created:
            return self.send_json(200, listing({'id': 9, 'type': 'filter', 'script': self.created['warnid']}))
        return self.send_json(200, listing())

    def case_dotid(self, _body):
        return self.send_json(200, listing({'id': '..', 'type': 'filter', 'script': 'old'}))

    def query(self):
        return dict(parse_qsl(urlsplit(self.path).query))

    def case_repeats(self, _body):
        page = [{'id': number, 'type': 'filter', 'script': 'old'} for number in range(1, 51)]
        return self.send_json(200, {'count': 100000, 'task_callbacks': page})

    def case_endless(self, _body):
        offset, limit = int(self.query().get('offset', 0)), int(self.query().get('limit', 50))
        page = [{'id': number, 'type': 'filter', 'script': 'old'} for number in range(offset + 1, offset + limit + 1)]
        return self.send_json(200, {'count': offset + 3 * limit, 'task_callbacks': page})

    def case_count(self, _body):
        return self.send_json(200, {'count': '120', 'task_callbacks': [{'id': 5, 'type': 'filter', 'script': 'old'}]})

    def case_gone(self, _body):
        if self.command == 'DELETE':
            return self.send_raw(200, b'the callback is gone', 'text/plain')
        return self.send_json(200, listing({'id': 5, 'type': 'filter', 'script': 'old'}))

    def case_deep(self, _body):
        return self.send_raw(200, b'[' * 100000 + b']' * 100000, 'application/json')

    def case_location(self, _body):
        self.send_response_only(302)
        self.wfile.write(b'Location: http://127.0.0.1:9/\xff\xfe\x1b[2J\r\nContent-Length: 0\r\n\r\n')

    def case_drip(self, _body):
        self.send_response_only(200)
        try:
            self.wfile.write(b'X-Slow: ')
            for _byte in range(DRIP_BYTES):
                self.wfile.write(b'a')
                self.wfile.flush()
                time.sleep(DRIP_SECONDS)
        except OSError:
            self.close_connection = True  # the client hung up, as it should

    def case_huge(self, _body):
        self.send_response_only(200)
        self.wfile.write(b'Content-Type: application/json\r\nConnection: close\r\n\r\n')
        sent = 0
        try:
            while sent < HUGE_BYTES:
                self.wfile.write(b'[' * MIB)
                sent += MIB
        except OSError:
            pass  # the client hung up, as it should
        self.log({'case': 'huge', 'sent_bytes': sent})
        self.close_connection = True

    def log(self, entry):
        with self.lock, open(self.log_path, 'a', encoding='utf-8') as log:
            log.write(json.dumps(entry) + '\n')

    def send_json(self, status, payload, reason=None):
        self.send_raw(status, json.dumps(payload).encode('utf-8'), 'application/json', reason)

    def send_raw(self, status, data, content_type, reason=None):
        self.send_response_only(status, reason)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_response_only(self, code, message=None):
        # http.server writes the reason phrase as latin-1, which holds every escape sequence above
        if message is None:
            message = self.responses.get(code, ('',))[0]
        self.wfile.write(('%s %d %s\r\n' % (self.protocol_version, code, message)).encode('latin-1'))

    def log_message(self, *args):  # quiet: the log file is the record
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--log', required=True)
    parser.add_argument('--lifetime', type=float, default=600)
    arguments = parser.parse_args()
    handler = type('Hostile', (Handler,), {'log_path': arguments.log, 'created': {}})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({'port': server.server_address[1]}), flush=True)
    time.sleep(arguments.lifetime)
    return 0


if __name__ == '__main__':
    sys.exit(main())
