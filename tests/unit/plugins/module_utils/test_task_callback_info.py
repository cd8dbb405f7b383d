# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task_callback_info logic: query building (pure), and reading against the emulator (the `nodeum`
fixture)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import MAX_CONCURRENT_REQUESTS, NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import (
    list_query,
    read_task_callbacks,
)


def params(**overrides):
    values = dict(task='3', callback_id=None, id=None, type=None, script=None, sort_by=None, limit=None, offset=None)
    values.update(overrides)
    return values


def test_filters_sort_and_paging_pass_through():
    query = list_query(params(id='>=10', type='filter', script='~%tmp%',
                       sort_by=['type', 'id:desc'], limit=5, offset=2))
    assert query == dict(params={'id': '>=10', 'type': 'filter', 'script': '~%tmp%',
                         'sort_by': 'type|id:desc'}, limit=5, offset=2)


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
    (dict(task=None, limit=5), 'limit and offset page the callbacks of one task; without task the module returns every '
                               'matching callback of '
                               'every task, so give task, or leave limit and offset out and narrow the list with the '
                               'filters.'),
    (dict(sort_by=['id', 'name:desc']),
     "sort_by entry 'name:desc' is not one of id, type, script, optionally followed by :asc or :desc."),
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


def cb(callback_id, task_id, script='s', callback_type='filter'):
    return dict(id=callback_id, task_id=task_id, type=callback_type, script=script)


def test_a_page_carries_task_id_and_the_servers_count_of_every_match(nodeum):
    nodeum.load(callbacks=[cb(10, 3, 'a'), cb(11, 3, 'b'), cb(12, 3, 'c'), cb(13, 1, 'd')])
    result = read_task_callbacks(nodeum.client, params(limit=1, offset=1), nodeum.context())
    assert result == {'changed': False, 'count': 3, 'task_callbacks': [
        {'id': 11, 'task_id': 3, 'type': 'filter', 'script': 'b'}]}
    assert nodeum.requests() == [('GET', 'tasks/3/task_callbacks', {})]


def test_unknown_task_and_unknown_callback_fail(nodeum):
    nodeum.load(callbacks=[cb(10, 3)])
    with pytest.raises(NodeumError, match='^Nodeum task 9 does not exist'):
        read_task_callbacks(nodeum.client, params(task='9'), nodeum.context())
    with pytest.raises(NodeumError) as caught:
        read_task_callbacks(nodeum.client, params(callback_id=7), nodeum.context())
    assert caught.value.message == ("Nodeum task 3 has no callback 7; list the task's callbacks without callback_id "
                                    "to find the right id.")


def test_a_task_without_matching_callbacks_is_an_empty_list_not_a_failure(nodeum):
    nodeum.load(callbacks=[cb(10, 3, 'x', 'hook')])
    assert read_task_callbacks(nodeum.client, params(type='=filter'), nodeum.context()) == {
        'changed': False, 'count': 0, 'task_callbacks': []}
    assert nodeum.requests() == [('GET', 'tasks/3/task_callbacks', {'type': '=filter'})]


# ---- the inventory: every task's callbacks -------------------------------------------------------

def inventory(nodeum, **options):
    return read_task_callbacks(nodeum.client, params(task=None, **options), nodeum.context())


def test_inventory_lists_every_task_with_its_name_and_one_read_per_task(nodeum):
    nodeum.load(callbacks=[cb(13, 3, 'c'), cb(10, 1, 'a'), cb(11, 1, 'b', 'hook')])
    result = inventory(nodeum)
    assert result['count'] == 3
    assert [(entry['task_id'], entry['task_name'], entry['id']) for entry in result['task_callbacks']] == \
        [(1, 'Archive', 10), (1, 'Archive', 11), (3, 'Archive', 13)]
    assert nodeum.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_inventory_applies_the_filters_to_every_task(nodeum):
    nodeum.load(callbacks=[cb(13, 3, 'c'), cb(10, 1, 'a'), cb(11, 1, 'b', 'hook')])
    assert inventory(nodeum, type='=filter') == dict(
        changed=False,
        count=2,
        task_callbacks=[
            dict(id=10, task_id=1, type='filter', script='a', task_name='Archive'),
            dict(id=13, task_id=3, type='filter', script='c', task_name='Archive'),
        ],
    )
    assert all(query == {'type': '=filter'} for _method, path, query in nodeum.requests() if path != 'tasks')


def test_inventory_of_a_server_without_callbacks_is_empty_and_unchanged(nodeum):
    assert inventory(nodeum.load()) == dict(changed=False, task_callbacks=[], count=0)


@pytest.mark.parametrize('paging', [dict(limit=5), dict(offset=0)])
def test_inventory_refuses_limit_and_offset_before_any_request(nodeum, paging):
    with pytest.raises(NodeumError, match='^limit and offset page the callbacks of one task'):
        inventory(nodeum, **paging)
    assert nodeum.requests() == []


def test_inventory_unknown_callback_id_fails(nodeum):
    with pytest.raises(NodeumError) as caught:
        inventory(nodeum.load(callbacks=[cb(10, 1)]), callback_id=7)
    assert caught.value.message == ('No Nodeum task has a callback 7; list the callbacks without callback_id to find '
                                    'the right id.')
    assert len(nodeum.requests()) == 4  # it looked on every task


def test_inventory_skips_a_task_removed_since_the_listing(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'a'), cb(12, 2, 'b'), cb(13, 3, 'c')])
    paginate = nodeum.client.paginate

    def paginate_while_task_2_is_removed(path, *args, **kwargs):
        answer = paginate(path, *args, **kwargs)
        if path == 'tasks':
            nodeum.load(tasks={1: 'Archive', 3: 'Archive'}, callbacks=[cb(10, 1, 'a'), cb(13, 3, 'c')])
        return answer
    nodeum.client.paginate = paginate_while_task_2_is_removed
    result = inventory(nodeum)
    assert [entry['id'] for entry in result['task_callbacks']] == [10, 13] and result['count'] == 2


def test_inventory_reads_as_many_tasks_at_once_as_the_session_has_connections(nodeum):
    nodeum.load(tasks=dict((task_id, 't') for task_id in range(1, MAX_CONCURRENT_REQUESTS + 1)))
    barrier = threading.Barrier(MAX_CONCURRENT_REQUESTS, timeout=10)
    paginate = nodeum.client.paginate

    def held(path, *args, **kwargs):
        if path != 'tasks':
            barrier.wait()  # breaks (BrokenBarrierError) unless every task is read at once
        return paginate(path, *args, **kwargs)
    nodeum.client.paginate = held
    assert inventory(nodeum)['count'] == 0
