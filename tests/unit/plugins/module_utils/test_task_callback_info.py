# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task_callback_info logic: query building and the returned shape."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError, NodeumNotFound, _list_page
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import list_query, read_task_callbacks


class RecordingClient:
    """Answers paginate() from a fixed list, as the API lists a task's callbacks ({count, task_callbacks}), and records each call."""

    def __init__(self, items, missing_task=False):
        self.items = items
        self.missing_task = missing_task
        self.calls = []

    def paginate(self, path, items_key, params=None, limit=None, offset=0):
        self.calls.append(dict(path=path, items_key=items_key, params=params, limit=limit, offset=offset))
        if self.missing_task:
            raise NodeumNotFound('no task')
        assert path.endswith('/task_callbacks'), path
        # Read with the key the caller gives, as the client reads it: a wrong key fails as it would against the server.
        return _list_page({'count': 42, 'task_callbacks': list(self.items)}, items_key, 'GET ' + path)


def params(**overrides):
    values = dict(task='3', callback_id=None, id=None, type=None, script=None, sort_by=None, limit=None, offset=None)
    values.update(overrides)
    return values


def test_filters_sort_and_paging_pass_through():
    query = list_query(params(id='>=10', type='filter', script='~%tmp%', sort_by=['type', 'id:desc'], limit=5, offset=2))
    assert query == dict(params={'id': '>=10', 'type': 'filter', 'script': '~%tmp%', 'sort_by': 'type|id:desc'}, limit=5, offset=2)


def test_callback_id_becomes_a_literal_id_filter():
    assert list_query(params(callback_id=12))['params'] == {'id': '=12'}


@pytest.mark.parametrize('overrides, message', [
    (dict(sort_by=['name']), "sort_by entry 'name' is not one of id, type, script"),
    (dict(sort_by=['id:up']), "sort_by entry 'id:up'"),
    (dict(limit=0), 'limit must be 1 or more'),
    (dict(offset=-1), 'offset must be 0 or more'),
    (dict(task=''), 'task is empty'),
])
def test_bad_queries_are_refused_before_any_request(overrides, message):
    with pytest.raises(NodeumError, match=message):
        list_query(params(**overrides))


@pytest.mark.parametrize('overrides, message', [
    (dict(task=None, limit=5), 'limit and offset page the callbacks of one task; without task the module returns every matching callback of '
                               'every task, so give task, or leave limit and offset out and narrow the list with the filters.'),
    (dict(sort_by=['id', 'name:desc']), "sort_by entry 'name:desc' is not one of id, type, script, optionally followed by :asc or :desc."),
    (dict(sort_by=[None]), 'sort_by entry None is not one of id, type, script, optionally followed by :asc or :desc.'),
    (dict(limit=-1), 'limit must be 1 or more, got -1; leave it out to read every callback.'),
    (dict(offset=-2), 'offset must be 0 or more, got -2.'),
])
def test_bad_queries_fail_in_one_exact_sentence(overrides, message):
    with pytest.raises(NodeumError) as caught:
        list_query(params(**overrides))
    assert caught.value.message == message


def test_the_smallest_page_is_one_callback():
    assert list_query(params(limit=1, offset=0)) == dict(params={}, limit=1, offset=0)


def test_result_carries_task_id_and_server_count():
    client = RecordingClient([{'id': 10, 'type': 'filter', 'script': 'a'}])
    result = read_task_callbacks(client, params())
    assert result == {'changed': False, 'count': 42, 'task_callbacks': [{'id': 10, 'task_id': 3, 'type': 'filter', 'script': 'a'}]}
    assert client.calls[0]['path'] == 'tasks/3/task_callbacks' and client.calls[0]['limit'] is None


def test_unknown_task_and_unknown_callback_fail_clearly():
    with pytest.raises(NodeumError, match='Nodeum task 3 does not exist'):
        read_task_callbacks(RecordingClient([], missing_task=True), params())
    with pytest.raises(NodeumError) as caught:
        read_task_callbacks(RecordingClient([]), params(callback_id=7))
    assert caught.value.message == "Nodeum task 3 has no callback 7; list the task's callbacks without callback_id to find the right id."


def test_a_task_without_callbacks_is_an_empty_list_not_a_failure():
    client = RecordingClient([])
    assert read_task_callbacks(client, params(type='=filter')) == {'changed': False, 'count': 42, 'task_callbacks': []}
    assert client.calls == [dict(path='tasks/3/task_callbacks', items_key='task_callbacks', params={'type': '=filter'}, limit=None, offset=0)]
