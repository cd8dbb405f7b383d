# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failures of the network as urllib3 raises them, under a real requests.Session: for what no server here can send.

A FakePool stands in for urllib3's connection pool under requests' own HTTPAdapter, so requests wraps
each failure exactly as it does on a real network; its waits advance a fake clock.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import io
import socket
from collections import namedtuple
from http.client import BadStatusLine, RemoteDisconnected

import requests
import urllib3
from urllib3 import exceptions as u3

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumClient
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection_options import normalize_base_url
from ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run import RunContext

SECRET = 's3cr3t-Pa55word'

URL = 'https://nodeum.example.com/api/v2/'


class FakePool:
    """Stands in for urllib3's connection pool under requests' real HTTPAdapter: each urlopen()
    raises what urllib3 raises for a failure of the script, or returns a urllib3 response."""

    def __init__(self, script, clock=None, seconds_per_attempt=0.0):
        self.script = list(script)
        self.calls = []
        self.sent = []
        self.clock = clock
        self.seconds_per_attempt = seconds_per_attempt

    def urlopen(self, method, url, **kwargs):
        self.calls.append((method, url))
        self.sent.append(dict(method=method, url=url, body=kwargs.get('body'), headers=kwargs.get('headers')))
        if self.clock is not None:
            self.clock.now += self.seconds_per_attempt
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step


class FakePoolAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, pool):
        super().__init__()
        self.pool = pool

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        return self.pool


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


# A client on a fake pool, the pool, the seconds waited, the warnings given, and the Run of resource logic
# on that client (its RunContext: its warnings and waits the same).
Transport = namedtuple('Transport', 'client pool sleeps warnings context')


def transport_client(script, timeout=3, seconds_per_attempt=0.0, url='https://nodeum.example.com', **kwargs):
    """A Transport: a client on a real requests.Session whose adapter talks to a FakePool; every wait advances a fake
    clock."""
    clock = FakeClock()
    sleeps = []
    warnings = []

    def sleep(seconds):
        sleeps.append(seconds)
        clock.sleep(seconds)

    kwargs.setdefault('auth', ('admin', SECRET))
    if timeout is not None:
        kwargs['timeout'] = timeout
    client = NodeumClient(normalize_base_url(url), warnings.append, sleep=sleep, clock=clock, **kwargs)
    pool = FakePool(script, clock, seconds_per_attempt)
    client._session.trust_env = False  # no proxy from the environment between the client and the fake pool
    client._session.mount('https://', FakePoolAdapter(pool))
    client._session.mount('http://', FakePoolAdapter(pool))
    return Transport(client, pool, sleeps, warnings, RunContext(False, warnings.append, sleep))


def http_answer(status=200, body=b'{"id": 1}', headers=None, fp=None, reason='OK'):
    """A urllib3 response as the pool returns it; fp replaces the body stream (to fail while it is read); a header set
    to None is left out."""
    all_headers = {'Content-Type': 'application/json', 'Content-Length': str(len(body))}
    all_headers.update(headers or {})
    all_headers = dict((name, value) for name, value in all_headers.items() if value is not None)
    return urllib3.HTTPResponse(body=fp or io.BytesIO(body), headers=all_headers, status=status, reason=reason,
                                preload_content=False, decode_content=False, enforce_content_length=True)


def caused(error, cause):
    error.__cause__ = cause
    return error


def refused():
    cause = ConnectionRefusedError(errno.ECONNREFUSED, 'Connection refused')
    return u3.MaxRetryError(
        None, '/', caused(u3.NewConnectionError(None, 'Failed to establish a new connection'), cause)
    )


def proxy_failed():
    return u3.MaxRetryError(None, '/', u3.ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: '
                                                                                           '407 Proxy Authentication '
                                                                                           'Required')))


def unreachable():
    cause = OSError(errno.ENETUNREACH, 'Network is unreachable')
    return u3.MaxRetryError(
        None, '/', caused(u3.NewConnectionError(None, 'Failed to establish a new connection'), cause)
    )


def name_not_resolved():
    cause = socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    return u3.MaxRetryError(None, '/', caused(u3.NameResolutionError('nodeum.example.com', None, cause), cause))


def connect_timeout():
    return u3.MaxRetryError(None, '/', u3.ConnectTimeoutError(None, 'Connection to nodeum.example.com timed out. '
                                                                    '(connect timeout=3)'))


def read_timeout():
    return u3.ReadTimeoutError(None, '/', 'Read timed out. (read timeout=3)')


def reset_before_answer():
    return u3.ProtocolError('Connection aborted.', ConnectionResetError(errno.ECONNRESET, 'Connection reset by peer'))


def closed_without_answer():
    return u3.ProtocolError('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))


def bad_status_line():
    return u3.ProtocolError('Connection aborted.', BadStatusLine('XTTP/1.1 200 OK\r\n'))


class FailingBody(io.RawIOBase):
    """A body stream that gives a first part, then fails as the socket did."""

    def __init__(self, first, error):
        super().__init__()
        self.parts = [first]
        self.error = error

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.parts:
            raise self.error
        part = self.parts.pop(0)
        buffer[:len(part)] = part
        return len(part)


def reset_in_body():
    return http_answer(
        body=b'{"id": 1, "script": "x"}', fp=FailingBody(b'{"id": 1', ConnectionResetError(errno.ECONNRESET, 'reset'))
    )


def timeout_in_body():
    return http_answer(body=b'{"id": 1, "script": "x"}', fp=FailingBody(b'{"id": 1', socket.timeout('timed out')))


def short_body():
    return http_answer(body=b'{"id": 1, "script": "x"}', fp=io.BytesIO(b'{"id": 1'))


def garbled_json():
    return http_answer(body=b'X"id": 1}')


# kind: (a failure as urllib3 raises it, requests' exception type for it, what the sentence says)
FAILURES = {
    'refused': (
        refused,
        requests.exceptions.ConnectionError,
        'Cannot reach the Nodeum API for {method} {url}: the connection was refused',
    ),
    'unreachable': (
        unreachable,
        requests.exceptions.ConnectionError,
        'Cannot reach the Nodeum API for {method} {url}: no connection could be made',
    ),
    'proxy': (
        proxy_failed,
        requests.exceptions.ProxyError,
        'Cannot reach the Nodeum API for {method} {url} through the proxy',
    ),
    'name': (
        name_not_resolved,
        requests.exceptions.ConnectionError,
        'Cannot reach the Nodeum API for {method} {url}: the host name nodeum.example.com does not resolve',
    ),
    'connect timeout': (
        connect_timeout,
        requests.exceptions.ConnectTimeout,
        'Cannot reach the Nodeum API for {method} {url}: no connection within the timeout of 3 seconds',
    ),
    'read timeout': (
        read_timeout,
        requests.exceptions.ReadTimeout,
        'Connected to the Nodeum API, but it did not answer {method} {url} within the timeout of 3 seconds',
    ),
    'reset before the answer': (
        reset_before_answer,
        requests.exceptions.ConnectionError,
        'Connected to the Nodeum API, but the connection was closed before the answer to {method} {url} came',
    ),
    'closed without an answer': (
        closed_without_answer,
        requests.exceptions.ConnectionError,
        'Connected to the Nodeum API, but the connection was closed before the answer to {method} {url} came',
    ),
    'reset in the body': (
        reset_in_body,
        requests.exceptions.ChunkedEncodingError,
        'The Nodeum API began to answer {method} {url}, but the answer was cut off',
    ),
    'body shorter than its length': (
        short_body,
        requests.exceptions.ChunkedEncodingError,
        'The Nodeum API began to answer {method} {url}, but the answer was cut off',
    ),
    'timeout in the body': (
        timeout_in_body,
        requests.exceptions.ConnectionError,
        'The Nodeum API began to answer {method} {url}, but the answer was cut off',
    ),
    'bad status line': (
        bad_status_line,
        requests.exceptions.ConnectionError,
        'The answer of the Nodeum API to {method} {url} arrived garbled (not readable as HTTP)',
    ),
    'garbled JSON': (
        garbled_json,
        None,
        'The answer of the Nodeum API to {method} {url} arrived garbled (a JSON body that does not parse: '
        '\'X"id": 1}}\')',
    ),
}
NOTHING_SENT = ('refused', 'unreachable', 'proxy', 'name', 'connect timeout')
# The few words of the retry warning, by kind.
SHORT = {
    'refused': 'a refused connection',
    'unreachable': 'a failed connection',
    'proxy': 'a failed connection ' 'through the proxy',
    'name': 'a failed name lookup',
    'connect timeout': 'no connection within 3 s',
    'read timeout': 'no answer ' 'within 3 s',
    'reset before the answer': 'a lost connection: closed before the answer',
    'closed without an answer': 'a lost ' 'connection: closed before the answer',
    'reset in the body': 'a lost connection: the answer was cut off',
    'body shorter than its length': 'a lost ' 'connection: the answer was cut off',
    'timeout in the body': 'a lost connection: the answer was cut off',
    'bad status line': 'a garbled answer',
    'garbled JSON': 'a garbled answer',
}
ANSWER_LOST = tuple(kind for kind in FAILURES if kind not in NOTHING_SENT)
PATHS = {'GET': 'tasks/1/task_callbacks', 'PUT': 'tasks/1/task_callbacks/2',
         'DELETE': 'tasks/1/task_callbacks/2', 'POST': 'tasks/1/task_callbacks'}


def call(client, method):
    body = None if method in ('GET', 'DELETE') else {'type': 'filter', 'script': 'x'}
    return client.request(method, PATHS[method], body=body)


def expected_sentence(kind, method):
    return FAILURES[kind][2].format(method=method, url=URL + PATHS[method])
