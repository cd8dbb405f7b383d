# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the transport client: paging, retries, error mapping, secrecy.

The HTTP session is replaced by a scripted one, so these tests cover the client alone.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
import requests

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


def test_timeout_is_not_retried_and_names_url_and_seconds():
    client, session, _sleeps = make_client([requests.exceptions.ReadTimeout('read timed out')], timeout=2)
    with pytest.raises(NodeumError) as caught:
        client.get('tasks/1/task_callbacks')
    assert 'within the timeout of 2 seconds' in caught.value.message
    assert 'https://nodeum.example.com/api/v2/tasks/1/task_callbacks' in caught.value.message
    assert len(session.calls) == 1


def test_tls_failure_points_to_ca_path():
    client, _session, _sleeps = make_client([requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='h'): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)')))")])
    with pytest.raises(NodeumError) as caught:
        client.get('tasks')
    assert 'TLS certificate verification failed' in caught.value.message
    assert 'self-signed certificate in certificate chain' in caught.value.message
    assert 'ca_path' in caught.value.message


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
