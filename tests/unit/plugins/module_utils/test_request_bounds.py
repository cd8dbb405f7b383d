# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every request ends, and no answer fills the memory: against servers of the test's own on 127.0.0.1 that drip
their answer, or send too much of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import threading
import time

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import request_bounds
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumClient, PostNotConfirmed
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.request_bounds import (
    MAX_ANSWER_BYTES, Watchdog, bytes_text,
)

SERVER_LIFETIME = 20.0  # seconds: a server of these tests stops by itself after this, whatever the client does
JSON_HEAD = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'


class Server:
    """A server on 127.0.0.1 that answers each connection with answer(connection, stop) in a thread of its own, for at
    most SERVER_LIFETIME seconds, and counts the bytes it could send."""

    def __init__(self, answer):
        self._answer = answer
        self._listener = socket.create_server(('127.0.0.1', 0))
        self._listener.settimeout(0.2)
        self.url = 'http://127.0.0.1:%d/api/v2' % self._listener.getsockname()[1]
        self.sent = 0
        self.connections = 0
        self._ends = time.monotonic() + SERVER_LIFETIME
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stopped(self):
        return time.monotonic() > self._ends

    def send(self, connection, data):
        connection.sendall(data)
        self.sent += len(data)

    def _serve(self):
        with self._listener:
            while not self.stopped():
                try:
                    connection, _address = self._listener.accept()
                except socket.timeout:
                    continue
                self.connections += 1
                threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection):
        with connection:
            connection.settimeout(SERVER_LIFETIME)
            try:
                connection.recv(65536)  # the request: one read holds it
                self._answer(self, connection)
            except OSError:
                pass  # the client hung up

    def stop(self):
        self._ends = 0
        self._thread.join(timeout=5)


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        servers.append(Server(answer))
        return servers[-1]
    yield start
    for server in servers:
        server.stop()


def drip(data, every=0.05):
    """An answer that sends data one byte at a time, a byte every `every` seconds, then ends the connection."""
    def answer(server, connection):
        for byte in data:
            if server.stopped():
                return
            server.send(connection, bytes([byte]))
            time.sleep(every)
    return answer


def client(url, **kwargs):
    settings = dict(timeout=0.5, retry_deadline=1.0, sleep=lambda seconds: None)
    settings.update(kwargs)
    return NodeumClient(url, lambda sentence: None, **settings)


def timed(call):
    started = time.monotonic()
    with pytest.raises(NodeumError) as caught:
        call()
    return caught.value, time.monotonic() - started


DEADLINE_SENTENCE = ('The Nodeum API had not finished answering GET %s/tasks when the request reached 1.5 seconds, the '
                     'most one request may take (1 seconds of retries plus the timeout of 0.5 seconds), so it was cut '
                     'off; the server answers too slowly: check the server and the network, or raise the timeout '
                     'option, which the deadline includes.')


@pytest.mark.parametrize('answer', [
    JSON_HEAD + b'X-Slow: ' + b'a' * 400,  # headers that never end, a byte within every timeout
    JSON_HEAD + b'Content-Length: 400\r\n\r\n{"items": "' + b'a' * 400,  # a body that never ends
], ids=['headers', 'body'])
def test_a_dripping_answer_is_cut_off_at_the_deadline_in_one_sentence(serve, answer):
    server = serve(drip(answer))
    error, elapsed = timed(lambda: client(server.url).get('tasks'))
    assert error.message == DEADLINE_SENTENCE % server.url
    assert 1.5 <= elapsed < 2.5  # retry_deadline plus one timeout, and the time to say so
    assert server.connections == 1  # at its deadline the request is over: no attempt after it


def test_a_create_cut_off_at_the_deadline_is_not_sent_again(serve):
    server = serve(drip(JSON_HEAD + b'X-Slow: ' + b'a' * 400))
    with pytest.raises(PostNotConfirmed) as caught:
        client(server.url).post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    assert caught.value.may_have_been_handled and caught.value.kind == 'deadline'
    assert server.connections == 1


def test_a_slow_answer_within_the_deadline_is_read(serve):
    body = b'{"tasks": []}'
    server = serve(drip(JSON_HEAD + b'Content-Length: %d\r\n\r\n' % len(body) + body, every=0.02))
    started = time.monotonic()
    assert client(server.url, retry_deadline=5.0).get('tasks') == {'tasks': []}
    assert time.monotonic() - started > 1.0  # slower than retry_deadline + timeout of the other tests


def test_the_next_request_after_a_cut_gets_a_connection_of_its_own(serve):
    answers = iter([drip(JSON_HEAD + b'X-Slow: ' + b'a' * 400),
                    lambda server, connection: server.send(connection, JSON_HEAD + b'Content-Length: 2\r\n\r\n{}')])

    def first_drips_then_answers(server, connection):
        next(answers)(server, connection)
    server = serve(first_drips_then_answers)
    nodeum = client(server.url)
    timed(lambda: nodeum.get('tasks'))
    assert nodeum.get('tasks') == {}
    assert server.connections == 2


def endless(declared=None):
    """An answer whose body never ends (1 MiB at a time), with a Content-Length of declared when given."""
    def answer(server, connection):
        length = b'' if declared is None else b'Content-Length: %d\r\n' % declared
        server.send(connection, JSON_HEAD + length + b'\r\n')
        while not server.stopped():
            server.send(connection, b'[' * 1048576)
    return answer


@pytest.mark.parametrize('declared', [None, 1024 * 1024 * 1024], ids=['no length', 'length said'])
def test_an_answer_over_the_limit_fails_in_one_sentence_and_is_not_read_on(serve, declared):
    server = serve(endless(declared))
    error, _elapsed = timed(lambda: client(server.url, answer_limit=1048576, retry_deadline=10.0).get('tasks'))
    assert error.message == ('The Nodeum API answered GET %s/tasks with more than 1 MiB, more than this collection '
                             'reads of one answer; check that url points to the Nodeum server.' % server.url)
    assert error.status == 200
    time.sleep(0.5)
    # what the server could send before the client hung up: the limit, and what the sockets' buffers hold
    assert server.sent < 32 * 1048576
    assert server.connections == 1


def test_an_answer_of_the_limit_exactly_is_read(serve):
    body = b'"' + b'a' * (65536 - 2) + b'"'
    server = serve(lambda server, connection: server.send(
        connection, JSON_HEAD + b'Content-Length: %d\r\n\r\n' % len(body) + body))
    assert client(server.url, answer_limit=len(body)).get('tasks') == 'a' * (65536 - 2)


def test_the_limit_of_an_answer_is_64_mib():
    assert bytes_text(MAX_ANSWER_BYTES) == '64 MiB'
    assert [bytes_text(size) for size in (300, 1536, 1048576)] == ['300 bytes', '1.5 KiB', '1 MiB']


def test_the_watchdog_thread_ends_when_nothing_is_watched(monkeypatch):
    monkeypatch.setattr(request_bounds, 'IDLE_SECONDS', 0.1)
    watchdog = Watchdog()
    watch = watchdog.begin(5.0)
    thread = watchdog._thread
    watchdog.end(watch)
    thread.join(timeout=2)
    assert not thread.is_alive() and not watch.cut
