# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the transport client: paging, retries, error mapping, secrecy.

Paging, statuses, retries and lost POST answers run against the emulator (the `nodeum` fixture),
its faults injecting the failures. What no server here can send (failures of the network, answers
without a content type, a Retry-After that is a date) is raised where urllib3 raises it, from a fake
connection pool under a real requests.Session and HTTPAdapter, so requests wraps it exactly as it
does on a real network.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import json
import socket
import ssl
import warnings
from http import HTTPStatus
from http.client import IncompleteRead
from urllib.parse import parse_qsl

import pytest
import requests
from urllib3 import exceptions as u3

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client as client_module
from ansible_collections.nodeum.data_archiving.plugins.module_utils import transport_failures
from ansible_collections.nodeum.data_archiving.plugins.module_utils.answers import required_scope
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import (
    NodeumClient, PostNotConfirmed, api_path,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection_options import normalize_base_url
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError, NodeumNotFound
from ansible_collections.nodeum.data_archiving.plugins.module_utils.listing import MAX_LISTED_ITEMS, ListPage
from ansible_collections.nodeum.data_archiving.tests.unit.plugins.module_utils.fake_transport import (
    ANSWER_LOST, FAILURES, FakePool, FakePoolAdapter, NOTHING_SENT, PATHS, SHORT, URL, bad_status_line, call, caused,
    closed_without_answer, expected_sentence, http_answer, read_timeout, refused, reset_before_answer,
    transport_client, SECRET,
)

NO_WARNINGS = [].append  # for a client that is never asked to warn


def fields(error):
    """What a NodeumError carries besides its sentence."""
    return dict(
        type=type(error).__name__,
        status=error.status,
        method=error.method,
        path=error.path,
        messages=error.messages,
        details=error.details,
    )


def error_fields(status=None, method='GET', path=None, messages=(), details=None, error_type='NodeumError'):
    return dict(
        type=error_type, status=status, method=method, path=path, messages=list(messages), details=details or {}
    )


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


def test_the_session_asks_for_json_and_each_method_sends_its_body():
    answers = [http_answer(), http_answer(201), http_answer(), http_answer(204, b'')]
    client, pool, _sleeps, _warnings, _context = transport_client(answers, auth=None, authorization='Bearer t0ken')
    assert client.get(PATHS['GET'], params={'name': '=a b'}) == {'id': 1}
    assert client.post(PATHS['POST'], {'type': 'filter', 'script': 'x'}) == {'id': 1}
    assert client.put(PATHS['PUT'], {'script': 'y'}) == {'id': 1}
    assert client.delete(PATHS['DELETE']) is None
    assert [(sent['method'], sent['url'], sent['body']) for sent in pool.sent] == [
        ('GET', '/api/v2/tasks/1/task_callbacks?name=%3Da+b', None),
        ('POST', '/api/v2/tasks/1/task_callbacks', b'{"type": "filter", "script": "x"}'),
        ('PUT', '/api/v2/tasks/1/task_callbacks/2', b'{"script": "y"}'),
        ('DELETE', '/api/v2/tasks/1/task_callbacks/2', None),
    ]
    assert [(sent['headers']['Accept'], sent['headers']['Authorization'])
            for sent in pool.sent] == [('application/json', 'Bearer t0ken')] * 4


@pytest.mark.parametrize('scheme', ['https', 'http'])
def test_the_session_keeps_pool_maxsize_connections_open_per_scheme(scheme):
    base_url = '%s://nodeum.example.com/api/v2' % scheme
    for client, size in (
        (NodeumClient(base_url, NO_WARNINGS), 8),
        (NodeumClient(base_url, NO_WARNINGS, pool_maxsize=3), 3),
    ):
        adapter = client._session.get_adapter('%s://nodeum.example.com/api/v2/tasks' % scheme)
        assert adapter.poolmanager.connection_pool_kw['maxsize'] == size


# -- against the emulator: paging, statuses, retries, lost POST answers --------------------------------

def queries(nodeum):
    """The query of each request the emulator logged, as a dict."""
    return [dict(parse_qsl(entry['query'] or '')) for entry in nodeum.control.requests()]


def json_fault(nodeum, status, body, **fault):
    """The next request (or the next `times`) is answered with this status and JSON body."""
    return nodeum.fault(status=status, body=json.dumps(body), content_type='application/json', **fault)


def callback_page(answer):
    """The read_page of these tests: the page as the answer holds it (server_data checks items; see its tests)."""
    return ListPage(answer['task_callbacks'], answer.get('count'))


def page_of(count, first, size):
    return {'count': count, 'task_callbacks': [{'id': number} for number in range(first, first + size)]}


def listing_error(nodeum, **kwargs):
    with pytest.raises(NodeumError) as caught:
        nodeum.client.paginate('tasks/1/task_callbacks', callback_page, **kwargs)
    return caught.value


def test_pager_follows_capped_pages_until_count(nodeum):
    nodeum.load(callbacks=[dict(id=number, task_id=1, type='filter', script='s') for number in range(1000, 1120)]
                + [dict(id=2000, task_id=1, type='hook', script='s')])
    items, count = nodeum.client.paginate('tasks/1/task_callbacks', callback_page, params={'type': '=filter'})
    assert count == 120 and [item['id'] for item in items] == list(range(1000, 1120))
    # the emulator serves at most 50 a page, whatever limit asks for
    assert queries(nodeum) == [dict(type='=filter', limit='1000', offset=str(offset)) for offset in (0, 50, 100)]


def test_pager_honours_limit_and_offset_across_capped_pages(nodeum):
    nodeum.load(callbacks=[dict(id=number, task_id=1, type='filter', script='s') for number in range(1000, 1120)])
    items, count = nodeum.client.paginate('tasks/1/task_callbacks', callback_page, limit=60, offset=5)
    assert count == 120 and [item['id'] for item in items] == list(range(1005, 1065))
    assert [(query['limit'], query['offset']) for query in queries(nodeum)] == [('60', '5'), ('10', '55')]


def test_pager_goes_on_from_where_each_short_page_ended(nodeum):
    """Pages shorter than asked, of changing sizes, in the middle of a listing: the next page starts after the last
    item held."""
    for first, size in ((0, 10), (10, 5), (15, 10)):
        json_fault(nodeum, 200, page_of(25, first, size))
    items, count = nodeum.client.paginate('tasks/1/task_callbacks', callback_page)
    assert count == 25 and [item['id'] for item in items] == list(range(25))
    assert [query['offset'] for query in queries(nodeum)] == ['0', '10', '15']


def test_pager_holds_an_item_that_a_page_repeats_once(nodeum):
    """A listing that moved between two pages (an item listed again): each item is held once, and paging goes on."""
    json_fault(nodeum, 200, page_of(20, 0, 10))
    json_fault(nodeum, 200, page_of(21, 9, 11))  # one item more, before offset 10: the 10th is listed again
    items, count = nodeum.client.paginate('tasks/1/task_callbacks', callback_page)
    assert count == 21 and [item['id'] for item in items] == list(range(20))
    assert [query['offset'] for query in queries(nodeum)] == ['0', '10']


def test_pager_stops_on_an_empty_page_even_if_count_says_more(nodeum):
    json_fault(nodeum, 200, page_of(30, 0, 10))
    json_fault(nodeum, 200, page_of(30, 0, 0))
    items, count = nodeum.client.paginate('tasks/1/task_callbacks', callback_page)
    assert len(items) == 10 and count == 30 and len(nodeum.requests()) == 2


def test_pager_takes_a_page_without_count_as_all_there_is(nodeum):
    json_fault(nodeum, 200, {'task_callbacks': [{'id': 1}, {'id': 2}]})
    assert nodeum.client.paginate('tasks/1/task_callbacks', callback_page) == ([{'id': 1}, {'id': 2}], 2)
    assert len(nodeum.requests()) == 1


def test_pager_stops_at_a_page_that_adds_no_new_item(nodeum):
    """A server that answers every offset with the same page, as if the listing went on for ever."""
    json_fault(nodeum, 200, page_of(MAX_LISTED_ITEMS, 0, 50), times=5)
    error = listing_error(nodeum)
    assert error.message == ('The Nodeum API answered GET %s/tasks/1/task_callbacks (offset 50) with a page that '
                             'holds only items it listed already, so reading the listing was stopped; run the task '
                             'again, and if it happens again check that url points to a Nodeum server.'
                             % nodeum.client.base_url)
    assert fields(error) == error_fields(path='tasks/1/task_callbacks')
    assert [query['offset'] for query in queries(nodeum)] == ['0', '50']


def test_pager_stops_where_the_pages_outrun_the_count(nodeum):
    for first in (0, 50, 100):
        json_fault(nodeum, 200, page_of(120, first, 50))
    assert listing_error(nodeum).message == (
        'The Nodeum API listed more items for GET %s/tasks/1/task_callbacks than the 120 its count announced, so '
        'reading the listing was stopped; check that url points to a Nodeum server.' % nodeum.client.base_url)
    assert len(nodeum.requests()) == 3


@pytest.mark.parametrize('offset', [0, 5])
def test_pager_refuses_a_listing_past_the_cap_of_items_at_its_first_page(nodeum, offset):
    announced = MAX_LISTED_ITEMS + offset + 1
    json_fault(nodeum, 200, page_of(announced, offset, 50))
    assert listing_error(nodeum, offset=offset).message == (
        'The Nodeum API announced %d items for GET %s/tasks/1/task_callbacks, more than the 100000 this collection '
        'reads of one listing; check that url points to a Nodeum server.' % (announced, nodeum.client.base_url))
    assert MAX_LISTED_ITEMS == 100000 and len(nodeum.requests()) == 1


def test_pager_with_a_limit_reads_a_listing_that_announces_more_than_the_cap(nodeum):
    json_fault(nodeum, 200, page_of(10 ** 9, 0, 1))
    items, count = nodeum.client.paginate('tasks/1/task_callbacks', callback_page, limit=1)
    assert (len(items), count) == (1, 10 ** 9)


def test_pager_stops_a_count_that_grows_with_every_page_at_the_cap(nodeum):
    """A server whose every page announces a little more than was read: the cap on the whole listing ends it."""
    size = 1000
    pages = MAX_LISTED_ITEMS // size
    for number in range(pages + 1):
        json_fault(nodeum, 200, page_of((number + 2) * size, number * size, size))
    error = listing_error(nodeum)
    assert error.message.startswith('The Nodeum API announced %d items for GET ' % ((pages + 1) * size))
    assert len(nodeum.requests()) == pages


def test_each_method_reaches_the_emulator_and_decodes_its_answer(nodeum):
    nodeum.load(tasks={1: 'a b'})
    client = nodeum.client
    assert client.get('tasks', params={'name': '=a b'})['tasks'] == [{'id': 1, 'name': 'a b'}]
    created = client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    assert client.put('tasks/1/task_callbacks/%d' % created['id'], {'script': 'y'})['script'] == 'y'
    assert client.delete('tasks/1/task_callbacks/%d' % created['id']) is None and nodeum.callbacks() == {}
    assert [entry['caller'] for entry in nodeum.control.requests()] == ['user:admin'] * 4


@pytest.mark.parametrize('status', [502, 503, 504])
def test_safe_requests_are_retried_with_backoff_and_a_warning(nodeum, status):
    nodeum.load()
    nodeum.fault(status=status, times=2)
    assert nodeum.client.get('tasks/1')['id'] == 1
    assert len(nodeum.requests()) == 3 and nodeum.waits == [0.5, 1.0]
    where = 'GET %s/tasks/1' % nodeum.client.base_url
    assert nodeum.warnings == ['Retried %s after status %d (attempt 2 of 4, waited 0.5 s).' % (where, status),
                               'Retried %s after status %d (attempt 3 of 4, waited 1 s).' % (where, status)]


# the cap itself is waited; never less than the backoff
@pytest.mark.parametrize('retry_after, waits', [(3, [3.0]), (30, [30.0]), (0, [0.5])])
def test_retry_after_is_honoured(nodeum, retry_after, waits):
    nodeum.load(callbacks=[dict(id=2, task_id=1, type='filter', script='s')])
    nodeum.fault(status=429, retry_after=retry_after)
    assert nodeum.client.delete('tasks/1/task_callbacks/2') is None
    assert nodeum.waits == waits and nodeum.callbacks() == {}


# a date: the backoff
@pytest.mark.parametrize('retry_after, waits', [('-5', [0.5]), ('Wed, 21 Oct 2015 07:28:00 GMT', [0.5])])
def test_a_retry_after_no_server_here_sends_waits_the_backoff(retry_after, waits):
    client, _pool, sleeps, _warnings, _context = transport_client(
        [http_answer(429, b'{}', headers={'Retry-After': retry_after}), http_answer(204, b'')])
    assert client.delete('tasks/1/task_callbacks/2') is None
    assert sleeps == waits


@pytest.mark.parametrize('retry_after, said', [(120, '120'), (30.5, '30.5'), (45.25, '45.2')])
def test_retry_after_above_the_cap_fails_with_a_sentence(nodeum, retry_after, said):
    nodeum.fault(status=429, retry_after=retry_after)
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks')
    assert caught.value.message == (
        'The Nodeum API asked to wait %s seconds before retrying GET %s/tasks, longer than '
        'the 30 seconds this '
        'collection waits at most; run the task again later.' % (said, nodeum.client.base_url)
    )
    assert fields(caught.value) == error_fields(429, path='tasks', messages=caught.value.messages)
    assert len(nodeum.requests()) == 1 and nodeum.waits == []


def test_an_infinite_retry_after_is_above_the_cap():
    client, pool, sleeps, _warnings, _context = transport_client(
        [http_answer(429, b'{}', headers={'Retry-After': 'inf'})])
    with pytest.raises(NodeumError, match='^The Nodeum API asked to wait inf seconds'):
        client.get('tasks')
    assert len(pool.calls) == 1 and sleeps == []


def test_retries_end_after_the_last_attempt_with_the_last_error(nodeum):
    json_fault(nodeum, 503, {'messages': ['Busy']}, times=client_module.MAX_ATTEMPTS)
    with pytest.raises(NodeumError) as caught:
        nodeum.client.put('tasks/1/task_callbacks/2', {'script': 'x'})
    assert len(nodeum.requests()) == client_module.MAX_ATTEMPTS
    assert (
        caught.value.message
        == 'The Nodeum API refused PUT %s/tasks/1/task_callbacks/2 (503): Busy' % nodeum.client.base_url
    )
    assert fields(caught.value) == error_fields(503, 'PUT', 'tasks/1/task_callbacks/2', ['Busy'])


def test_lost_connection_is_retried_for_get(nodeum):
    nodeum.load()
    nodeum.fault(method='GET', drop='before')
    assert nodeum.client.get('tasks/1')['id'] == 1
    assert len(nodeum.requests()) == 2 and 'a lost connection' in nodeum.warnings[0]


def test_a_post_answered_502_is_not_sent_again_but_said_unconfirmed(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', status=502)
    with pytest.raises(PostNotConfirmed) as caught:
        nodeum.client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    lost = caught.value
    assert (
        lost.reason.status == 502
        and lost.may_have_been_handled
        and lost.check_after == 0.5
        and lost.resume.attempt == 2
    )
    assert len(nodeum.requests()) == 1 and nodeum.callbacks() == {} and nodeum.waits == []


def test_a_post_whose_answer_was_lost_after_it_was_handled_is_not_sent_again(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', drop='after')
    with pytest.raises(PostNotConfirmed) as caught:
        nodeum.client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    assert caught.value.may_have_been_handled and caught.value.resume is not None
    assert len(nodeum.callbacks()) == 1 and [entry['method'] for entry in nodeum.control.requests()] == ['POST']


@pytest.mark.parametrize('fault', [dict(status=503), dict(drop='before')])
def test_a_post_resumed_is_sent_again_at_once_within_the_same_budget(nodeum, fault):
    nodeum.load()
    nodeum.fault(method='POST', **fault)
    with pytest.raises(PostNotConfirmed) as caught:
        nodeum.client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    created = nodeum.client.post('tasks/1/task_callbacks',
                                 {'type': 'filter', 'script': 'x'}, resume=caught.value.resume)
    assert nodeum.callbacks() == {created['id']: 'x'} and len(nodeum.requests()) == 2 and nodeum.waits == []
    assert len(nodeum.warnings) == 1 and '(attempt 2 of 4, waited 0.5 s)' in nodeum.warnings[0]


def test_post_refused_with_429_is_resent_by_the_client(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', status=429)
    created = nodeum.client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': 'x'})
    assert nodeum.callbacks() == {created['id']: 'x'} and len(nodeum.requests()) == 2


@pytest.mark.parametrize('status', [400, 422, 500])
def test_an_error_status_gives_the_servers_messages_and_details(nodeum, status):
    body = {'details': {'script': [{'error': 'blank'}]}, 'messages': ["Script can't be blank"]}
    json_fault(nodeum, status, body)
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks/3/task_callbacks')
    assert (
        caught.value.message
        == "The Nodeum API refused GET %s/tasks/3/task_callbacks (%d): Script can't be blank"
        % (nodeum.client.base_url, status)
    )
    assert fields(caught.value) == error_fields(status, path='tasks/3/task_callbacks',
                                                messages=["Script can't be blank"], details=body['details'])


def test_a_real_validation_failure_carries_the_emulators_details(nodeum):
    nodeum.load()
    with pytest.raises(NodeumError, match=r'^The Nodeum API refused POST .* \(422\): ') as caught:
        nodeum.client.post('tasks/1/task_callbacks', {'type': 'filter', 'script': ' '})
    assert caught.value.status == 422 and caught.value.details == {
        'script': [{'error': 'blank'}]} and caught.value.messages


def test_refused_credentials_are_one_sentence(nodeum):
    client = NodeumClient(normalize_base_url(nodeum.control.url), nodeum.warnings.append,
                          auth=('admin', SECRET), sleep=nodeum.waits.append)
    with pytest.raises(NodeumError) as caught:
        client.get('tasks/3/task_callbacks')
    client.close()
    assert caught.value.message == ('The Nodeum API refused the credentials for GET %s/tasks/3/task_callbacks (401); '
                                    'check username and password, '
                                    'api_key or token.' % client.base_url)
    assert caught.value.status == 401 and SECRET not in caught.value.message


@pytest.mark.parametrize('method, path, scope', [
    ('POST', 'tasks/1/task_callbacks', 'task_callbacks/create'),
    ('PUT', 'tasks/1/task_callbacks/10', 'task_callbacks/update'),
    ('DELETE', 'tasks/1/task_callbacks/10', 'task_callbacks/destroy'),
])
def test_a_denied_operation_names_the_scope_of_its_method(nodeum, method, path, scope):
    nodeum.load(callbacks=[dict(id=10, task_id=1, type='filter', script='s')])
    client = NodeumClient(normalize_base_url(nodeum.control.url),
                          nodeum.warnings.append, authorization='demo-read-only-key')
    with pytest.raises(NodeumError) as caught:
        client.request(method, path, body=None if method == 'DELETE' else {'type': 'filter', 'script': 'x'})
    client.close()
    assert caught.value.message == ('The Nodeum API denied %s %s/%s (403): the credential lacks the scope %s; grant it '
                                    'to the API key or use '
                                    'another credential.' % (method, client.base_url, path, scope))


def test_a_scope_the_table_does_not_know_is_named_as_the_one_needed(nodeum):
    json_fault(nodeum, 403, {})
    with pytest.raises(NodeumError, match='lacks the scope the one this operation needs;'):
        nodeum.client.get('tasks/3/elsewhere')


@pytest.mark.parametrize('body, content_type, said, messages', [
    ({}, 'application/json', HTTPStatus(422).phrase, []),  # the server's reason phrase: Python 3.13 renamed it
    ({'messages': ['Type is invalid', '', 'Script is empty'], 'details': ['type']}, 'application/json', 'Type is '
                                                                                                        'invalid; '
                                                                                                        'Script is '
                                                                                                        'empty',
     ['Type is invalid', 'Script is empty']),
    ({'messages': ['Type is invalid']}, 'text/plain', 'Type is invalid', ['Type is invalid']),  # JSON all the same
])
def test_an_error_body_gives_its_messages_or_the_reason(nodeum, body, content_type, said, messages):
    nodeum.fault(status=422, body=json.dumps(body), content_type=content_type)
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks/3/task_callbacks')
    assert caught.value.message.endswith(' (422): %s' % said)
    assert fields(caught.value) == error_fields(422, path='tasks/3/task_callbacks', messages=messages)


def test_an_error_without_messages_or_reason_says_no_reason_given():
    client, _pool, _sleeps, _warnings, _context = transport_client([http_answer(422, b'{}', reason='')])
    with pytest.raises(NodeumError, match=r'\(422\): no reason given$'):
        client.get('tasks/3/task_callbacks')


def test_not_found_has_its_own_type_for_the_resource_logic(nodeum):
    nodeum.load()
    with pytest.raises(NodeumNotFound) as caught:
        nodeum.client.get('tasks/99/task_callbacks')
    assert fields(caught.value) == error_fields(
        404,
        path='tasks/99/task_callbacks',
        messages=caught.value.messages,
        details=caught.value.details,
        error_type='NodeumNotFound',
    )


@pytest.mark.parametrize('status', [204, 200, 201])
def test_an_answer_without_content_is_none(nodeum, status):
    nodeum.fault(status=status, body='', content_type='application/json')
    assert nodeum.client.get('tasks') is None


NOT_JSON_ADVICE = 'check that url points to the Nodeum server and not to a proxy or another service.'
NGINX_502 = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'


def test_html_answer_is_quoted_not_parsed(nodeum):
    nodeum.fault(status=200, body=NGINX_502, content_type='text/html; charset=utf-8')
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks')
    assert caught.value.message == ('The Nodeum API answered GET %s/tasks with a body that is not JSON (200, '
                                    'text/html): %r; %s'
                                    % (nodeum.client.base_url, NGINX_502, NOT_JSON_ADVICE))
    assert fields(caught.value) == error_fields(200, path='tasks')


def test_an_answer_without_content_type_is_quoted_as_text():
    client, _pool, _sleeps, _warnings, _context = transport_client(
        [http_answer(200, b'caf\xe9\n  menu', headers={'Content-Type': None})])
    with pytest.raises(NodeumError, match=r"^The Nodeum API answered GET .* with a body that is not JSON \(200, no "
                                          r"content type\): 'caf\ufffd menu'"):
        client.get('tasks')


def test_html_error_page_after_retries_says_so(nodeum):
    html = '<html><body><h1>503 Service Unavailable</h1></body></html>'
    nodeum.fault(status=503, body=html, times=client_module.MAX_ATTEMPTS)
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks')
    assert caught.value.message == ('The Nodeum API answered GET %s/tasks with 503 and a body that is not JSON '
                                    '(text/html): %r; %s'
                                    % (nodeum.client.base_url, html, NOT_JSON_ADVICE))
    assert fields(caught.value) == error_fields(503, path='tasks')


def test_no_message_or_warning_holds_the_credential(nodeum):
    warnings = []
    client = NodeumClient(normalize_base_url(nodeum.control.url), warnings.append,
                          auth=('admin', SECRET), sleep=nodeum.waits.append)
    nodeum.fault(status=503)
    nodeum.fault(drop='before')
    with pytest.raises(NodeumError) as caught:
        client.get('tasks')
    client.close()
    texts = [caught.value.message, str(caught.value)] + warnings
    assert len(warnings) == 2 and caught.value.status == 401 and all(SECRET not in text for text in texts)


# -- transport failures, with the real exception types of urllib3, requests and the standard library --

@pytest.mark.parametrize('kind', [kind for kind in FAILURES if FAILURES[kind][1]])
def test_requests_wraps_each_failure_as_expected(kind):
    """The premise of the other tests: requests' own adapter turns the urllib3 failure into this type."""
    make, requests_type, _sentence = FAILURES[kind]
    session = requests.Session()
    session.trust_env = False
    session.mount('https://', FakePoolAdapter(FakePool([make()])))
    with pytest.raises(requests_type):
        session.get(URL + 'tasks')


class SocketWrapperError(OSError):
    """An OSError subclass of a socket wrapper: it keeps the errno, but Python does not make it a
    ConnectionRefusedError."""


def name_not_resolved_urllib3_1():
    """urllib3 1 has no NameResolutionError: it raises a NewConnectionError while it handles the gaierror."""
    try:
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    except socket.gaierror:
        try:
            # pylint: disable-next=raise-missing-from
            raise u3.NewConnectionError(None, 'Failed to establish a new connection: Name or service not known')
        except u3.NewConnectionError as error:
            return u3.MaxRetryError(None, '/', error)


def refused_by(cause):
    return u3.MaxRetryError(
        None, '/', caused(u3.NewConnectionError(None, 'Failed to establish a new connection'), cause)
    )


@pytest.mark.parametrize('failure, kind', [
    (name_not_resolved_urllib3_1, 'name'),
    (lambda: refused_by(ConnectionRefusedError('Connection refused')), 'refused'),  # no errno
    (lambda: refused_by(SocketWrapperError(errno.ECONNREFUSED, 'Connection refused')), 'refused'),  # the errno alone
    (lambda: refused_by(SocketWrapperError(errno.ENETUNREACH, 'Network is unreachable')), 'unreachable'),
    (lambda: u3.ConnectTimeoutError(None, 'Connection to nodeum.example.com timed out.'),
     'connect timeout'),  # not in a MaxRetryError
    (lambda: u3.ProtocolError('Connection broken: IncompleteRead(8 bytes read, 16 more expected)',
     IncompleteRead(b'{"id": 1', 16)), 'cut off'),
    (lambda: u3.DecodeError('Received response with content-encoding: gzip, but failed to decode it.'),
     'garbled'),  # requests lets it through
    (lambda: u3.LocationParseError('bad location'), None),
])
def test_each_failure_is_placed_by_the_exceptions_it_holds(failure, kind):
    session = requests.Session()
    session.trust_env = False
    session.mount('https://', FakePoolAdapter(FakePool([failure()])))
    with pytest.raises((requests.exceptions.RequestException, u3.HTTPError)) as caught:
        session.get(URL + 'tasks')
    assert transport_failures.transport_failure_kind(caught.value) == kind


# What each method returns for the answer {"id": 7}: a removal's body is never read.
ANSWERED = {'GET': {'id': 7}, 'PUT': {'id': 7}, 'POST': {'id': 7}, 'DELETE': None}
# A garbled JSON body fails the methods whose answers are read.
READ_FAILURES = [(kind, method) for kind in FAILURES for method in ('GET', 'PUT', 'DELETE', 'POST')
                 if (kind, method) != ('garbled JSON', 'DELETE')]


@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE', 'POST'])
@pytest.mark.parametrize('kind', NOTHING_SENT)
def test_nothing_sent_is_retried_for_every_method(kind, method):
    client, pool, sleeps, warnings, _context = transport_client([FAILURES[kind][0](), http_answer(body=b'{"id": 7}')])
    assert call(client, method) == ANSWERED[method]
    assert len(pool.calls) == 2 and sleeps == [0.5]
    assert warnings == ['Retried %s %s after %s (attempt 2 of 4, waited 0.5 s).' %
                        (method, URL + PATHS[method], SHORT[kind])]


@pytest.mark.parametrize('kind, method', [(kind, method) for kind, method in READ_FAILURES
                                          if kind in ANSWER_LOST and method != 'POST'])
def test_lost_answer_of_a_repeatable_request_is_retried(kind, method):
    client, pool, sleeps, warnings, _context = transport_client([FAILURES[kind][0](), http_answer(body=b'{"id": 7}')])
    assert call(client, method) == ANSWERED[method]
    assert len(pool.calls) == 2 and sleeps == [0.5]
    assert warnings == ['Retried %s %s after %s (attempt 2 of 4, waited 0.5 s).' %
                        (method, URL + PATHS[method], SHORT[kind])]


@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_lost_answer_of_a_post_says_what_is_known_and_sends_nothing_more(kind):
    client, pool, sleeps, warnings, _context = transport_client([FAILURES[kind][0]()])
    with pytest.raises(PostNotConfirmed) as caught:
        call(client, 'POST')
    lost = caught.value
    assert len(pool.calls) == 1 and sleeps == [] and warnings == []
    assert lost.reason.message == expected_sentence(kind, 'POST') and lost.may_have_been_handled
    # A POST that got no answer in time may still be running on the server: it is given as long again.
    assert lost.check_after == (0.5 + 3 if kind == 'read timeout' else 0.5)
    assert (lost.attempts, lost.elapsed, lost.resume.attempt) == (1, 0.0, 2)
    assert fields(lost) == error_fields(method='POST', path=PATHS['POST'], error_type='PostNotConfirmed')


@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_a_resumed_post_is_sent_at_once_and_its_warning_names_the_wait_before_the_check(kind):
    client, pool, sleeps, warnings, _context = transport_client([FAILURES[kind][0](), http_answer(201, b'{"id": 9}')])
    with pytest.raises(PostNotConfirmed) as caught:
        call(client, 'POST')
    assert client.post(PATHS['POST'], {'type': 'filter', 'script': 'x'}, resume=caught.value.resume) == {'id': 9}
    # the caller waits before its check; the resend follows the check at once
    assert len(pool.calls) == 2 and sleeps == []
    assert warnings == ['Retried POST %s after %s (attempt 2 of 4, waited %s s).'
                        % (URL + PATHS['POST'], SHORT[kind], '3.5' if kind == 'read timeout' else '0.5')]


def post_until_given_up(client):
    """What a caller of post() does that never finds its POST took effect: resume until the budget is spent."""
    resume = None
    while True:
        try:
            return client.post(PATHS['POST'], {'type': 'filter', 'script': 'x'}, resume=resume)
        except PostNotConfirmed as lost:
            if lost.resume is None:
                raise lost.given_up('may have been handled: %s' %
                                    lost.may_have_been_handled, lost.check_after or 0.0) from None
            resume = lost.resume


@pytest.mark.parametrize('kind, method', READ_FAILURES)
def test_a_failure_that_lasts_is_one_true_sentence(kind, method):
    client, pool, _sleeps, _warnings, _context = transport_client(
        [FAILURES[kind][0]() for _attempt in range(client_module.MAX_ATTEMPTS)])
    with pytest.raises(NodeumError) as caught:
        post_until_given_up(client) if method == 'POST' else call(client, method)
    message = caught.value.message
    assert len(pool.calls) == client_module.MAX_ATTEMPTS
    assert message.startswith(expected_sentence(kind, method)), message
    assert '(4 attempts in ' in message and message.endswith('.') and '\n' not in message
    assert fields(caught.value) == error_fields(method=method, path=PATHS[method])
    assert (
        'Error(' not in message and 'Errno' not in message and 'object at 0x' not in message and SECRET not in message
    )
    if method == 'POST':
        assert message.endswith('; may have been handled: %s.' % (kind not in NOTHING_SENT))
    elif kind in NOTHING_SENT:
        assert message.endswith('; check url, the network and that the server is up.')
    elif kind == 'read timeout':
        assert message.endswith('; raise the timeout option or check the server.')
    else:
        assert message.endswith(
            '; check the network and any proxy between here and the server, then run the task again.')


def test_a_post_that_may_have_been_handled_once_stays_so_when_later_attempts_are_refused():
    client, _pool, sleeps, _warnings, _context = transport_client(
        [reset_before_answer(), refused(), refused(), refused()])
    with pytest.raises(NodeumError) as caught:
        post_until_given_up(client)
    assert caught.value.message.startswith(expected_sentence('refused', 'POST') + ' (4 attempts in 3 s)')
    assert caught.value.message.endswith('may have been handled: True.') and sleeps == [1.0, 2.0]


def test_a_dead_server_fails_after_the_same_waits_every_time():
    client, pool, sleeps, _warnings, _context = transport_client([refused()] * client_module.MAX_ATTEMPTS)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert sleeps == list(client_module.BACKOFF_SECONDS) and sum(sleeps) == 3.5
    assert len(pool.calls) == 4 and '(4 attempts in 3.5 s)' in caught.value.message


def test_no_attempt_starts_after_the_retry_deadline():
    # Each attempt takes 10 s (a timeout of 10): attempts start at 0, 10.5 and 21.5 s; a fourth would start at 33.5 s,
    # past 30 s.
    client, pool, sleeps, _warnings, _context = transport_client(
        [read_timeout()] * client_module.MAX_ATTEMPTS, timeout=10, seconds_per_attempt=10)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert client_module.RETRY_DEADLINE_SECONDS == 30
    assert len(pool.calls) == 3 and sleeps == [0.5, 1.0]
    assert '(3 attempts in 31.5 s)' in caught.value.message


def test_an_attempt_that_ends_the_deadline_exactly_is_still_made():
    # The first attempt takes 29.5 s; with the 0.5 s wait the second starts at 30 s, the deadline itself.
    client, pool, sleeps, _warnings, _context = transport_client(
        [read_timeout(), http_answer()], timeout=29.5, seconds_per_attempt=29.5)
    assert call(client, 'GET') == {'id': 1}
    assert len(pool.calls) == 2 and sleeps == [0.5]


def test_a_request_that_gives_up_after_one_attempt_does_not_count_attempts():
    client, pool, sleeps, _warnings, _context = transport_client([read_timeout()], timeout=40, seconds_per_attempt=40)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    sentence = expected_sentence('read timeout', 'GET').replace('3 seconds', '40 seconds')
    assert caught.value.message == sentence + '; raise the timeout option or check the server.'
    assert len(pool.calls) == 1 and sleeps == []


def test_the_default_timeout_is_30_seconds():
    client, _pool, _sleeps, _warnings, _context = transport_client(
        [read_timeout()] * client_module.MAX_ATTEMPTS, timeout=None)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message.startswith(expected_sentence('read timeout', 'GET').replace(
        '3 seconds', '30 seconds') + ' (4 attempts in 3.5 s); ')


def test_a_post_given_up_counts_the_wait_before_its_last_check():
    client, pool, sleeps, _warnings, _context = transport_client([refused(), read_timeout()])
    with pytest.raises(PostNotConfirmed) as caught:
        client.post(PATHS['POST'], {'type': 'filter', 'script': 'x'})
    lost = caught.value
    assert (lost.attempts, lost.elapsed, lost.check_after) == (2, 0.5, 4.0) and lost.resume.attempt == 3
    assert lost.given_up('advice', waited=4.0).message == expected_sentence(
        'read timeout', 'POST') + ' (2 attempts in 4.5 s); advice.'
    assert lost.message == (expected_sentence('read timeout', 'POST') + ' (2 attempts in 0.5 s); the server may have '
                                                                        'acted on it, so '
                            'it was not sent again.')
    assert len(pool.calls) == 2 and sleeps == [0.5]


def test_a_post_past_the_deadline_still_asks_for_a_check_but_not_for_a_resend():
    client, pool, _sleeps, _warnings, _context = transport_client([read_timeout()], timeout=40, seconds_per_attempt=40)
    with pytest.raises(PostNotConfirmed) as caught:
        call(client, 'POST')
    assert caught.value.check_after == 40.5 and caught.value.resume is None and len(pool.calls) == 1


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
    assert tls.reason in transport_failures.NOT_TLS_REASONS
    client, pool, _sleeps, _warnings, _context = transport_client([tls_failure(tls)])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == (
        'The server at https://nodeum.example.com did not answer in TLS for GET '
        '%stasks/1/task_callbacks: it does '
        'not speak HTTPS on that port; check http:// against https:// in url, and the port.' % URL
    )
    assert len(pool.calls) == 1


@pytest.mark.parametrize('verify_message, said', [
    ('self-signed certificate in certificate chain', 'self-signed certificate in certificate chain'),
    ('', 'certificate verify failed'),
])
def test_tls_failure_points_to_ca_path_and_keeps_the_url(verify_message, said):
    error = certificate_error()
    error.verify_message = verify_message
    client, pool, _sleeps, _warnings, _context = transport_client([tls_failure(error)])
    with pytest.raises(NodeumError) as caught:
        call(client, 'PUT')
    assert caught.value.message == ('TLS certificate verification failed for PUT %stasks/1/task_callbacks/2 (%s); set '
                                    'ca_path to the CA bundle '
                                    'that signed the server certificate, or validate_certs to false to skip the check '
                                    '(unsafe).' % (URL, said))
    assert fields(caught.value) == error_fields(method='PUT', path=PATHS['PUT'])
    assert len(pool.calls) == 1


def real_tls_error_from_a_server_that_closes():
    """The ssl.SSLError a handshake really raises when the other end closes the connection instead of answering."""
    ours, theirs = socket.socketpair()
    try:
        theirs.shutdown(socket.SHUT_WR)
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


@pytest.mark.parametrize('failure, said', [
    (lambda: tls_failure(real_tls_error_from_a_server_that_closes()),
     'the server closed the connection during the handshake'),
    (lambda: u3.MaxRetryError(None, '/', u3.SSLError("Can't connect to HTTPS URL because the SSL module is not "
                                                     "available.")), 'no reason given'),
])
def test_a_tls_failure_without_openssl_reason_says_what_happened(failure, said):
    client, pool, _sleeps, _warnings, _context = transport_client([failure()])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == (
        "The TLS handshake with https://nodeum.example.com failed for GET "
        "%stasks/1/task_callbacks (%s); check that url "
        "names the server's HTTPS port and that the server accepts TLS 1.2 or later." % (URL, said)
    )
    assert len(pool.calls) == 1


def test_another_tls_failure_gives_openssl_reason_in_words():
    error = ssl.SSLError(1, '[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version')
    error.reason = 'TLSV1_ALERT_PROTOCOL_VERSION'
    client, _pool, _sleeps, _warnings, _context = transport_client([tls_failure(error)])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == ("The TLS handshake with https://nodeum.example.com failed for GET "
                                    "%stasks/1/task_callbacks (tlsv1 alert "
                                    "protocol version); check that url names the server's HTTPS port and that the "
                                    "server accepts TLS 1.2 "
                                    "or later." % URL)


def test_a_failure_the_client_cannot_place_is_not_retried():
    client, pool, _sleeps, _warnings, _context = transport_client([u3.LocationParseError('bad location')])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert len(pool.calls) == 1
    assert caught.value.message == ('The request GET %stasks/1/task_callbacks failed before any answer came '
                                    '(LocationParseError); check url and '
                                    'the connection options.' % URL)
    assert fields(caught.value) == error_fields(method='GET', path=PATHS['GET'])


# -- an untrusted server: redirects, user-info, option values, plain HTTP on an HTTPS port -----------

@pytest.mark.parametrize('url, userinfo, bare', [
    ('http://u:pa/ss@h', 'u:pa/ss', 'http://h'),
    ('http://u@h/x', 'u', 'http://h/x'),
    ('http://:p@h', ':p', 'http://h'),
    ('http://@h', '', 'http://h'),
    ('https://a@b@h:1/x', 'a@b', 'https://h:1/x'),
    ('u:p@h', 'u:p', 'h'),
    ('https://h/x', None, 'https://h/x'),
])
def test_user_information_is_whatever_comes_before_the_last_at(url, userinfo, bare):
    assert transport_failures.split_userinfo(url) == (userinfo, bare)


REDIRECTED = 'GET https://h.example.com/api/v2/tasks'


@pytest.mark.parametrize('location, shown', [
    ('/elsewhere/api/v2/tasks', "to '/elsewhere/api/v2/tasks'"),
    ('https://other.example.com/x', "to 'https://other.example.com/x'"),
    ('http://other.example.com/x', "to 'http://other.example.com/x', a downgrade from https:// to http://"),
    (' HTTP://other.example.com/x', "to ' HTTP://other.example.com/x', a downgrade from https:// to http://"),
    ('http://leak-user:leak-pass@other.example.com/x', "to 'http://other.example.com/x', a downgrade from https:// to "
                                                       "http://"),
    ('https://o/\r\nSet-Cookie: a', "to 'https://o/\\r\\nSet-Cookie: a'"),
    (None, 'without a Location'),
    ('', 'without a Location'),
])
def test_a_redirect_is_one_sentence_that_names_status_and_location(location, shown):
    assert transport_failures.redirect_sentence(REDIRECTED, 'https://h.example.com/api/v2', 302, location) == (
        'The Nodeum API answered %s with a redirect (302) %s; redirects are not followed, so fix url to name the '
        'server\'s address '
        'directly.' % (REDIRECTED, shown))


def test_a_plain_http_base_url_is_no_downgrade():
    assert 'downgrade' not in transport_failures.redirect_sentence(
        REDIRECTED, 'http://h.example.com/api/v2', 301, 'http://other/')


def test_a_long_location_is_cut_and_never_shows_its_user_information():
    location = 'https://u:%s@other.example.com/' % SECRET + 'a' * 5000
    shown = transport_failures.shown_location(location)
    assert SECRET not in shown and shown == ('https://other.example.com/' +
                                             'a' * 5000)[:transport_failures.LOCATION_QUOTE_LENGTH] + '...'


@pytest.mark.parametrize('status', [300, 301, 302, 303, 304, 307, 308])
@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE', 'POST'])
def test_no_redirect_is_followed_and_none_is_retried(status, method):
    # A real requests.Session: had it followed the Location, the pool would have seen a second request.
    location = 'http://other.example.com/api/v2/' + PATHS[method]
    client, pool, sleeps, _warnings, _context = transport_client(
        [http_answer(status, b'', headers={'Location': location})] * 2)
    with pytest.raises(NodeumError) as caught:
        call(client, method)
    assert pool.calls == [(method, '/api/v2/' + PATHS[method])] and sleeps == []
    assert caught.value.message.startswith('The Nodeum API answered %s %s with a redirect (%d) to %r, a downgrade'
                                           % (method, URL + PATHS[method], status, location))
    assert fields(caught.value) == error_fields(status=status, method=method, path=PATHS[method])


def test_plain_http_to_a_port_that_speaks_tls_is_one_sentence():
    assert transport_failures.plain_http_sentence('http://h:8443', 'GET http://h:8443/api/v2/tasks') == (
        'The server at http://h:8443 serves HTTPS on that port, so it cannot answer GET http://h:8443/api/v2/tasks '
        'sent as plain HTTP; '
        'write url with https:// instead of http://.')


def probe(answer_value):
    asked = []

    def tls_probe(host, port, timeout):
        asked.append((host, port, timeout))
        return answer_value
    return tls_probe, asked


@pytest.mark.parametrize('failure', [closed_without_answer, reset_before_answer, bad_status_line,
                                     lambda: http_answer(400, b'<html>The plain HTTP request was sent to HTTPS '
                                                              b'port</html>',
                                                         headers={'Content-Type': 'text/html'})])
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_plain_http_to_an_https_port_says_to_use_https_at_once(failure, method):
    tls_probe, asked = probe(True)
    client, pool, sleeps, _warnings, _context = transport_client(
        [failure()], url='http://nodeum.example.com:8443', tls_probe=tls_probe)
    with pytest.raises(NodeumError) as caught:
        call(client, method)
    where = '%s http://nodeum.example.com:8443/api/v2/%s' % (method, PATHS[method])
    assert caught.value.message == transport_failures.plain_http_sentence('http://nodeum.example.com:8443', where)
    assert asked == [('nodeum.example.com', 8443, 3.0)] and len(pool.calls) == 1 and sleeps == []


def test_a_closed_connection_on_a_port_without_tls_is_a_network_failure():
    tls_probe, asked = probe(False)
    closed = [closed_without_answer()] * client_module.MAX_ATTEMPTS
    client, pool, _sleeps, _warnings, _context = transport_client(
        closed, url='http://nodeum.example.com', tls_probe=tls_probe)
    with pytest.raises(NodeumError, match='check the network and any proxy'):
        call(client, 'GET')
    assert asked == [('nodeum.example.com', 80, 3.0)] and len(pool.calls) == client_module.MAX_ATTEMPTS


def test_an_https_url_never_probes():
    tls_probe, asked = probe(True)
    client, _pool, _sleeps, _warnings, _context = transport_client(
        [closed_without_answer()] * client_module.MAX_ATTEMPTS, tls_probe=tls_probe)
    with pytest.raises(NodeumError, match='check the network and any proxy'):
        call(client, 'GET')
    assert asked == []


def test_speaks_tls_is_false_where_nothing_listens():
    with socket.socket() as unused:
        unused.bind(('127.0.0.1', 0))
        port = unused.getsockname()[1]
    assert transport_failures.speaks_tls('127.0.0.1', port, 1.0) is False


def test_speaks_tls_is_false_for_a_plain_server():
    with socket.socket() as listener:
        listener.bind(('127.0.0.1', 0))
        listener.listen(1)
        # A server that accepts and closes: the handshake fails, so the port does not speak TLS.
        assert transport_failures.speaks_tls('127.0.0.1', listener.getsockname()[1], 0.5) is False


def unverified_warning(host):
    warnings.warn("Unverified HTTPS request is being made to host '%s'. Adding certificate verification is strongly "
                  "advised." % host,
                  u3.InsecureRequestWarning)


def test_validate_certs_false_silences_urllib3_for_that_host_only():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter('always', u3.InsecureRequestWarning)
        NodeumClient('https://quiet.example.com/api/v2', NO_WARNINGS, verify=False)
        unverified_warning('quiet.example.com')
        unverified_warning('loud.example.com')
    assert [str(item.message).split("'")[1] for item in shown] == ['loud.example.com']


def test_validate_certs_true_leaves_urllib3_warnings_alone():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter('always', u3.InsecureRequestWarning)
        NodeumClient('https://checked.example.com/api/v2', NO_WARNINGS)
        unverified_warning('checked.example.com')
    assert len(shown) == 1


# -- answers no Nodeum server sends: a removal's body, JSON nested too deeply, a Location that is not UTF-8 --------

@pytest.mark.parametrize('status, body, content_type', [
    (200, 'the callback is gone', 'text/plain'),
    (204, 'gone', 'text/html'),
    (200, '{"id": ', 'application/json'),
])
def test_a_removal_that_succeeded_is_done_whatever_its_body(nodeum, status, body, content_type):
    nodeum.fault(method='DELETE', status=status, body=body, content_type=content_type)
    assert nodeum.client.delete('tasks/1/task_callbacks/2') is None
    assert [method for method, _path, _query in nodeum.requests()] == ['DELETE']


DEEP_JSON = '[' * 100000 + ']' * 100000


def test_json_nested_too_deeply_is_one_sentence(nodeum):
    nodeum.fault(status=200, body=DEEP_JSON, content_type='application/json')
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks')
    assert caught.value.message == ('The Nodeum API answered GET %s/tasks with JSON nested too deeply to read (200); '
                                    'check that url points to the Nodeum server.' % nodeum.client.base_url)
    assert fields(caught.value) == error_fields(200, path='tasks')
    assert len(nodeum.requests()) == 1


def test_an_error_answer_nested_too_deeply_gives_its_reason(nodeum):
    nodeum.fault(status=422, body=DEEP_JSON, content_type='application/json')
    with pytest.raises(NodeumError) as caught:
        nodeum.client.get('tasks')
    assert caught.value.message == 'The Nodeum API refused GET %s/tasks (422): %s' % (
        nodeum.client.base_url, HTTPStatus(422).phrase)  # the server's reason phrase: Python 3.13 renamed it


@pytest.mark.parametrize('location, shown', [
    ('https://other.example.com/\xff\xfe', "'https://other.example.com/\ufffd\ufffd'"),  # bytes that are not UTF-8
    ('https://other.example.com/caf\xc3\xa9', "'https://other.example.com/caf\u00e9'"),  # UTF-8, read as Latin-1
])
def test_a_redirect_whose_location_is_not_utf8_is_one_sentence(location, shown):
    """http.client reads a header's bytes as Latin-1: requests' own reading of such a Location as UTF-8 raised."""
    client, pool, _sleeps, _warnings, _context = transport_client(
        [http_answer(302, b'', headers={'Location': location})])
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == ("The Nodeum API answered GET %stasks/1/task_callbacks with a redirect (302) to %s; "
                                    "redirects are not followed, so fix url to name the server's address directly."
                                    % (URL, shown))
    assert len(pool.calls) == 1


def verification_error(verify_code, verify_message):
    error = certificate_error()
    error.verify_code = verify_code
    error.verify_message = verify_message
    return error


@pytest.mark.parametrize('url, verify_code, verify_message, said', [
    ('https://nodeum.example.com', 10, 'certificate has expired',
     'the server certificate has expired; renew the certificate of the server (and check that the clock of this '
     'host is right)'),
    ('https://nodeum.example.com', 9, 'certificate is not yet valid',
     'the server certificate is not valid yet; check that the clock of this host is right'),
    ('https://nodeum.example.com', 62, "Hostname mismatch, certificate is not valid for 'nodeum.example.com'.",
     'the server certificate is not valid for the name nodeum.example.com that url asks for; write in url a name '
     'that the certificate holds, or give the server a certificate for nodeum.example.com'),
    ('https://192.0.2.7:8443', 64, "IP address mismatch, certificate is not valid for '192.0.2.7'.",
     'the server certificate is not valid for the address 192.0.2.7 that url asks for; write in url a name that '
     'the certificate holds, or give the server a certificate for 192.0.2.7'),
])
def test_a_certificate_that_expired_or_names_another_host_says_so_and_not_ca_path(
        url, verify_code, verify_message, said):
    client, pool, _sleeps, _warnings, _context = transport_client(
        [tls_failure(verification_error(verify_code, verify_message))], url=url)
    with pytest.raises(NodeumError) as caught:
        call(client, 'GET')
    assert caught.value.message == (
        'TLS certificate verification failed for GET %s/api/v2/tasks/1/task_callbacks: %s.' % (url, said))
    assert len(pool.calls) == 1
