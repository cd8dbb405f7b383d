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

from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callbacks, tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError, NodeumNotFound, _list_page
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callbacks import ensure_task_callbacks


def api_list(path, items_key, items):
    """A list as the API answers it ({count, tasks} or {count, task_callbacks}), read with items_key as the client reads it."""
    answer = {'count': len(items), 'tasks' if path == 'tasks' else 'task_callbacks': items}
    return _list_page(answer, items_key, 'GET ' + path)


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
            return api_list(path, items_key, found)
        task_id = int(parts[1])
        if task_id not in self.tasks:
            raise NodeumNotFound('no task')
        with self.lock:
            found = [dict(item) for _id, item in sorted(self.callbacks.items()) if item['task_id'] == task_id]
        if params and 'type' in params:
            found = [item for item in found if item['type'] == params['type'].lstrip('=')]
        if params and 'id' in params:
            found = [item for item in found if str(item['id']) == params['id'].lstrip('=')]
        return api_list(path, items_key, found)

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


def gathering(server, parties):
    """Hold every read of a task's callbacks until `parties` of them are in flight at once; return [in flight, most in flight].

    Without that many workers the barrier breaks (after its timeout) and the read raises BrokenBarrierError.
    """
    barrier = threading.Barrier(parties, timeout=10)
    in_flight = [0, 0]
    original = server.paginate

    def paginate(path, items_key, params=None, limit=None, offset=0):
        if path == 'tasks':
            return original(path, items_key, params, limit, offset)
        with server.lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        barrier.wait()
        with server.lock:
            in_flight[0] -= 1
        return original(path, items_key, params, limit, offset)
    server.paginate = paginate
    return in_flight


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


@pytest.mark.parametrize('callbacks, message', [
    (None, 'callbacks must be a list of items with task, script and the other keys of task_callback.'),
    ({'task': '1'}, 'callbacks must be a list of items with task, script and the other keys of task_callback.'),
    (['1'], 'callbacks[0]: task is empty; give the numeric id or the exact name of a Nodeum task.'),
    ([item('1'), item(' ')], 'callbacks[1]: task is empty; give the numeric id or the exact name of a Nodeum task.'),
])
def test_callbacks_that_are_not_items_fail_in_one_exact_sentence(callbacks, message):
    server = FakeServer()
    with pytest.raises(NodeumError) as caught:
        run(server, callbacks)
    assert caught.value.message == message and server.sent == []


def test_items_of_one_task_with_other_callback_ids_are_distinct():
    server = FakeServer(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b')])
    result = run(server, [item('1', 'a', callback_id=10), item('1', 'b2', callback_id=11)])
    assert [entry['changed'] for entry in result['results']] == [False, True] and server.writes() == [('PUT', 'tasks/1/task_callbacks/11')]


def test_all_tasks_scope_needs_exclusive():
    server = FakeServer()
    with pytest.raises(NodeumError) as caught:
        run(server, [item('1')], exclusive_scope='all_tasks')
    assert caught.value.message == ('exclusive_scope all_tasks removes the undeclared callbacks of every task only together with exclusive true; '
                                    'set exclusive: true, or leave exclusive_scope out.')
    assert server.sent == []


def test_without_check_mode_the_changes_are_made():
    server = FakeServer()
    result = ensure_task_callbacks(server, dict(callbacks=[item('1')]))
    assert result['changed'] and server.writes() == [('POST', 'tasks/1/task_callbacks')]


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


def test_up_to_the_lookup_limit_each_name_is_looked_up_on_its_own():
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, task_callbacks.NAME_LOOKUP_LIMIT + 1))
    server = FakeServer(tasks=names)
    run(server, [item(name) for name in names.values()], check_mode=True)
    assert server.reads() == sorted(['tasks/%d/task_callbacks' % task_id for task_id in names] + ['tasks?name==' + name for name in names.values()])


def test_against_a_listing_an_unknown_id_fails_without_a_read():
    server = FakeServer()
    result = run(server, [item('1'), item('9')], exclusive=True, exclusive_scope='all_tasks', check_mode=True)
    assert result['results'][1] == dict(changed=False, task_callback=None, failed=True,
                                        msg=tasks.task_not_found(9).message)
    assert server.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_the_reads_run_as_many_at_once_as_the_session_has_connections():
    tasks = dict((task_id, 't') for task_id in range(1, task_callbacks.MAX_CONCURRENT_REQUESTS + 1))
    server = FakeServer(tasks=tasks)
    in_flight = gathering(server, task_callbacks.MAX_CONCURRENT_REQUESTS)
    result = run(server, [item(str(task_id)) for task_id in tasks], check_mode=True)
    assert in_flight[1] == task_callbacks.MAX_CONCURRENT_REQUESTS and not result.get('failed')


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
    assert [entry['changed'] for entry in result['results']] == [False] * 50
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
    assert first['drift'] == [dict(task_id=1, created=[], updated=[dict(id=10, type='filter', item=0)], removed=[]),
                              dict(task_id=2, created=[], updated=[], removed=[dict(id=12, type='filter', item=1)]),
                              dict(task_id=3, created=[dict(id=100, type='filter', item=2)], updated=[], removed=[])]
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
    assert [(entry['task_id'], len(entry['created']), len(entry['updated']), len(entry['removed'])) for entry in checked['drift']] == \
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
    assert result['results'][1] == dict(changed=False, task_callback=None, failed=True,
                                        msg="No Nodeum task is named 'No such task'; check the name (it is case-sensitive) or give the task's numeric id.")
    assert result['results'][3] == dict(changed=False, task_callback=None, failed=True, msg='Script is invalid.')
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


def test_an_item_that_failed_its_look_up_does_not_hide_the_conflicts_after_it():
    server = FakeServer(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'old')])
    result = run(server, [item('No such task'), item('1', 'a'), item('Only', 'b')])
    assert [entry.get('failed') for entry in result['results']] == [True, True, True]
    assert result['results'][1]['msg'] == 'It manages the same callback of task 1 as callbacks[2]; keep one of the items.'
    assert server.writes() == []


def test_a_conflict_names_every_rival_of_every_claim_and_spares_its_task_from_exclusive_mode():
    server = FakeServer(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'old'), cb(11, 1, 'x', 'hook')])
    # callbacks[0] claims callback 10 by id; callbacks[1] and [2] claim it as the task's filter callback, and claim that type together.
    result = run(server, [item('Only', 'a', callback_id=10), item('1', 'b'), item('01', 'c')], exclusive=True)
    assert [entry['msg'] for entry in result['results']] == [
        'It manages the same callback of task 1 as callbacks[1], callbacks[2]; keep one of the items.',
        'It manages the same callback of task 1 as callbacks[0], callbacks[2]; keep one of the items.',
        'It manages the same callback of task 1 as callbacks[0], callbacks[1]; keep one of the items.']
    assert result['msg'] == ("3 of 3 items failed, every other change was made; the first failure: callbacks[0] (task 'Only'): "
                             'It manages the same callback of task 1 as callbacks[1], callbacks[2]; keep one of the items.')
    assert server.writes() == [] and sorted(server.callbacks) == [10, 11]


def test_a_callback_that_settling_finds_is_claimed_like_one_named_by_id():
    """The type's duplicates settle into callback 12 while another item names 12: applying both would undo one."""
    server = FakeServer(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'x'), cb(11, 1, 'x')])

    def wait(seconds):
        with server.lock:
            if 12 not in server.callbacks:  # the race ends: both duplicates gone, another run's callback 12 stays
                server.callbacks = {12: cb(12, 1, 'x')}
    server.wait = wait
    result = run(server, [item('1', 'x'), item('Only', state='absent', script=None, callback_id=12)])
    assert [entry['msg'] for entry in result['results']] == [
        'It manages the same callback of task 1 as callbacks[1]; keep one of the items.',
        'It manages the same callback of task 1 as callbacks[0]; keep one of the items.']
    assert server.writes() == []


# ---- exclusive mode ----------------------------------------------------------------------------

def test_exclusive_removes_what_no_item_declares_on_the_listed_tasks_only():
    server = FakeServer(callbacks=[cb(10, 1, 'keep'), cb(11, 1, 'x', 'hook'), cb(12, 2, 'other'), cb(13, 3, 'z')])
    checked = run(server, [item('1', 'keep'), item('2', 'other', callback_id=12)], check_mode=True, exclusive=True)
    assert server.writes() == []
    assert checked['changed'] and checked['drift'] == [dict(task_id=1, created=[], updated=[], removed=[dict(id=11, type='hook', item=None)])]
    assert [diff['before_header'] for diff in checked['diff']] == ['task 1 / hook callback 11']
    applied = run(server, [item('1', 'keep'), item('2', 'other', callback_id=12)], exclusive=True)
    assert applied['drift'] == checked['drift'] and server.writes() == [('DELETE', 'tasks/1/task_callbacks/11')]
    assert 13 in server.callbacks


def test_exclusive_all_tasks_covers_every_task_of_the_server():
    server = FakeServer(callbacks=[cb(10, 1, 'keep'), cb(13, 3, 'z')])
    result = run(server, [item('1', 'keep')], exclusive=True, exclusive_scope='all_tasks')
    assert result['drift'] == [dict(task_id=3, created=[], updated=[], removed=[dict(id=13, type='filter', item=None)])]
    assert server.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_exclusive_leaves_a_task_with_a_failed_item_alone():
    server = FakeServer(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b'), cb(12, 1, 'c', 'hook')])
    result = run(server, [item('1', 'new'), item('1', 'other', callback_id=10)], exclusive=True)
    assert result['failed'] and server.writes() == []


def test_exclusive_still_cleans_the_tasks_after_one_it_leaves_alone():
    server = FakeServer(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b'), cb(20, 2, 'keep'), cb(21, 2, 'x', 'hook')])
    result = run(server, [item('1', 'new'), item('1', 'other', callback_id=10), item('2', 'keep')], exclusive=True)
    assert result['results'][0]['failed'] and server.writes() == [('DELETE', 'tasks/2/task_callbacks/21')]
    assert result['drift'] == [dict(task_id=2, created=[], updated=[], removed=[dict(id=21, type='hook', item=None)])]


@pytest.mark.parametrize('scripts, kept, updated', [
    (('a', 'new', 'b'), 11, False),  # the one whose script matches stays as it is
    (('a', 'b', 'c'), 10, True),     # none matches: the lowest id is updated
])
def test_exclusive_keeps_one_of_several_callbacks_of_a_type_and_removes_the_others(scripts, kept, updated):
    server = FakeServer(callbacks=[cb(10 + index, 1, script) for index, script in enumerate(scripts)])
    result = run(server, [item('1', 'new')], exclusive=True)
    removed = sorted(set((10, 11, 12)) - {kept})
    assert result['results'][0]['task_callback']['id'] == kept and result['results'][0]['changed'] is updated
    assert [entry['id'] for entry in result['drift'][0]['removed']] == removed
    assert sorted(server.writes()) == sorted([('DELETE', 'tasks/1/task_callbacks/%d' % gone) for gone in removed]
                                             + ([('PUT', 'tasks/1/task_callbacks/%d' % kept)] if updated else []))


def test_without_exclusive_several_callbacks_of_a_type_still_need_callback_id():
    server = FakeServer(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b')])
    result = run(server, [item('1', 'new')])
    assert result['results'][0]['failed'] and 'pass callback_id' in result['results'][0]['msg'] and server.writes() == []


@pytest.mark.parametrize('callbacks, options, check_mode', [
    ([], dict(exclusive=True, exclusive_scope='all_tasks'), False),
    ([], dict(exclusive=True, exclusive_scope='all_tasks'), True),
    ([item('1', state='absent')], dict(exclusive=True, exclusive_scope='all_tasks'), False),
])
def test_emptying_the_server_needs_allow_empty_and_fails_before_any_request(callbacks, options, check_mode):
    server = FakeServer(callbacks=[cb(10, 1, 'a')])
    with pytest.raises(NodeumError) as caught:
        run(server, callbacks, check_mode=check_mode, **options)
    assert caught.value.message == ('callbacks declares no callback, so exclusive mode on all_tasks would remove every callback of the server; '
                                    'nothing was sent. Check that the list is the one you meant, or set allow_empty: true to empty the server.')
    assert server.reads() == [] and server.writes() == []


def test_allow_empty_empties_the_server():
    server = FakeServer(callbacks=[cb(10, 1, 'a'), cb(20, 2, 'b')])
    result = run(server, [], exclusive=True, exclusive_scope='all_tasks', allow_empty=True)
    assert result['changed'] and sorted(server.writes()) == [('DELETE', 'tasks/1/task_callbacks/10'), ('DELETE', 'tasks/2/task_callbacks/20')]


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


def test_failed_items_and_failed_removals_are_counted_in_one_sentence():
    server = FakeServer(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=[cb(10, 1, 'old'), cb(21, 2, 'x', 'hook')],
                        refuse={('PUT', 'tasks/1/task_callbacks/10'): 'Script is invalid.', ('DELETE', 'tasks/2/task_callbacks/21'): 'Frozen.'})
    result = run(server, [item('1', 'new'), item('2', 'fresh')], exclusive=True)
    assert result['msg'] == ("1 of 2 items and 1 of 1 removals by exclusive mode failed, every other change was made; "
                             "the first failure: callbacks[0] (task '1'): Script is invalid.")
    assert result['results'] == [dict(changed=False, task_callback=None, failed=True, msg='Script is invalid.'),
                                 dict(changed=True, task_callback=dict(id=100, task_id=2, type='filter', script='fresh'))]
    assert result['drift'] == [dict(task_id=2, created=[dict(id=100, type='filter', item=1)], updated=[], removed=[])]


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
    with pytest.raises(NodeumError) as caught:
        inventory(FakeServer(), callback_id=7)
    assert caught.value.message == 'No Nodeum task has a callback 7; list the callbacks without callback_id to find the right id.'


def test_inventory_of_a_server_without_callbacks_is_empty_and_unchanged():
    assert inventory(FakeServer()) == dict(changed=False, task_callbacks=[], count=0)
    assert inventory(FakeServer(callbacks=[cb(13, 3, 'c')]), type='=filter') == dict(
        changed=False, count=1, task_callbacks=[dict(id=13, task_id=3, type='filter', script='c', task_name='Archive')])


def test_inventory_skips_a_task_removed_since_the_listing():
    server = FakeServer(callbacks=[cb(10, 1, 'a'), cb(12, 2, 'b'), cb(13, 3, 'c')])
    original = server.paginate

    def paginate_while_task_2_is_removed(path, items_key, params=None, limit=None, offset=0):
        answer = original(path, items_key, params, limit, offset)
        if path == 'tasks':
            del server.tasks[2]
        return answer
    server.paginate = paginate_while_task_2_is_removed
    result = inventory(server)
    assert [entry['id'] for entry in result['task_callbacks']] == [10, 13] and result['count'] == 2


def test_inventory_reads_as_many_tasks_at_once_as_the_session_has_connections():
    server = FakeServer(tasks=dict((task_id, 't') for task_id in range(1, task_callbacks.MAX_CONCURRENT_REQUESTS + 1)))
    in_flight = gathering(server, task_callbacks.MAX_CONCURRENT_REQUESTS)
    assert inventory(server)['count'] == 0 and in_flight[1] == task_callbacks.MAX_CONCURRENT_REQUESTS
