# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the bulk task callback logic against an in-memory server that counts requests.

FakeServer has the transport client's interface (paginate/post/put/delete/wait, warnings) over
a store of tasks and callbacks; a lock keeps it consistent under the logic's worker threads.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callbacks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError, NodeumNotFound
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callbacks import ensure_task_callbacks


class FakeServer:
    """Tasks {id: name} and callbacks {id: {id, task_id, type, script}}; every request is recorded in sent."""

    def __init__(self, tasks=None, callbacks=None, refuse=None, lose_next_post=False):
        self.tasks = dict(tasks or {1: 'Archive', 2: 'Nightly', 3: 'Archive'})
        self.callbacks = dict((item['id'], dict(item)) for item in callbacks or [])
        self.next_id = max(list(self.callbacks) + [99]) + 1
        self.refuse = refuse or {}  # {(method, path): message}: the server answers 422
        self.lose_next_post = lose_next_post
        self.sent = []
        self.warnings = []
        self.lock = threading.Lock()

    def _record(self, method, path, params=None):
        with self.lock:
            self.sent.append((method, path, dict(params or {})))
        if (method, path) in self.refuse:
            raise NodeumError(self.refuse[(method, path)], status=422)

    def paginate(self, path, items_key, params=None, limit=None, offset=0):
        self._record('GET', path, params)
        parts = path.split('/')
        if parts == ['tasks']:
            wanted = (params or {}).get('name')
            found = [dict(id=task_id, name=name) for task_id, name in sorted(self.tasks.items()) if wanted is None or '=' + name == wanted]
            return found, len(found)
        task_id = int(parts[1])
        if task_id not in self.tasks:
            raise NodeumNotFound('no task')
        with self.lock:
            found = [dict(item) for _id, item in sorted(self.callbacks.items()) if item['task_id'] == task_id]
        if params and 'type' in params:
            found = [item for item in found if item['type'] == params['type'].lstrip('=')]
        if params and 'id' in params:
            found = [item for item in found if str(item['id']) == params['id'].lstrip('=')]
        return found, len(found)

    def post(self, path, body, landed=None):
        self._record('POST', path)
        with self.lock:
            created = dict(body, id=self.next_id, task_id=int(path.split('/')[1]))
            self.callbacks[self.next_id] = created
            self.next_id += 1
            lost, self.lose_next_post = self.lose_next_post, False
        if lost:
            return landed()
        return dict((key, created[key]) for key in ('id', 'type', 'script'))

    def put(self, path, body):
        self._record('PUT', path)
        with self.lock:
            self.callbacks[int(path.split('/')[-1])].update(body)
            return dict((key, self.callbacks[int(path.split('/')[-1])][key]) for key in ('id', 'type', 'script'))

    def delete(self, path):
        self._record('DELETE', path)
        with self.lock:
            if self.callbacks.pop(int(path.split('/')[-1]), None) is None:
                raise NodeumNotFound('gone')

    def wait(self, seconds):
        pass

    def writes(self):
        return sorted((method, path) for method, path, _params in self.sent if method != 'GET')

    def reads(self):
        return sorted(path + ('?name=' + params['name'] if 'name' in params else '') for method, path, params in self.sent if method == 'GET')

    def scripts(self, task_id):
        return dict((item['id'], item['script']) for item in self.callbacks.values() if item['task_id'] == task_id)


def cb(callback_id, task_id, script='s', callback_type='filter'):
    return dict(id=callback_id, task_id=task_id, type=callback_type, script=script)


def run(server, callbacks, check_mode=False, **options):
    return ensure_task_callbacks(server, dict(callbacks=callbacks, **options), check_mode=check_mode)


def item(task, script='new', **keys):
    return dict(dict(task=task, script=script, type='filter', callback_id=None, state='present'), **keys)


# ---- validation: bad input refused before any request -----------------------------------------

@pytest.mark.parametrize('items, message', [
    ([item('1'), item('2', script=None)], r"^callbacks\[1\] \(task '2'\): script is required with state present"),
    ([item('1', script=' ')], r"^callbacks\[0\] \(task '1'\): script is empty"),
    ([item(None)], r'^callbacks\[0\]: task is empty'),
    ([item('1', callback_id=0)], r"^callbacks\[0\] \(task '1'\): callback_id must be a positive number"),
    ([item('1'), item('1', script='other')], r"^callbacks\[1\] \(task '1'\) manages the same callback as callbacks\[0\]"),
])
def test_bad_items_are_refused_with_index_and_task_and_no_request(items, message):
    server = FakeServer()
    with pytest.raises(NodeumError, match=message):
        run(server, items)
    assert server.sent == []


def test_all_tasks_scope_needs_exclusive():
    server = FakeServer()
    with pytest.raises(NodeumError, match='exclusive_scope all_tasks .* only together with exclusive true'):
        run(server, [item('1')], exclusive_scope='all_tasks')
    assert server.sent == []


# ---- requests: one look-up per name, one read per task ---------------------------------------------

def test_a_name_is_looked_up_once_and_each_task_read_once():
    server = FakeServer(tasks={1: 'Archive', 2: 'Nightly'})
    items = [item('Nightly'), item('1'), item('Nightly', callback_id=7, state='absent', script=None)]
    run(server, items, check_mode=True)
    assert server.reads() == ['tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks?name==Nightly']


def test_many_names_are_resolved_from_one_listing_of_every_task():
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, 9))
    server = FakeServer(tasks=names)
    result = run(server, [item(name) for name in names.values()], check_mode=True)
    assert server.reads() == ['tasks'] + sorted('tasks/%d/task_callbacks' % task_id for task_id in names)
    assert [entry['task_callback']['task_id'] for entry in result['results']] == list(names)


def test_a_listing_for_names_does_not_widen_the_exclusive_scope():
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, 9))
    server = FakeServer(tasks=dict(list(names.items()) + [(9, 'not named')]), callbacks=[cb(90, 9, 'stays')])
    result = run(server, [item(name) for name in names.values()], exclusive=True)
    assert 'tasks/9/task_callbacks' not in server.reads() and 90 in server.callbacks
    assert [entry['task_id'] for entry in result['drift']] == list(names)


def test_nothing_to_change_sends_one_read_per_task_and_no_write():
    server = FakeServer(tasks=dict((task_id, 't') for task_id in range(1, 51)),
                        callbacks=[cb(100 + task_id, task_id, 'same') for task_id in range(1, 51)])
    result = run(server, [item(str(task_id), 'same') for task_id in range(1, 51)])
    assert not result['changed'] and result['drift'] == [] and result['diff'] == []
    assert len(server.sent) == 50 and server.writes() == []
    assert [entry['task_callback']['id'] for entry in result['results']] == [100 + task_id for task_id in range(1, 51)]


# ---- the same decisions as task_callback -------------------------------------------------------

def test_create_update_delete_then_idempotent():
    server = FakeServer(callbacks=[cb(10, 1, 'old'), cb(11, 1, 'x', 'hook'), cb(12, 2, 'gone')])
    items = [item('1', 'new'), item('2', state='absent', script=None), item('3', 'fresh')]
    first = run(server, items)
    assert [entry['changed'] for entry in first['results']] == [True, True, True]
    assert first['results'][1]['task_callback'] is None
    assert first['results'][2]['task_callback'] == dict(id=100, task_id=3, type='filter', script='fresh')
    assert server.writes() == [('DELETE', 'tasks/2/task_callbacks/12'), ('POST', 'tasks/3/task_callbacks'), ('PUT', 'tasks/1/task_callbacks/10')]
    before = len(server.sent)
    second = run(server, items)
    assert not second['changed'] and len(server.sent) - before == 3 and len(server.writes()) == 3


def test_each_create_reads_its_task_again_once_for_the_race_rule():
    server = FakeServer()
    run(server, [item('1'), item('2')])
    assert server.reads() == ['tasks/1/task_callbacks'] * 2 + ['tasks/2/task_callbacks'] * 2


def test_check_mode_is_exact_and_reads_only():
    server = FakeServer(callbacks=[cb(10, 1, 'old'), cb(12, 2, 'gone')])
    items = [item('1', 'new'), item('2', state='absent', script=None), item('3', 'fresh')]
    checked = run(server, items, check_mode=True)
    assert server.writes() == []
    applied = run(FakeServer(callbacks=[cb(10, 1, 'old'), cb(12, 2, 'gone')]), items)
    assert [entry['changed'] for entry in checked['results']] == [entry['changed'] for entry in applied['results']]
    assert checked['results'][2]['task_callback']['id'] is None
    assert [(entry['task_id'], len(entry['create']), len(entry['update']), len(entry['remove'])) for entry in checked['drift']] == \
        [(1, 0, 1, 0), (2, 0, 0, 1), (3, 1, 0, 0)]


def test_diffs_are_headed_as_task_callback_heads_them():
    server = FakeServer(callbacks=[cb(10, 1, 'old')])
    result = run(server, [item('1', 'new'), item('3', 'fresh')], check_mode=True)
    assert [(diff['before_header'], diff['before'], diff['after']) for diff in result['diff']] == \
        [('task 1 / filter callback 10', 'old', 'new'), ('task 3 / filter callback (new)', '', 'fresh')]


def test_a_lost_post_answer_creates_no_duplicate():
    server = FakeServer(lose_next_post=True)
    result = run(server, [item('1', 'new')])
    assert result['results'][0]['changed'] and list(server.scripts(1).values()) == ['new']


def test_the_race_rule_keeps_the_lowest_id():
    """Another run created the same callback just before this one: the later one removes its own."""
    server = FakeServer()
    original_post = server.post

    def racing_post(path, body, landed=None):
        with server.lock:
            server.callbacks[50] = dict(body, id=50, task_id=1)  # the other run's create, with a lower id
        return original_post(path, body, landed)

    server.post = racing_post
    result = run(server, [item('1', 'new')])
    assert server.scripts(1) == {50: 'new'}
    assert result['results'][0] == dict(changed=False, task_callback=dict(id=50, task_id=1, type='filter', script='new'))
    assert 'Another run created a filter callback on task 1' in server.warnings[0]


# ---- failures: every item attempted, failed ones carry failed/msg --------------------------------

def test_failed_items_do_not_stop_the_others():
    server = FakeServer(callbacks=[cb(10, 2, 'a'), cb(11, 2, 'b'), cb(20, 3, 'old')], refuse={('PUT', 'tasks/3/task_callbacks/20'): 'Script is invalid.'})
    items = [item('1', 'one'), item('No such task'), item('2', 'two'), item('3', 'three'), item('9', 'nine')]
    result = run(server, items)
    outcome = [(entry['changed'], entry.get('failed', False)) for entry in result['results']]
    assert outcome == [(True, False), (False, True), (False, True), (False, True), (False, True)]
    assert result['failed'] and result['changed']
    assert result['msg'].startswith("4 of 5 items failed, every other change was made; the first failure: callbacks[1] (task 'No such task'): No Nodeum task")
    assert 'Nodeum task 2 has 2 filter callbacks (ids 10, 11)' in result['results'][2]['msg']
    assert result['results'][3]['msg'] == 'Script is invalid.'
    assert result['results'][4]['msg'].startswith('Nodeum task 9 does not exist')
    assert server.scripts(1) == {100: 'one'}


def test_in_check_mode_the_failure_says_the_other_changes_would_be_made():
    server = FakeServer(callbacks=[cb(20, 3, 'old')])
    result = run(server, [item('No such task'), item('3', 'three')], check_mode=True)
    assert result['msg'].startswith("1 of 2 items failed, every other change would be made (check mode); the first failure: callbacks[0] (task 'No such task')")
    assert [entry['changed'] for entry in result['results']] == [False, True]
    assert server.scripts(3) == {20: 'old'}


def test_items_that_manage_the_same_callback_both_fail():
    server = FakeServer(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'old')])
    result = run(server, [item('1', 'a'), item('Only', 'b', callback_id=10)])
    assert [entry.get('failed') for entry in result['results']] == [True, True]
    assert 'manages the same callback of task 1 as callbacks[1]' in result['results'][0]['msg']
    assert server.writes() == []


# ---- exclusive mode ----------------------------------------------------------------------------

def test_exclusive_removes_what_no_item_declares_on_the_listed_tasks_only():
    server = FakeServer(callbacks=[cb(10, 1, 'keep'), cb(11, 1, 'x', 'hook'), cb(12, 2, 'other'), cb(13, 3, 'z')])
    checked = run(server, [item('1', 'keep'), item('2', 'other', callback_id=12)], check_mode=True, exclusive=True)
    assert server.writes() == []
    assert checked['changed'] and checked['drift'] == [dict(task_id=1, create=[], update=[], remove=[dict(id=11, type='hook', item=None)])]
    assert [diff['before_header'] for diff in checked['diff']] == ['task 1 / hook callback 11']
    applied = run(server, [item('1', 'keep'), item('2', 'other', callback_id=12)], exclusive=True)
    assert applied['drift'] == checked['drift'] and server.writes() == [('DELETE', 'tasks/1/task_callbacks/11')]
    assert 13 in server.callbacks


def test_exclusive_all_tasks_covers_every_task_of_the_server():
    server = FakeServer(callbacks=[cb(10, 1, 'keep'), cb(13, 3, 'z')])
    result = run(server, [item('1', 'keep')], exclusive=True, exclusive_scope='all_tasks')
    assert result['drift'] == [dict(task_id=3, create=[], update=[], remove=[dict(id=13, type='filter', item=None)])]
    assert server.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_exclusive_leaves_a_task_with_a_failed_item_alone():
    server = FakeServer(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b'), cb(12, 1, 'c', 'hook')])
    result = run(server, [item('1', 'new')], exclusive=True)
    assert result['failed'] and server.writes() == []


def test_exclusive_is_off_by_default():
    server = FakeServer(callbacks=[cb(11, 1, 'x', 'hook')])
    assert not run(server, [item('1', state='absent', script=None)])['changed']
    assert server.writes() == []


def test_a_failed_removal_is_counted():
    server = FakeServer(callbacks=[cb(11, 1, 'x', 'hook')], refuse={('DELETE', 'tasks/1/task_callbacks/11'): 'Frozen.'})
    result = run(server, [item('1', 'new')], exclusive=True)
    assert result['results'][0]['changed'] and result['failed']
    assert result['msg'] == ('1 of 1 removals by exclusive mode failed, every other change was made; the first failure: '
                             'removing task 1 / hook callback 11: Frozen.')


def test_writes_run_concurrently_and_bounded(monkeypatch):
    """The writes overlap (several in flight), never more than MAX_CONCURRENT_REQUESTS."""
    server = FakeServer(tasks=dict((task_id, 't') for task_id in range(1, 41)))
    in_flight = [0, 0]
    barrier = threading.Event()
    original_post = server.post

    def slow_post(path, body, landed=None):
        with server.lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        barrier.wait(0.05)
        with server.lock:
            in_flight[0] -= 1
        return original_post(path, body, landed)

    server.post = slow_post
    run(server, [item(str(task_id)) for task_id in range(1, 41)])
    assert 1 < in_flight[1] <= task_callbacks.MAX_CONCURRENT_REQUESTS


# ---- the inventory form of task_callback_info --------------------------------------------------

def inventory(server, **options):
    from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import read_task_callbacks
    values = dict(task=None, callback_id=None, id=None, type=None, script=None, sort_by=None, limit=None, offset=None)
    values.update(options)
    return read_task_callbacks(server, values)


def test_inventory_lists_every_task_with_its_name_and_one_read_per_task():
    server = FakeServer(callbacks=[cb(13, 3, 'c'), cb(10, 1, 'a'), cb(11, 1, 'b', 'hook')])
    result = inventory(server)
    assert result['count'] == 3
    assert [(entry['task_id'], entry['task_name'], entry['id']) for entry in result['task_callbacks']] == \
        [(1, 'Archive', 10), (1, 'Archive', 11), (3, 'Archive', 13)]
    assert server.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_inventory_applies_the_filters_to_every_task():
    server = FakeServer(callbacks=[cb(13, 3, 'c'), cb(10, 1, 'a'), cb(11, 1, 'b', 'hook')])
    result = inventory(server, type='=hook')
    assert [entry['id'] for entry in result['task_callbacks']] == [11] and result['count'] == 1
    assert all(params == {'type': '=hook'} for method, path, params in server.sent if path != 'tasks')


@pytest.mark.parametrize('paging', [dict(limit=5), dict(offset=0)])
def test_inventory_refuses_limit_and_offset_before_any_request(paging):
    server = FakeServer()
    with pytest.raises(NodeumError, match='^limit and offset page the callbacks of one task; without task'):
        inventory(server, **paging)
    assert server.sent == []


def test_inventory_unknown_callback_id_fails_clearly():
    with pytest.raises(NodeumError, match='No Nodeum task has a callback 7;'):
        inventory(FakeServer(), callback_id=7)
