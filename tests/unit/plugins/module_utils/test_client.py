# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the transport client: paging, retries, error mapping, secrecy.

The HTTP session is replaced by a scripted one, so these tests cover the client alone. The
transport failures are raised where urllib3 raises them (from a fake connection pool under a real
requests.Session and HTTPAdapter), so requests wraps them exactly as it does on a real network.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import io
import json
import socket
import ssl
from http.client import BadStatusLine, RemoteDisconnected

import pytest
import requests
import urllib3
from urllib3 import exceptions as u3

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client as client_module
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import (
    NodeumClient, NodeumError, NodeumNotFound, api_path, normalize_base_url, required_scope,
)

SECRET = 's3cr3t-Pa55word'


def answer(status, body=None, headers=None, raw=None, content_type='application/json'):
    response = requests.Response()
    response.status_code = status
    response.reason = {200: 'OK', 201: 'Created', 204: 'No Content'}.get(status, 'Error')
    response.headers['Content-Type'] = content_type
    response.headers.update(headers or {})
    if raw is not None:
        response._content = raw.encode('utf-8')
    else:
        response._content = b'' if body is None else json.dumps(body).encode('utf-8')
    return response


class ScriptedSession:
    """Stands in for requests.Session: answers from a script and records every call."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []
        self.headers = {}
        self.auth = None

    def request(self, method, url, **kwargs):
        self.calls.append(dict(method=method, url=url, **kwargs))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    def close(self):
        pass


def make_client(script, **kwargs):
    sleeps = []
    client = NodeumClient('https://nodeum.example.com', auth=('admin', SECRET), sleep=sleeps.append, **kwargs)
    client._session = ScriptedSession(script)
    return client, client._session, sleeps


def test_base_url_gets_the_api_root_once():
    assert normalize_base_url('https://h.example.com') == 'https://h.example.com/api/v2'
    assert normalize_base_url('https://h.example.com/') == 'https://h.example.com/api/v2'
    assert normalize_base_url('https://h.example.com/api/v2/') == 'https://h.example.com/api/v2'
    assert normalize_base_url('http://h:8787/prefix') == 'http://h:8787/prefix/api/v2'


@pytest.mark.parametrize('url', ['', None, 'ftp://h', 'nodeum.example.com', 'https://'])
def test_unusable_urls_are_refused_in_one_sentence(url):
    with pytest.raises(NodeumError) as caught:
        normalize_base_url(url)
    assert caught.value.message.endswith('.')


def test_url_with_credentials_is_refused_without_repeating_them():
    with pytest.raises(NodeumError) as caught:
        normalize_base_url('https://admin:%s@h.example.com' % SECRET)
    assert SECRET not in caught.value.message


def test_path_segments_are_percent_encoded():
    assert api_path('tasks', 'a/b %?#', 'task_callbacks') == 'tasks/a%2Fb%20%25%3F%23/task_callbacks'


@pytest.mark.parametrize('method, path, scope', [
    ('GET', 'tasks/3/task_callbacks', 'task_callbacks/index'),
    ('POST', 'tasks/3/task_callbacks', 'task_callbacks/create'),
    ('GET', 'tasks/3/task_callbacks/4', 'task_callbacks/show'),
    ('PUT', 'tasks/3/task_callbacks/4', 'task_callbacks/update'),
    ('DELETE', 'tasks/3/task_callbacks/4', 'task_callbacks/destroy'),
    ('GET', 'tasks', 'tasks/index'),
    ('GET', 'tasks/3', 'tasks/show'),
    ('PATCH', 'tasks', None),
])
def test_each_operation_names_its_scope(method, path, scope):
    assert required_scope(method, path) == scope


def page(ids, count):
    return answer(200, {'count': count, 'task_callbacks': [{'id': i, 'type': 'filter', 'script': 's%d' % i} for i in ids]})


def test_pager_follows_short_pages_until_count():
    client, session, _sleeps = make_client([page(range(0, 50), 120), page(range(50, 100), 120), page(range(100, 120), 120)])
    items, count = client.paginate('tasks/1/task_callbacks', 'task_callbacks', params={'type': '=filter'})
    assert count == 120
    assert [item['id'] for item in items] == list(range(120))
    assert [call['params']['offset'] for call in session.calls] == [0, 50, 100]
    assert all(call['params']['type'] == '=filter' for call in session.calls)


def test_pager_stops_on_an_empty_page_even_if_count_says_more():
    client, session, _sleeps = make_client([page(range(0, 10), 30), page([], 30)])
    items, count = client.paginate('tasks/1/task_callbacks', 'task_callbacks')
    assert len(items) == 10 and count == 30
    assert len(session.calls) == 2


def test_pager_honours_limit_and_offset():
    client, session, _sleeps = make_client([page(range(5, 8), 100), page(range(8, 10), 100)])
    items, _count = client.paginate('tasks/1/task_callbacks', 'task_callbacks', limit=5, offset=5)
    assert [item['id'] for item in items] == [5, 6, 7, 8, 9]
    assert [(call['params']['limit'], call['params']['offset']) for call in session.calls] == [(5, 5), (2, 8)]


def test_pager_refuses_an_answer_that_is_not_a_list():
    client, _session, _sleeps = make_client([answer(200, {'unexpected': True})])
    with pytest.raises(NodeumError, match="has no 'task_callbacks' array"):
        client.paginate('tasks/1/task_callbacks', 'task_callbacks')


@pytest.mark.parametrize('status', [502, 503, 504])
def test_safe_requests_are_retried_with_backoff_and_a_warning(status):
    client, session, sleeps = make_client([answer(status, {}), answer(status, {}), answer(200, {'id': 1})])
    assert client.get('tasks/1') == {'id': 1}
    assert len(session.calls) == 3
    assert sleeps == [0.5, 1.0]
    assert len(client.warnings) == 2 and 'status %d' % status in client.warnings[0]


def test_retry_after_is_honoured():
    client, _session, sleeps = make_client([answer(429, {}, headers={'Retry-After': '3'}), answer(204)])
    assert client.delete('tasks/1/task_callbacks/2') is None
    assert sleeps == [3.0]


def test_retry_after_above_the_cap_fails_with_a_sentence():
    client, session, sleeps = make_client([answer(429, {}, headers={'Retry-After': '120'})])
    with pytest.raises(NodeumError) as caught:
        client.get('tasks')
    assert 'asked to wait 120 seconds' in caught.value.message
    assert len(session.calls) == 1 and sleeps == []


def test_retries_end_after_the_last_attempt_with_the_last_error():
    client, session, _sleeps = make_client([answer(503, {'messages': ['Busy']})] * client_module.MAX_ATTEMPTS)
    with pytest.raises(NodeumError) as caught:
        client.put('tasks/1/task_callbacks/2', {'script': 'x'})
    assert len(session.calls) == client_module.MAX_ATTEMPTS
    assert '(503): Busy' in caught.value.message


def test_lost_connection_is_retried_for_get():
    client, session, _sleeps = make_client([requests.exceptions.ConnectionError('Remote end closed connection without response'),
                                            answer(200, {'id': 1})])
    assert client.get('tasks/1') == {'id': 1}
    assert len(session.calls) == 2
    assert 'a lost connection' in client.warnings[0]


def test_post_is_never_resent_without_a_landed_check():
    client, session, _sleeps = make_client([answer(502, {})])
    with pytest.raises(NodeumError, match='502'):
        client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    assert len(session.calls) == 1


def test_post_whose_answer_was_lost_adopts_what_it_created():
    found = {'id': 9, 'type': 'filter', 'script': 'x'}
    client, session, _sleeps = make_client([requests.exceptions.ConnectionError('Connection aborted')])
    assert client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'}, landed=lambda: found) is found
    assert len(session.calls) == 1
    assert 'not sent again' in client.warnings[0]


def test_post_is_resent_only_after_the_landed_check_found_nothing():
    checks = []
    client, session, _sleeps = make_client([answer(503, {}), answer(201, {'id': 9})])
    created = client.post('tasks/1/task_callbacks', {'script': 'x'}, landed=lambda: checks.append(1))
    assert created == {'id': 9}
    assert checks == [1] and len(session.calls) == 2


def test_post_refused_with_429_is_resent_without_a_check():
    client, session, _sleeps = make_client([answer(429, {}), answer(201, {'id': 9})])
    assert client.post('tasks/1/task_callbacks', {'script': 'x'}, landed=lambda: pytest.fail('no check needed')) == {'id': 9}
    assert len(session.calls) == 2


@pytest.mark.parametrize('status, expected', [
    (401, 'refused the credentials for GET https://nodeum.example.com/api/v2/tasks/3/task_callbacks (401)'),
    (403, 'lacks the scope task_callbacks/index'),
    (422, 'refused GET https://nodeum.example.com/api/v2/tasks/3/task_callbacks (422): Script can\'t be blank'),
    (500, '(500): Script can\'t be blank'),
])
def test_error_statuses_become_one_sentence(status, expected):
    body = {'details': {'script': [{'error': 'blank'}]}, 'messages': ["Script can't be blank"]}
    client, _session, _sleeps = make_client([answer(status, body)])
    with pytest.raises(NodeumError) as caught:
        client.get('tasks/3/task_callbacks')
    assert expected in caught.value.message
    assert caught.value.status == status
    assert '\n' not in caught.value.message


def test_not_found_has_its_own_type_for_the_resource_logic():
    client, _session, _sleeps = make_client([answer(404, {'messages': ['Task not found']})])
    with pytest.raises(NodeumNotFound):
        client.get('tasks/99/task_callbacks')


def test_html_answer_is_quoted_not_parsed():
    html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'
    client, _session, _sleeps = make_client([answer(200, raw=html, content_type='text/html')])
    with pytest.raises(NodeumError) as caught:
        client.get('tasks')
    assert 'not JSON (200, text/html)' in caught.value.message
    assert '<html><head><title>502 Bad Gateway' in caught.value.message


def test_html_error_page_after_retries_says_so():
    html = '<html><body><h1>503 Service Unavailable</h1></body></html>'
    client, _session, _sleeps = make_client([answer(503, raw=html, content_type='text/html')] * client_module.MAX_ATTEMPTS)
    with pytest.raises(NodeumError) as caught:
        client.get('tasks')
    assert 'with 503 and a body that is not JSON (text/html)' in caught.value.message
    assert '503 Service Unavailable' in caught.value.message


def test_no_message_or_warning_holds_the_credential():
    script = [answer(503, {}), requests.exceptions.ConnectionError('boom %s' % 'x'), answer(401, {'messages': ['Bad credentials']})]
    client, session, _sleeps = make_client(script)
    with pytest.raises(NodeumError) as caught:
        client.get('tasks')
    texts = [caught.value.message] + client.warnings + [str(caught.value)]
    assert all(SECRET not in text for text in texts)
    assert session.calls[0]['verify'] is True


def test_verify_follows_validate_certs_and_ca_path():
    _client, session, _sleeps = make_client([answer(200, {})], validate_certs=False)
    _client.get('tasks')
    assert session.calls[0]['verify'] is False
    client, session, _sleeps = make_client([answer(200, {})], ca_path='/etc/ca.pem')
    client.get('tasks')
    assert session.calls[0]['verify'] == '/etc/ca.pem'


# -- transport failures, with the real exception types of urllib3, requests and the standard library --

URL = 'https://nodeum.example.com/api/v2/'


class FakePool:
    """Stands in for urllib3's connection pool under requests' real HTTPAdapter: each urlopen()
    raises what urllib3 raises for a failure of the script, or returns a urllib3 response."""

    def __init__(self, script, clock=None, seconds_per_attempt=0.0):
        self.script = list(script)
        self.calls = []
        self.clock = clock
        self.seconds_per_attempt = seconds_per_attempt

    def urlopen(self, method, url, **_kwargs):
        self.calls.append((method, url))
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


def transport_client(script, timeout=3, seconds_per_attempt=0.0):
    """A client on a real requests.Session whose adapter talks to a FakePool; sleeps advance a fake clock."""
    clock = FakeClock()
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        clock.sleep(seconds)

    client = NodeumClient('https://nodeum.example.com', auth=('admin', SECRET), timeout=timeout, sleep=sleep, clock=clock)
    pool = FakePool(script, clock, seconds_per_attempt)
    client._session.trust_env = False  # no proxy from the environment between the client and the fake pool
    client._session.mount('https://', FakePoolAdapter(pool))
    return client, pool, sleeps


def http_answer(status=200, body=b'{"id": 1}', headers=None, fp=None):
    """A urllib3 response as the pool returns it; fp replaces the body stream (to fail while it is read)."""
    all_headers = {'Content-Type': 'application/json', 'Content-Length': str(len(body))}
    all_headers.update(headers or {})
    return urllib3.HTTPResponse(body=fp or io.BytesIO(body), headers=all_headers, status=status, reason='OK',
                                preload_content=False, decode_content=False, enforce_content_length=True)


def caused(error, cause):
    error.__cause__ = cause
    return error


def refused():
    cause = ConnectionRefusedError(errno.ECONNREFUSED, 'Connection refused')
    return u3.MaxRetryError(None, '/', caused(u3.NewConnectionError(None, 'Failed to establish a new connection'), cause))


def name_not_resolved():
    cause = socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    return u3.MaxRetryError(None, '/', caused(u3.NameResolutionError('nodeum.example.com', None, cause), cause))


def connect_timeout():
    return u3.MaxRetryError(None, '/', u3.ConnectTimeoutError(None, 'Connection to nodeum.example.com timed out. (connect timeout=3)'))


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
    return http_answer(body=b'{"id": 1, "script": "x"}', fp=FailingBody(b'{"id": 1', ConnectionResetError(errno.ECONNRESET, 'reset')))


def timeout_in_body():
    return http_answer(body=b'{"id": 1, "script": "x"}', fp=FailingBody(b'{"id": 1', socket.timeout('timed out')))


def short_body():
    return http_answer(body=b'{"id": 1, "script": "x"}', fp=io.BytesIO(b'{"id": 1'))


def garbled_json():
    return http_answer(body=b'X"id": 1}')


# kind: (a failure as urllib3 raises it, requests' exception type for it, what the sentence says)
FAILURES = {
    'refused': (refused, requests.exceptions.ConnectionError, 'Cannot reach the Nodeum API for {method} {url}: the connection was refused'),
    'name': (name_not_resolved, requests.exceptions.ConnectionError,
             'Cannot reach the Nodeum API for {method} {url}: the host name nodeum.example.com does not resolve'),
    'connect timeout': (connect_timeout, requests.exceptions.ConnectTimeout,
                        'Cannot reach the Nodeum API for {method} {url}: no connection within the timeout of 3 seconds'),
    'read timeout': (read_timeout, requests.exceptions.ReadTimeout,
                     'Connected to the Nodeum API, but it did not answer {method} {url} within the timeout of 3 seconds'),
    'reset before the answer': (reset_before_answer, requests.exceptions.ConnectionError,
                                'Connected to the Nodeum API, but the connection was closed before the answer to {method} {url} came'),
    'closed without an answer': (closed_without_answer, requests.exceptions.ConnectionError,
                                 'Connected to the Nodeum API, but the connection was closed before the answer to {method} {url} came'),
    'reset in the body': (reset_in_body, requests.exceptions.ChunkedEncodingError,
                          'The Nodeum API began to answer {method} {url}, but the answer was cut off'),
    'body shorter than its length': (short_body, requests.exceptions.ChunkedEncodingError,
                                     'The Nodeum API began to answer {method} {url}, but the answer was cut off'),
    'timeout in the body': (timeout_in_body, requests.exceptions.ConnectionError,
                            'The Nodeum API began to answer {method} {url}, but the answer was cut off'),
    'bad status line': (bad_status_line, requests.exceptions.ConnectionError,
                        'The answer of the Nodeum API to {method} {url} arrived garbled (not readable as HTTP)'),
    'garbled JSON': (garbled_json, None, 'The answer of the Nodeum API to {method} {url} arrived garbled (a JSON body that does not parse'),
}
NOTHING_SENT = ('refused', 'name', 'connect timeout')
ANSWER_LOST = tuple(kind for kind in FAILURES if kind not in NOTHING_SENT)
PATHS = {'GET': 'tasks/1/task_callbacks', 'PUT': 'tasks/1/task_callbacks/2', 'DELETE': 'tasks/1/task_callbacks/2', 'POST': 'tasks/1/task_callbacks'}


def call(client, method, landed=None):
    body = None if method in ('GET', 'DELETE') else {'type': 'filter', 'script': 'x'}
    return client.request(method, PATHS[method], body=body, landed=landed)


def expected_sentence(kind, method):
    return FAILURES[kind][2].format(method=method, url=URL + PATHS[method])


@pytest.mark.parametrize('kind', [kind for kind in FAILURES if FAILURES[kind][1]])
def test_requests_wraps_each_failure_as_expected(kind):
    """The premise of the other tests: requests' own adapter turns the urllib3 failure into this type."""
    make, requests_type, _sentence = FAILURES[kind]
    session = requests.Session()
    session.trust_env = False
    session.mount('https://', FakePoolAdapter(FakePool([make()])))
    with pytest.raises(requests_type):
        session.get(URL + 'tasks')


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE', 'POST'])
@pytest.mark.parametrize('kind', NOTHING_SENT)
def test_nothing_sent_is_retried_for_every_method_without_a_landed_check(kind, method):
    client, pool, sleeps = transport_client([FAILURES[kind][0](), http_answer(body=b'{"id": 7}')])
    assert call(client, method, landed=lambda: pytest.fail('nothing was sent, so there is nothing to check')) == {'id': 7}
    assert len(pool.calls) == 2 and sleeps == [0.5]
    short = {'refused': 'a refused connection', 'name': 'a failed name lookup', 'connect timeout': 'no connection within 3 s'}[kind]
    assert client.warnings == ['Retried %s %s after %s (attempt 2 of 4, waited 0.5 s).' % (method, URL + PATHS[method], short)]


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_lost_answer_of_a_repeatable_request_is_retried(kind, method):
    client, pool, sleeps = transport_client([FAILURES[kind][0](), http_answer(body=b'{"id": 7}')])
    assert call(client, method) == {'id': 7}
    assert len(pool.calls) == 2 and sleeps == [0.5]
    assert len(client.warnings) == 1 and client.warnings[0].startswith('Retried %s %s after ' % (method, URL + PATHS[method]))


@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_lost_answer_of_a_post_that_landed_adopts_what_it_created(kind):
    found = {'id': 9, 'type': 'filter', 'script': 'x'}
    client, pool, sleeps = transport_client([FAILURES[kind][0]()])
    assert call(client, 'POST', landed=lambda: found) is found
    assert len(pool.calls) == 1
    # A POST that got no answer in time may still be running on the server: it is given as long again.
    assert sleeps == [0.5 + 3] if kind == 'read timeout' else sleeps == [0.5]
    assert len(client.warnings) == 1
    assert client.warnings[0].startswith(expected_sentence(kind, 'POST'))
    assert client.warnings[0].endswith('; the server had created it all the same, so it was not sent again.')


@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_lost_answer_of_a_post_is_resent_only_after_the_check_found_nothing(kind):
    checks = []
    client, pool, sleeps = transport_client([FAILURES[kind][0](), http_answer(201, b'{"id": 9}')])
    assert call(client, 'POST', landed=lambda: checks.append(len(pool.calls))) == {'id': 9}
    assert checks == [1] and len(pool.calls) == 2
    assert sleeps == ([3.5] if kind == 'read timeout' else [0.5])  # the wait comes before the check, not between check and resend


def test_post_whose_landed_check_fails_says_the_callback_may_exist():
    def landed():
        raise NodeumError('The check failed.')
    client, _pool, _sleeps = transport_client([read_timeout()])
    with pytest.raises(NodeumError) as caught:
        call(client, 'POST', landed=landed)
    assert caught.value.message == (expected_sentence('read timeout', 'POST') + ', and the check whether the server had created the '
                                    'callback failed as well; the callback may exist: run the task again, it finds and keeps the one created.')


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE', 'POST'])
@pytest.mark.parametrize('kind', FAILURES)
def test_a_failure_that_lasts_is_one_true_sentence(kind, method):
    client, pool, _sleeps = transport_client([FAILURES[kind][0]() for _attempt in range(client_module.MAX_ATTEMPTS)])
    with pytest.raises(NodeumError) as caught:
        call(client, method, landed=lambda: None)
    message = caught.value.message
    assert len(pool.calls) == client_module.MAX_ATTEMPTS
    assert message.startswith(expected_sentence(kind, method)), message
    assert '(4 attempts in ' in message and message.endswith('.') and '\n' not in message
    assert 'Error(' not in message and 'Errno' not in message and 'object at 0x' not in message and SECRET not in message
    if method == 'POST' and kind in NOTHING_SENT:
        assert message.endswith('; nothing reached the server, so no callback was created; check url, the network and that the server is up.')
    elif method == 'POST':
        assert message.endswith('; the callback may have been created: run the task again, it finds and keeps the one created.')
    elif kind in NOTHING_SENT:
        assert message.endswith('; check url, the network and that the server is up.')
    elif kind == 'read timeout':
        assert message.endswith('; raise the timeout option or check the server.')
    else:
        assert message.endswith('; check the network and any proxy between here and the server, then run the task again.')


def test_a_post_that_may_have_landed_once_never_claims_nothing_was_created():
    client, _pool, _sleeps = transport_client([reset_before_answer(), refused(), refused(), refused()])
    with pytest.raises(NodeumError) as caught:
        call(client, 'POST', landed=lambda: None)
    assert 'the connection was refused' in caught.value.message
    assert caught.value.message.endswith('the callback may have been created: run the task again, it finds and keeps the one created.')


def test_a_dead_server_fails_after_the_same_waits_every_time():
    client, pool, sleeps = transport_client([refused()] * client_module.MAX_ATTEMPTS)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert sleeps == list(client_module.BACKOFF_SECONDS) and sum(sleeps) == 3.5
    assert len(pool.calls) == 4 and '(4 attempts in 3.5 s)' in caught.value.message


def test_no_attempt_starts_after_the_retry_deadline():
    # Each attempt takes 10 s (a timeout of 10): attempts start at 0, 10.5 and 21.5 s; a fourth would start at 33.5 s, past 30 s.
    client, pool, sleeps = transport_client([read_timeout()] * client_module.MAX_ATTEMPTS, timeout=10, seconds_per_attempt=10)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert client_module.RETRY_DEADLINE_SECONDS == 30
    assert len(pool.calls) == 3 and sleeps == [0.5, 1.0]
    assert '(3 attempts in 31.5 s)' in caught.value.message


def test_a_post_past_the_deadline_still_checks_whether_it_landed():
    found = {'id': 4}
    client, pool, _sleeps = transport_client([read_timeout()], timeout=40, seconds_per_attempt=40)
    assert call(client, 'POST', landed=lambda: found) is found
    assert len(pool.calls) == 1


def real_tls_error_from_a_plain_http_port():
    """The ssl.SSLError a handshake really raises when the other end answers in plain HTTP."""
    ours, theirs = socket.socketpair()
    try:
        theirs.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        wrapped = context.wrap_socket(ours, do_handshake_on_connect=False)
        with pytest.raises(ssl.SSLError) as caught:
            wrapped.do_handshake()
        return caught.value
    finally:
        ours.close()
        theirs.close()


def certificate_error():
    error = ssl.SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed')
    error.reason = 'CERTIFICATE_VERIFY_FAILED'
    error.verify_message = 'self-signed certificate in certificate chain'
    return error


def tls_failure(ssl_error):
    return u3.MaxRetryError(None, '/', u3.SSLError(ssl_error))


def test_tls_to_a_plain_http_port_says_so_and_names_the_url():
    tls = real_tls_error_from_a_plain_http_port()
    assert tls.reason in client_module.NOT_TLS_REASONS
    client, pool, _sleeps = transport_client([tls_failure(tls)])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == ('The server at https://nodeum.example.com did not answer in TLS for GET %stasks/1/task_callbacks: it does '
                                    'not speak HTTPS on that port; check http:// against https:// in url, and the port.' % URL)
    assert len(pool.calls) == 1


def test_tls_failure_points_to_ca_path_and_keeps_the_url():
    client, pool, _sleeps = transport_client([tls_failure(certificate_error())])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == ('TLS certificate verification failed for GET %stasks/1/task_callbacks (self-signed certificate in '
                                    'certificate chain); set ca_path to the CA bundle that signed the server certificate, or '
                                    'validate_certs to false to skip the check (unsafe).' % URL)
    assert len(pool.calls) == 1


def test_another_tls_failure_gives_openssl_reason_in_words():
    error = ssl.SSLError(1, '[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version')
    error.reason = 'TLSV1_ALERT_PROTOCOL_VERSION'
    client, _pool, _sleeps = transport_client([tls_failure(error)])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == ("The TLS handshake with https://nodeum.example.com failed for GET %stasks/1/task_callbacks (tlsv1 alert "
                                    "protocol version); check that url names the server's HTTPS port and that the server accepts TLS 1.2 "
                                    "or later." % URL)


def test_a_failure_the_client_cannot_place_is_not_retried():
    client, pool, _sleeps = transport_client([u3.LocationParseError('bad location')])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert len(pool.calls) == 1
    assert caught.value.message.startswith('The request GET %stasks/1/task_callbacks failed before any answer came' % URL)
