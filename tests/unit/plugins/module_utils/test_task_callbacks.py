# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the bulk task callback logic, against the emulator through the real client.

What is sent is read from the emulator's own request log, what is held from its state (the
`nodeum` fixture); the decisions the bulk logic adds (managed_by_item, flag_conflicts) are tested pure, and so is
the identity rule of items without callback_id (match_by_script).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import bulk_reads, task_callbacks, tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import match_by_script
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callbacks import (
    ensure_task_callbacks, managed_by_item,
)


def cb(callback_id, task_id, script='s', callback_type='filter'):
    return dict(id=callback_id, task_id=task_id, type=callback_type, script=script)


def run(nodeum, callbacks, check_mode=False, **options):
    return ensure_task_callbacks(
        nodeum.client, dict(callbacks=callbacks, **options), nodeum.context(check_mode=check_mode)
    )


def item(task, script='new', **keys):
    return dict(dict(task=task, script=script, type='filter', callback_id=None, state='present'), **keys)


def gathering(nodeum, method, parties):
    """Hold each call of the client's method (but the task listing) until `parties` are in flight at once; return [in
    flight, most].

    Without that many workers the barrier breaks after its timeout and the call raises BrokenBarrierError.
    """
    barrier = threading.Barrier(parties, timeout=10)
    lock = threading.Lock()
    in_flight = [0, 0]
    original = getattr(nodeum.client, method)

    def held(path, *args, **kwargs):
        if path == 'tasks':
            return original(path, *args, **kwargs)
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        barrier.wait()
        with lock:
            in_flight[0] -= 1
        return original(path, *args, **kwargs)
    setattr(nodeum.client, method, held)
    return in_flight


# ---- validation: bad input refused before any request -----------------------------------------

@pytest.mark.parametrize('items, message', [
    ([item('1'), item('2', script=None)], r"^callbacks\[1\] \(task '2'\): script is required"),
    ([item('1', script=' ')], r"^callbacks\[0\] \(task '1'\): script is empty"),
    ([item(None)], r'^callbacks\[0\]: task is empty'),
    (['1'], r'^callbacks\[0\]: task is empty'),
    ([item('1'), item(' ')], r'^callbacks\[1\]: task is empty'),
    ([item('1', callback_id=0)], r"^callbacks\[0\] \(task '1'\): callback_id must be a positive number"),
    (None, r'^callbacks must be a list'),
    ({'task': '1'}, r'^callbacks must be a list'),
])
def test_bad_items_are_refused_with_index_and_task_and_no_request(nodeum, items, message):
    with pytest.raises(NodeumError, match=message):
        run(nodeum, items)
    assert nodeum.requests() == []


@pytest.mark.parametrize('callbacks, options, message', [
    (None, {}, 'callbacks must be a list of items with task, script and the other keys of task_callback.'),
    ([item('1', callback_id=5), item('1', script='other', callback_id=5)], {},
     "callbacks[1] (task '1') manages the same callback as callbacks[0]; keep one of the two items."),
    ([item('1'), item('2'), item('1', state='absent', script=None)], {},
     "callbacks[2] (task '1') manages the same callback as callbacks[0]; keep one of the two items."),
    ([item('1', state='absent', script=None), item('1', state='absent', script=None)], {},
     "callbacks[1] (task '1') manages the same callback as callbacks[0]; keep one of the two items."),
    ([item('1')], dict(exclusive_scope='all_tasks'),
     'exclusive_scope all_tasks removes the undeclared callbacks of every task only together with exclusive true; '
     'set exclusive: true, or leave exclusive_scope out.'),
    ([], dict(exclusive=True, exclusive_scope='all_tasks'),
     'callbacks declares no callback, so exclusive mode on all_tasks would remove every callback of the server; '
     'nothing was sent. Check that the list is the one you meant, or set allow_empty: true to empty the server.'),
])
@pytest.mark.parametrize('check_mode', [False, True])
def test_settings_that_cannot_be_meant_fail_in_one_sentence_and_no_request(
    nodeum, callbacks, options, message, check_mode
):
    with pytest.raises(NodeumError) as caught:
        run(nodeum, callbacks, check_mode=check_mode, **options)
    assert caught.value.message == message and nodeum.requests() == []


def test_emptying_the_server_with_absent_items_only_needs_allow_empty_too(nodeum):
    with pytest.raises(NodeumError, match='^callbacks declares no callback'):
        run(nodeum, [item('1', state='absent')], exclusive=True, exclusive_scope='all_tasks')
    assert nodeum.requests() == []


# ---- requests: one look-up per name, one read per task ---------------------------------------------

def test_a_name_is_looked_up_once_and_each_task_read_once(nodeum):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly'})
    run(
        nodeum,
        [item('Nightly'), item('1'), item('Nightly', callback_id=7, state='absent', script=None)],
        check_mode=True,
    )
    # and task 1, given by id and changed, is named for the plan by one look-up of its id
    assert nodeum.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks?name==Nightly']
    assert ('GET', 'tasks', {'id': '><1'}) in nodeum.requests()


def test_many_names_are_resolved_from_one_listing_of_every_task(nodeum):
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, bulk_reads.NAME_LOOKUP_LIMIT + 4))
    nodeum.load(tasks=names)
    result = run(nodeum, [item(name) for name in names.values()], check_mode=True)
    assert nodeum.reads() == ['tasks'] + sorted('tasks/%d/task_callbacks' % task_id for task_id in names)
    assert [entry['task_callback']['task_id'] for entry in result['results']] == list(names)


def test_a_name_two_tasks_share_fails_its_item_when_names_come_from_one_listing(nodeum):
    """Above the look-up limit the names come from one listing of every task: a name two tasks carry
    must fail its item (never resolve to one of them), and every other item is still applied."""
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, bulk_reads.NAME_LOOKUP_LIMIT + 3))
    shared = max(names) + 1
    nodeum.load(tasks=dict(list(names.items()) + [(shared, 'task 1')]),
                callbacks=[cb(90, 1, 'theirs'), cb(91, shared, 'theirs')])
    result = run(nodeum, [item(name) for name in names.values()])
    assert result['results'][0]['msg'] == ("2 Nodeum tasks are named 'task 1' (ids 1, %d); give the numeric id of the "
                                           "one you "
                                           "mean." % shared)
    assert [entry['task_callback']['task_id'] for entry in result['results'][1:]] == sorted(names)[1:]
    assert nodeum.callbacks(1) == {90: 'theirs'} and nodeum.callbacks(shared) == {91: 'theirs'}
    assert sorted(path for _method, path in nodeum.writes()) == [
        'tasks/%d/task_callbacks' % task_id for task_id in sorted(names)[1:]]
    assert [path for path in nodeum.reads() if path.startswith('tasks?') or path == 'tasks'] == ['tasks']


def test_lookup_in_a_listing_names_every_task_a_shared_name_may_mean():
    listing = [dict(id=3, name='Archive'), dict(id=1, name='Archive'), dict(id=2, name='Archive copy')]
    shared = bulk_reads.lookup_in('Archive', listing)
    assert shared.task_id is None and shared.meant == frozenset(
        [1, 3]) and shared.error.message.startswith('2 Nodeum tasks')
    assert bulk_reads.lookup_in('Archive copy', listing) == bulk_reads.TaskLookup(2, None, frozenset([2]))
    missing = bulk_reads.lookup_in('archive', listing)
    assert missing.task_id is None and missing.meant == frozenset(
    ) and missing.error.message.startswith('No Nodeum task is named')


def test_up_to_the_lookup_limit_each_name_is_looked_up_on_its_own(nodeum):
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, bulk_reads.NAME_LOOKUP_LIMIT + 1))
    nodeum.load(tasks=names)
    run(nodeum, [item(name) for name in names.values()], check_mode=True)
    assert nodeum.reads() == sorted(['tasks/%d/task_callbacks' %
                                     task_id for task_id in names] + ['tasks?name==' + name for name in names.values()])


def test_against_a_listing_an_unknown_id_fails_without_a_read(nodeum):
    nodeum.load()
    result = run(nodeum, [item('1'), item('9')], exclusive=True, exclusive_scope='all_tasks', check_mode=True)
    assert result['results'][1] == dict(changed=False, task_callback=None,
                                        failed=True, msg=tasks.task_not_found(9).message)
    assert nodeum.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_the_reads_run_as_many_at_once_as_the_session_has_connections(nodeum):
    nodeum.load(tasks=dict((task_id, 't') for task_id in range(1, task_callbacks.MAX_CONCURRENT_REQUESTS + 1)))
    in_flight = gathering(nodeum, 'paginate', task_callbacks.MAX_CONCURRENT_REQUESTS)
    result = run(nodeum, [item(str(task_id)) for task_id in range(
        1, task_callbacks.MAX_CONCURRENT_REQUESTS + 1)], check_mode=True)
    assert in_flight[1] == task_callbacks.MAX_CONCURRENT_REQUESTS and not result.get('failed')


def test_a_listing_for_names_does_not_widen_the_exclusive_scope(nodeum):
    names = dict((task_id, 'task %d' % task_id) for task_id in range(1, 9))
    nodeum.load(tasks=dict(list(names.items()) + [(9, 'not named')]), callbacks=[cb(90, 9, 'stays')])
    result = run(nodeum, [item(name) for name in names.values()], exclusive=True)
    assert 'tasks/9/task_callbacks' not in nodeum.reads() and nodeum.callbacks(9) == {90: 'stays'}
    assert [entry['task_id'] for entry in result['drift']] == list(names)


def test_nothing_to_change_sends_one_read_per_task_and_no_write(nodeum):
    nodeum.load(tasks=dict((task_id, 't') for task_id in range(1, 51)), callbacks=[
                cb(100 + task_id, task_id, 'same') for task_id in range(1, 51)])
    result = run(nodeum, [item(str(task_id), 'same') for task_id in range(1, 51)])
    assert not result['changed'] and result['drift'] == [] and result['diff'] == []
    assert [entry['changed'] for entry in result['results']] == [False] * 50
    assert len(nodeum.requests()) == 50 and nodeum.writes() == []
    assert [entry['task_callback']['id'] for entry in result['results']] == [100 + task_id for task_id in range(1, 51)]


# ---- the same decisions as task_callback -------------------------------------------------------

def test_create_update_delete_then_idempotent(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'old'), cb(11, 1, 'x', 'hook'), cb(12, 2, 'gone')])
    items = [item('1', 'new'), item('2', state='absent', script=None), item('3', 'fresh')]
    first = ensure_task_callbacks(nodeum.client, dict(callbacks=items), nodeum.context())  # not check mode unless asked
    created = list(nodeum.callbacks(3))[0]
    assert [entry['changed'] for entry in first['results']] == [True, True, True]
    assert first['results'][1]['task_callback'] is None
    assert first['results'][2]['task_callback'] == dict(id=created, task_id=3, type='filter', script='fresh')
    assert nodeum.writes() == [('DELETE', 'tasks/2/task_callbacks/12'),
                               ('POST', 'tasks/3/task_callbacks'), ('PUT', 'tasks/1/task_callbacks/10')]
    assert first['drift'] == [
        dict(task_id=1, created=[], updated=[dict(id=10, type='filter', item=0)], removed=[]),
        dict(task_id=2, created=[], updated=[], removed=[dict(id=12, type='filter', item=1)]),
        dict(task_id=3, created=[dict(id=created, type='filter', item=2)], updated=[], removed=[]),
    ]
    # the names of the changed tasks in one look-up, and each create reads its task again once, for the race rule
    assert nodeum.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks',
                              'tasks/3/task_callbacks', 'tasks/3/task_callbacks']
    nodeum.control.reset_requests()
    second = run(nodeum, items)
    assert not second['changed'] and len(nodeum.requests()) == 3 and nodeum.writes() == []


def test_check_mode_is_exact_and_reads_only(nodeum):
    existing = [cb(10, 1, 'old'), cb(12, 2, 'gone')]
    items = [item('1', 'new'), item('2', state='absent', script=None), item('3', 'fresh')]
    checked = run(nodeum.load(callbacks=existing), items, check_mode=True)
    assert nodeum.writes() == []
    applied = run(nodeum, items)
    assert [entry['changed'] for entry in checked['results']] == [entry['changed'] for entry in applied['results']]
    assert checked['results'][2]['task_callback']['id'] is None
    assert [
        (entry['task_id'], len(entry['created']), len(entry['updated']), len(entry['removed']))
        for entry in checked['drift']
    ] == [(1, 0, 1, 0), (2, 0, 0, 1), (3, 1, 0, 0)]
    server = nodeum.client.base_url[:-len('/api/v2')]
    assert [
        (diff['before_header'], diff['after_header'], diff['before'], diff['after']) for diff in checked['diff']
    ] == [
        (
            '%s task 1 "Archive" / filter callback 10' % server,
            '%s task 1 "Archive" / filter callback 10 (update: ' 'script differs)' % server,
            'old',
            'new',
        ),
        ('%s task 2 "Nightly" / filter callback 12 (remove: state absent)' % server, '(removed)', 'gone', ''),
        ('(none)', '%s task 3 "Archive" / filter callback (new) (create: not on the server)' % server, '', 'fresh'),
    ]


def test_a_lost_post_answer_creates_no_duplicate(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', drop='after')
    result = run(nodeum, [item('1', 'new')])
    assert result['results'][0]['changed'] and list(nodeum.callbacks(1).values()) == ['new']


def test_the_race_rule_keeps_the_lowest_id(nodeum):
    """Another run created the same callback just before this one: the later one removes its own."""
    nodeum.load()
    other = nodeum.another_run()
    post = nodeum.client.post

    def racing_post(path, body, resume=None):
        other.post(path, body)
        return post(path, body, resume)
    nodeum.client.post = racing_post
    result = run(nodeum, [item('1', 'new')])
    theirs = min(nodeum.callbacks(1))
    assert nodeum.callbacks(1) == {theirs: 'new'}
    assert result['results'][0] == dict(changed=False, task_callback=dict(
        id=theirs, task_id=1, type='filter', script='new'))
    assert nodeum.warnings[0].startswith('Another run created a filter callback on task 1')


# ---- failures: every item attempted, failed ones carry failed/msg --------------------------------

def test_failed_items_do_not_stop_the_others(nodeum):
    nodeum.load(callbacks=[cb(10, 2, 'a'), cb(20, 3, 'old')])
    nodeum.refuse('PUT', 'tasks/3/task_callbacks/20', 'Script is invalid.')
    items = [item('1', 'one'), item('No such task'), item('2', 'two', callback_id=99), item('3', 'three'),
             item('9', 'nine')]
    result = run(nodeum, items)
    outcome = [(entry['changed'], entry.get('failed', False)) for entry in result['results']]
    assert outcome == [(True, False), (False, True), (False, True), (False, True), (False, True)]
    assert result['failed'] and result['changed']
    assert result['msg'].startswith(
        'Applied to %s: 1 created, 0 updated, 0 removed, 0 unchanged, 4 failed. 4 of 5 '
        'items failed, and every '
        "other change was made: callbacks[1] (task 'No such task'): No Nodeum task" % result['plan']['server'][:-7]
    )
    # every failed item named, each with its index, task and sentence
    for index in range(1, 5):
        label = "callbacks[%d] (task '%s'): " % (index, result['results'][index]
                                                 ['msg'] and ['', 'No such task', '2', '3', '9'][index])
        assert label + result['results'][index]['msg'] in result['msg']
    assert result['results'][1]['msg'].startswith(
        'No Nodeum task is named') and result['results'][1]['task_callback'] is None
    assert result['results'][2]['msg'].startswith('Nodeum task 2 has no callback 99')
    assert result['results'][3]['msg'].startswith(
        'The Nodeum API refused PUT ') and result['results'][3]['msg'].endswith(': Script is invalid.')
    assert result['results'][4]['msg'].startswith('Nodeum task 9 does not exist')
    assert list(nodeum.callbacks(1).values()) == ['one']


def test_in_check_mode_the_failure_says_the_other_changes_would_be_made(nodeum):
    nodeum.load(callbacks=[cb(20, 3, 'old')])
    result = run(nodeum, [item('No such task'), item('3', 'three')], check_mode=True)
    assert (
        "1 of 2 items failed, and every other change would be made (check mode): callbacks[0] (task 'No such task')"
        in result['msg']
    )
    assert result['plan']['summary']['updated'] == 1 and result['plan']['changes'][0]['callback_id'] == 20
    assert [entry['changed'] for entry in result['results']] == [False, True]
    assert nodeum.callbacks(3) == {20: 'old'}


REFUSAL = ('The script is not valid JavaScript at line 1, column 3 ("Unexpected token ;"); nothing was sent for this '
           'item: fix it.')


def test_an_item_refused_on_the_controller_fails_alone_and_sends_nothing(nodeum):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=[cb(10, 1, 'old')])
    result = run(nodeum, [item('Archive', 'a ;', refusal=REFUSAL), item('2', 'two')])
    assert result['results'][0] == dict(failed=True, changed=False, msg=REFUSAL, task_callback=None)
    assert result['results'][1]['changed'] and nodeum.writes() == [('POST', 'tasks/2/task_callbacks')]
    assert result['msg'].endswith(
        " 1 of 2 items failed, and every other change was made: callbacks[0] (task 'Archive'): " + REFUSAL)
    assert nodeum.callbacks(1) == {10: 'old'}


def test_in_check_mode_a_refused_item_fails_and_the_others_still_plan(nodeum):
    nodeum.load(callbacks=[])
    result = run(nodeum, [item('1', 'one'), item('No such task', 'x', refusal=REFUSAL)], check_mode=True)
    assert [(entry['changed'], entry.get('msg')) for entry in result['results']] == [(True, None), (False, REFUSAL)]
    assert result['drift'] == [dict(task_id=1, created=[dict(id=None, type='filter', item=0)], updated=[], removed=[])]
    assert nodeum.writes() == []


def test_exclusive_leaves_the_task_of_a_refused_item_alone(nodeum):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=[cb(10, 1, 'a'), cb(
        11, 1, 'b', 'hook'), cb(20, 2, 'keep'), cb(21, 2, 'x', 'hook')])
    result = run(nodeum, [item('1', 'new', refusal=REFUSAL), item('2', 'keep')], exclusive=True)
    assert result['results'][0]['failed'] and nodeum.writes() == [('DELETE', 'tasks/2/task_callbacks/21')]


@pytest.mark.parametrize('name', ['syntax', 'validate'])
def test_a_check_of_the_whole_task_that_reached_the_module_is_refused(nodeum, name):
    with pytest.raises(NodeumError, match='^%s reached the module unchecked' % name):
        run(nodeum, [item('1')], **{name: 'python'})
    assert nodeum.requests() == []


def test_items_that_manage_the_same_callback_both_fail(nodeum):
    nodeum.load(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'old')])
    result = run(nodeum, [item('1', 'a', callback_id=10), item('Only', 'b', callback_id=10)])
    assert [entry['msg'] for entry in result['results']] == [
        'It manages the same callback of task 1 as callbacks[1]; keep one of the items.',
        'It manages the same callback of task 1 as callbacks[0]; keep one of the items.']
    assert nodeum.writes() == []


def test_an_item_that_failed_its_look_up_does_not_hide_the_conflicts_after_it(nodeum):
    nodeum.load(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'old')])
    result = run(nodeum, [item('No such task'), item('1', 'a'), item('Only', state='absent', script=None)])
    assert [entry.get('failed') for entry in result['results']] == [True, True, True]
    assert result['results'][1]['msg'].startswith('It manages the same callback of task 1 as callbacks[2];')
    assert nodeum.writes() == []


def test_a_conflict_names_every_rival_of_every_claim_and_spares_its_task_from_exclusive_mode(nodeum):
    nodeum.load(tasks={1: 'Only'}, callbacks=[cb(10, 1, 'old'), cb(11, 1, 'x', 'hook')])
    # callbacks[1] removes every filter callback of the task, among which those that callbacks[0] and [2] declare.
    result = run(nodeum, [item('Only', 'a'), item('1', state='absent', script=None), item('01', 'c')], exclusive=True)
    assert [entry['msg'].split(';')[0] for entry in result['results']] == [
        'It manages the same callback of task 1 as callbacks[1]',
        'It manages the same callback of task 1 as callbacks[0], callbacks[2]',
        'It manages the same callback of task 1 as callbacks[1]']
    assert result['msg'].endswith("3 of 3 items failed: callbacks[0] (task 'Only'): %s callbacks[1] (task '1'): %s "
                                  "callbacks[2] (task '01'): %s" % tuple(entry['msg'] for entry in result['results']))
    assert nodeum.writes() == [] and sorted(nodeum.callbacks()) == [10, 11]


def test_items_of_one_task_with_other_callback_ids_are_distinct(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b')])
    result = run(nodeum, [item('1', 'a', callback_id=10), item('1', 'b2', callback_id=11)])
    assert [entry['changed'] for entry in result['results']] == [
        False, True] and nodeum.writes() == [('PUT', 'tasks/1/task_callbacks/11')]


# ---- several callbacks of one type on one task, declared without callback_id ---------------------

@pytest.mark.parametrize('scripts, callbacks, managed, unmanaged', [
    (['a', 'b'], [cb(11, 1, 'b'), cb(10, 1, 'a')], [10, 11], []),           # each by its script, whatever the order
    (['a', 'b'], [cb(10, 1, 'a'), cb(11, 1, 'old')], [10, 11], []),         # one item and one callback left: an update
    # several left: created, the others no item's
    (['a', 'b', 'c'], [cb(10, 1, 'x'), cb(11, 1, 'y')], [None] * 3, [10, 11]),
    (['a', 'b'], [cb(10, 1, 'x'), cb(11, 1, 'y')], [None, None], [10, 11]),
    (['a'], [cb(10, 1, 'x'), cb(11, 1, 'y')], [None], [10, 11]),
    (['a', 'b'], [cb(10, 1, 'x')], [None, None], [10]),
    (['a'], [], [None], []),
    ([], [cb(10, 1, 'x')], [], [10]),
    # identical items: as many callbacks, the lowest ids first
    (['s', 's'], [cb(12, 1, 's'), cb(10, 1, 's'), cb(11, 1, 's')], [10, 11], [12]),
    (['s', 's'], [cb(10, 1, 's')], [10, None], []),
    (['a\r\n', 'a\n'], [cb(10, 1, 'a\n'), cb(11, 1, 'a\r\n')], [11, 10], []),  # byte for byte: line endings count
    (['b', 'x'], [cb(10, 1, 'a'), cb(11, 1, 'b')], [11, 10], []),
])
def test_match_by_script_pairs_identical_scripts_and_updates_a_single_leftover(scripts, callbacks, managed, unmanaged):
    found = match_by_script(scripts, callbacks)
    assert [callback and callback['id'] for callback in found.managed] == managed
    assert [callback['id'] for callback in found.unmanaged] == unmanaged


GUIDE_TASK = [cb(10, 1, 'A'), cb(11, 1, 'B')]


@pytest.mark.parametrize('scripts, managed, unmanaged', [
    (['A', 'B'], [10, 11], []),
    (['A', 'C'], [10, 11], []),
    (['A'], [10], [11]),
    (['C'], [None], [10, 11]),
    (['C', 'D'], [None, None], [10, 11]),
    (['A', 'A'], [10, 11], []),
    (['A', 'A', 'C'], [10, None, None], [11]),
])
def test_the_user_guides_table_of_the_rule(scripts, managed, unmanaged):
    """The table of 'Which callback is managed' (user guide), row by row; what exclusive mode does with the
    unmanaged callbacks is tested on the server below."""
    found = match_by_script(scripts, GUIDE_TASK)
    assert [callback and callback['id'] for callback in found.managed] == managed
    assert [callback['id'] for callback in found.unmanaged] == unmanaged


def test_callbacks_named_by_id_are_out_of_the_match_and_absent_without_id_takes_the_rest():
    server = {1: [cb(10, 1, 'a'), cb(11, 1, 'b'), cb(12, 1, 'c', 'hook')], 2: [cb(20, 2, 'a'), cb(21, 2, 'z')]}
    items = [item('1', 'a', callback_id=10), item('1', 'x'), item('2', 'a'), item('2', 'b'), item('2', 'c'),
             item('1', 'h', type='hook', state='absent')]
    managed = managed_by_item(items, [1, 1, 2, 2, 2, 1], server)
    assert dict((index, [match['id'] for match in found]) for index, found in managed.items()) == {
        0: [10], 1: [11], 2: [20], 3: [], 4: [], 5: [12]}


def test_an_item_whose_task_was_not_read_manages_nothing():
    failure = NodeumError('unreadable')
    assert managed_by_item([item('1'), item('2')], [failure, 2], {2: failure}) == {}


SOURCE = [item('1', 'a'), item('1', 'b'), item('1', 'c'), item('2', 'keep')]


@pytest.mark.parametrize('exclusive', [False, True])
def test_items_of_one_task_are_matched_by_script_the_rest_created_and_only_exclusive_removes(nodeum, exclusive):
    nodeum.load(callbacks=[cb(10, 1, 'c'), cb(11, 1, 'hand made'), cb(12, 1, 'a'), cb(13, 1, 'other'),
                           cb(20, 2, 'keep')])
    checked = run(nodeum, SOURCE, check_mode=True, exclusive=exclusive)
    assert nodeum.writes() == []
    applied = run(nodeum, SOURCE, exclusive=exclusive)
    created = sorted(set(nodeum.callbacks(1)) - {10, 11, 12, 13})
    removed = [dict(id=11, type='filter', item=None), dict(id=13, type='filter', item=None)] if exclusive else []
    assert applied['drift'] == [dict(task_id=1, created=[dict(id=created[0], type='filter', item=1)], updated=[],
                                     removed=removed)]
    assert checked['drift'] == [dict(task_id=1, created=[dict(id=None, type='filter', item=1)], updated=[],
                                     removed=removed)]
    not_declared = 'not declared (exclusive, listed_tasks)'
    planned = [('remove', 11, None, not_declared), ('remove', 13, None, not_declared)] if exclusive else []
    assert [(change['action'], change['callback_id'], change['item'], change['reason'])
            for change in checked['plan']['changes']] == planned + [('create', None, 1, 'not on the server')]
    assert [entry['changed'] for entry in checked['results']] == [False, True, False, False]
    assert [entry['changed'] for entry in applied['results']] == [False, True, False, False]
    assert [entry['task_callback']['id'] for entry in applied['results']] == [12, created[0], 10, 20]
    held = {10: 'c', 12: 'a', created[0]: 'b'}
    held.update({} if exclusive else {11: 'hand made', 13: 'other'})
    assert nodeum.callbacks(1) == held
    nodeum.control.reset_requests()
    again = run(nodeum, SOURCE, exclusive=exclusive)
    assert not again['changed'] and nodeum.writes() == []


def test_one_item_and_one_callback_left_over_is_an_update_in_check_mode_and_for_real(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'old')])
    items = [item('1', 'a'), item('1', 'new')]
    checked = run(nodeum, items, check_mode=True, exclusive=True)
    assert [(diff['before_header'].endswith(' / filter callback 11'), diff['before'], diff['after'])
            for diff in checked['diff']] == [(True, 'old', 'new')]
    assert [(change['action'], change['callback_id'], change['item'], change['reason'])
            for change in checked['plan']['changes']] == [('update', 11, 1, 'script differs')]
    applied = run(nodeum, items, exclusive=True)
    assert applied['drift'] == checked['drift'] == [
        dict(task_id=1, created=[], updated=[dict(id=11, type='filter', item=1)], removed=[])]
    assert nodeum.writes() == [('PUT', 'tasks/1/task_callbacks/11')] and nodeum.callbacks(1) == {10: 'a', 11: 'new'}


def test_identical_items_are_as_many_callbacks_and_a_second_run_sends_nothing(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 's'), cb(11, 1, 's'), cb(12, 1, 's')])
    applied = run(nodeum, [item('1', 's'), item('1', 's')], exclusive=True)
    assert nodeum.writes() == [('DELETE', 'tasks/1/task_callbacks/12')] and nodeum.callbacks(1) == {10: 's', 11: 's'}
    assert [entry['task_callback']['id'] for entry in applied['results']] == [10, 11]
    nodeum.load()
    run(nodeum, [item('1', 's'), item('1', 's')])
    assert list(nodeum.callbacks(1).values()) == ['s', 's']
    nodeum.control.reset_requests()
    assert not run(nodeum, [item('1', 's'), item('1', 's')])['changed'] and nodeum.writes() == []


def test_the_creates_of_one_task_go_one_after_another_and_a_lost_answer_adopts_no_siblings_callback(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', drop='after', times=1)
    in_flight = gathering(nodeum, 'post', 1)  # a barrier of one: counts the POSTs in flight at once
    result = run(nodeum, [item('1', 's'), item('1', 's'), item('1', 't')])
    ids = [entry['task_callback']['id'] for entry in result['results']]
    assert in_flight[1] == 1 and len(set(ids)) == 3 and not result.get('failed')
    assert nodeum.callbacks(1) == {ids[0]: 's', ids[1]: 's', ids[2]: 't'}


def test_the_race_rule_keeps_as_many_identical_callbacks_as_items_declare(nodeum):
    """Another run applying the same list created its two copies just before our first create: ours are the surplus."""
    nodeum.load()
    other = nodeum.another_run()
    post = nodeum.client.post

    def racing_post(path, body, resume=None):
        if not nodeum.callbacks(1):
            other.post(path, body)
            other.post(path, body)
        return post(path, body, resume)
    nodeum.client.post = racing_post
    result = run(nodeum, [item('1', 's'), item('1', 's'), item('1', 't')])
    theirs = sorted(nodeum.callbacks(1))[:2]
    assert list(nodeum.callbacks(1).values()) == ['s', 's', 't']
    assert [entry['task_callback']['id'] for entry in result['results'][:2]] == theirs
    assert [entry['changed'] for entry in result['results']] == [False, False, True]
    assert len(nodeum.warnings) == 2
    assert nodeum.warnings[0].startswith('Another run created a filter callback on task 1')


# ---- exclusive mode ----------------------------------------------------------------------------

def test_exclusive_removes_what_no_item_declares_on_the_listed_tasks_only(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'keep'), cb(11, 1, 'x', 'hook'), cb(12, 2, 'other'), cb(13, 3, 'z')])
    items = [item('1', 'keep'), item('2', 'other', callback_id=12)]
    checked = run(nodeum, items, check_mode=True, exclusive=True)
    assert nodeum.writes() == []
    assert checked['changed'] and checked['drift'] == [
        dict(task_id=1, created=[], updated=[], removed=[dict(id=11, type='hook', item=None)])]
    assert [diff['before_header'] for diff in checked['diff']] == [
        '%s task 1 "Archive" / hook callback 11 (remove: not declared (exclusive, listed_tasks))'
        % nodeum.client.base_url[: -len('/api/v2')]
    ]
    applied = run(nodeum, items, exclusive=True)
    assert applied['drift'] == checked['drift'] and nodeum.writes() == [('DELETE', 'tasks/1/task_callbacks/11')]
    assert nodeum.callbacks(3) == {13: 'z'}


def test_exclusive_all_tasks_covers_every_task_of_the_server(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'keep'), cb(13, 3, 'z')])
    result = run(nodeum, [item('1', 'keep')], exclusive=True, exclusive_scope='all_tasks')
    assert result['drift'] == [dict(task_id=3, created=[], updated=[], removed=[dict(id=13, type='filter', item=None)])]
    assert nodeum.reads() == ['tasks', 'tasks/1/task_callbacks', 'tasks/2/task_callbacks', 'tasks/3/task_callbacks']


def test_exclusive_leaves_a_task_with_a_failed_item_alone_and_still_cleans_the_others(nodeum):
    callbacks = [cb(10, 1, 'a'), cb(11, 1, 'b'), cb(12, 1, 'c', 'hook'), cb(20, 2, 'keep'), cb(21, 2, 'x', 'hook')]
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=callbacks)
    items = [item('1', 'new', callback_id=99), item('1', 'a', callback_id=10), item('2', 'keep')]
    result = run(nodeum, items, exclusive=True)
    assert result['results'][0]['failed'] and nodeum.writes() == [('DELETE', 'tasks/2/task_callbacks/21')]
    assert result['drift'] == [dict(task_id=2, created=[], updated=[], removed=[dict(id=21, type='hook', item=None)])]


SHARED_NAME_CALLBACKS = [
    cb(10, 1, 's'),
    cb(14, 1, 'y', 'hook'),
    cb(11, 3, 's'),
    cb(15, 3, 'y', 'hook'),
    cb(12, 2, 'keep'),
    cb(13, 2, 'x', 'hook'),
]


@pytest.mark.parametrize('scope, reads', [
    ('listed_tasks', ['tasks?name==Archive', 'tasks?name==Nightly']),  # a few names: one look-up each
    ('all_tasks', ['tasks']),                                           # one listing of every task
])
def test_exclusive_spares_every_task_a_name_of_several_tasks_may_mean(nodeum, scope, reads):
    """'Archive' names tasks 1 and 3: the item fails, and neither task loses a callback, though other items name both
    by id."""
    nodeum.load(callbacks=SHARED_NAME_CALLBACKS)
    items = [item('Archive', 'new'), item('1', 's', callback_id=10),
             item('3', 's', callback_id=11), item('Nightly', 'keep')]
    result = run(nodeum, items, exclusive=True, exclusive_scope=scope)
    assert result['results'][0]['msg'] == ("2 Nodeum tasks are named 'Archive' (ids 1, 3); give the numeric id of the "
                                           "one you mean.")
    assert nodeum.writes() == [('DELETE', 'tasks/2/task_callbacks/13')]
    assert nodeum.callbacks(1) == {10: 's', 14: 'y'} and nodeum.callbacks(3) == {11: 's', 15: 'y'}
    assert [path for path in nodeum.reads() if path.startswith('tasks?') or path == 'tasks'] == reads


def test_exclusive_spares_nothing_more_for_a_name_that_no_task_has(nodeum):
    nodeum.load(callbacks=SHARED_NAME_CALLBACKS)
    result = run(nodeum, [item('Missing', 'new'), item('2', 'keep')], exclusive=True)
    assert result['results'][0]['failed'] and nodeum.writes() == [('DELETE', 'tasks/2/task_callbacks/13')]


def test_exclusive_removes_nothing_when_a_failed_look_up_leaves_the_meant_tasks_unknown(nodeum):
    nodeum.load(callbacks=SHARED_NAME_CALLBACKS)
    nodeum.fault(method='GET', path='^/api/v2/tasks$', status=500)
    result = run(nodeum, [item('Archive', 'new'), item('2', 'changed')], exclusive=True)
    assert nodeum.writes() == [('PUT', 'tasks/2/task_callbacks/12')] and 13 in nodeum.callbacks(2)
    assert (' 1 of 2 items failed, and every other change was made but the removals of exclusive mode, which wait '
            'until the task of '
            "every item is known (a look-up of a task name failed): callbacks[0] (task 'Archive'): The Nodeum API "
            "refused GET ") in result['msg']


def test_exclusive_keeps_the_callback_with_the_items_script_and_removes_the_others(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'new'), cb(12, 1, 'b')])
    result = run(nodeum, [item('1', 'new')], exclusive=True)
    assert result['results'][0] == dict(changed=False,
                                        task_callback=dict(id=11, task_id=1, type='filter', script='new'))
    assert nodeum.writes() == [('DELETE', 'tasks/1/task_callbacks/10'), ('DELETE', 'tasks/1/task_callbacks/12')]
    assert nodeum.callbacks(1) == {11: 'new'}


def test_without_exclusive_an_item_no_callback_matches_is_created_beside_the_others(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'a'), cb(11, 1, 'b')])
    result = run(nodeum, [item('1', 'new')])
    created = result['results'][0]['task_callback']['id']
    assert nodeum.writes() == [('POST', 'tasks/1/task_callbacks')]
    assert nodeum.callbacks(1) == {10: 'a', 11: 'b', created: 'new'}
    assert result['drift'] == [dict(task_id=1, created=[dict(id=created, type='filter', item=0)], updated=[],
                                    removed=[])]


def test_allow_empty_empties_the_server(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'a'), cb(20, 2, 'b')])
    result = run(nodeum, [], exclusive=True, exclusive_scope='all_tasks', allow_empty=True)
    assert result['changed'] and nodeum.writes() == [('DELETE', 'tasks/1/task_callbacks/10'),
                                                     ('DELETE', 'tasks/2/task_callbacks/20')]
    assert nodeum.callbacks() == {}


def test_exclusive_is_off_by_default(nodeum):
    nodeum.load(callbacks=[cb(11, 1, 'x', 'hook')])
    assert not run(nodeum, [item('1', state='absent', script=None)])['changed']
    assert nodeum.writes() == []


def test_a_failed_removal_is_counted(nodeum):
    nodeum.load(callbacks=[cb(11, 1, 'x', 'hook')])
    nodeum.refuse('DELETE', 'tasks/1/task_callbacks/11', 'Frozen.')
    result = run(nodeum, [item('1', 'new')], exclusive=True)
    assert result['results'][0]['changed'] and result['failed']
    assert '1 of 1 removals by exclusive mode failed, and every other change was made: ' \
           'removing task 1 "Archive" / hook callback 11: The Nodeum API refused DELETE ' in result['msg']


def test_failed_items_and_failed_removals_are_counted_in_one_sentence(nodeum):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=[cb(10, 1, 'old'), cb(21, 2, 'x', 'hook')])
    nodeum.refuse('PUT', 'tasks/1/task_callbacks/10', 'Script is invalid.')
    nodeum.refuse('DELETE', 'tasks/2/task_callbacks/21', 'Frozen.')
    result = run(nodeum, [item('1', 'new'), item('2', 'fresh')], exclusive=True)
    failure = result['results'][0]['msg']
    assert failure.startswith('The Nodeum API refused PUT ') and failure.endswith('Script is invalid.')
    assert ("1 of 2 items and 1 of 1 removals by exclusive mode failed, and every other change was made: "
            "callbacks[0] (task '1'): " + failure + ' removing task 2 "Nightly" / hook callback 21: The Nodeum API '
                                                    'refused DELETE ') in result['msg']
    created = list(nodeum.callbacks(2))
    assert created != [21] and len(created) == 2
    api_error = dict(status=422, method='PUT', path='tasks/1/task_callbacks/10',
                     messages=['Script is invalid.'], details={})
    assert result['results'] == [
        dict(changed=False, task_callback=None, failed=True, msg=failure, api_error=api_error),
        dict(changed=True, task_callback=dict(id=max(created), task_id=2, type='filter', script='fresh')),
    ]
    assert result['drift'] == [
        dict(task_id=2, created=[dict(id=max(created), type='filter', item=1)], updated=[], removed=[])]


def test_writes_run_concurrently_and_bounded(nodeum):
    """The writes overlap, as many in flight as the session has connections, never more."""
    count = task_callbacks.MAX_CONCURRENT_REQUESTS * 3
    nodeum.load(tasks=dict((task_id, 't') for task_id in range(1, count + 1)))
    in_flight = gathering(nodeum, 'post', task_callbacks.MAX_CONCURRENT_REQUESTS)
    result = run(nodeum, [item(str(task_id)) for task_id in range(1, count + 1)])
    assert in_flight[1] == task_callbacks.MAX_CONCURRENT_REQUESTS and not result.get(
        'failed') and len(nodeum.callbacks()) == count


# ---- the plan: summary, changes, fingerprint, the gate and the stale-plan guard ----------------------

def test_a_check_run_and_the_real_run_give_the_same_plan(nodeum):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly', 3: 'Archive'}, callbacks=[
                cb(10, 1, 'old'), cb(12, 2, 'gone'), cb(13, 3, 'x', 'hook')])
    items = [item('3', 'fresh'), item('1', 'new'), item('Nightly', state='absent', script=None)]
    checked = run(nodeum, items, check_mode=True, exclusive=True)
    applied = run(nodeum, items, exclusive=True)
    assert checked['plan']['summary'] == dict(created=1, updated=1, removed=2, unchanged=0, failed=0, line=(
        'Plan for %s: 1 to create, 1 to update, 2 to remove, 0 unchanged, 0 failed (check mode: nothing was sent).'
        % nodeum.client.base_url[:-len('/api/v2')]))
    assert [
        (entry['action'], entry['task_id'], entry['task_name'], entry['callback_id'], entry['item'], entry['reason'])
        for entry in checked['plan']['changes']
    ] == [
        ('update', 1, 'Archive', 10, 1, 'script differs'),
        ('remove', 2, 'Nightly', 12, 2, 'state absent'),
        ('create', 3, 'Archive', None, 0, 'not on the server'),
        ('remove', 3, 'Archive', 13, None, 'not declared (exclusive, listed_tasks)'),
    ]
    created = list(nodeum.callbacks(3))
    assert [entry['callback_id'] for entry in applied['plan']['changes']] == [10, 12] + created + [13]
    assert [dict(entry, callback_id=None) for entry in applied['plan']['changes']] == \
        [dict(entry, callback_id=None, address=entry['address'].replace('(new)', str(created[0])))
         for entry in checked['plan']['changes']]
    assert applied['plan']['summary']['line'].startswith(
        'Applied to ') and applied['plan']['fingerprint'] == checked['plan']['fingerprint']
    assert applied['plan']['server'] == nodeum.client.base_url


def test_the_fingerprint_holds_while_the_server_does_not_change(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'old')])
    first, second = (run(nodeum, [item('1', 'new'), item('Nightly')], check_mode=True)
                     ['plan']['fingerprint'] for _attempt in range(2))
    nodeum.load(callbacks=[cb(10, 1, 'old\r\n')])
    assert first == second != run(nodeum, [item('1', 'new'), item('Nightly')], check_mode=True)['plan']['fingerprint']


def test_a_stale_fingerprint_is_refused_before_any_write(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'old')])
    approved = run(nodeum, [item('1', 'new')], check_mode=True)['plan']['fingerprint']
    nodeum.client.put('tasks/1/task_callbacks/10', dict(type='filter', script='by hand'))
    nodeum.control.reset_requests()
    result = run(nodeum, [item('1', 'new')], expect_fingerprint=approved)
    assert nodeum.writes() == [] and nodeum.callbacks(1) == {10: 'by hand'}
    assert result['failed'] and not result['changed'] and result['results'][0]['changed'] is False
    assert result['msg'].endswith('(the server changed since the plan was made: nothing was sent). The server changed '
                                  'since the plan was made: '
                                  'its callbacks now give the fingerprint %s, not %s as expected; nothing was sent. '
                                  'Run the check again and '
                                  'review it.' % (result['plan']['fingerprint'], approved))


def test_an_approved_fingerprint_lets_the_run_apply_its_plan(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'old')])
    approved = run(nodeum, [item('1', 'new')], check_mode=True)['plan']['fingerprint']
    result = run(nodeum, [item('1', 'new')], expect_fingerprint=approved)
    assert not result.get('failed') and result['changed'] and nodeum.callbacks(1) == {10: 'new'}


def test_a_fingerprint_no_plan_gives_is_refused_before_any_request(nodeum):
    with pytest.raises(NodeumError, match=r'^expect_fingerprint must be the plan.fingerprint of a check run, sha256: '
                                          r'and 64 hexadecimal '
                                          r'digits, got "abc"; nothing was sent\.'):
        run(nodeum, [item('1')], expect_fingerprint='abc')
    assert nodeum.requests() == []


@pytest.mark.parametrize('check_mode', [False, True])
def test_fail_on_change_fails_on_drift_without_a_write_and_names_every_change(nodeum, check_mode):
    nodeum.load(callbacks=[cb(10, 1, 'old')])
    result = run(nodeum, [item('1', 'new'), item('Nightly', 'n')], check_mode=check_mode, fail_on_change=True)
    assert result['failed'] and result['changed'] is check_mode and nodeum.writes() == []
    ending = 'check mode' if check_mode else 'fail_on_change'
    assert result['msg'] == (
        'Plan for %s: 1 to create, 1 to update, 0 to remove, 0 unchanged, 0 failed (%s: nothing was sent). '
        'fail_on_change is set and the '
        'server differs from the list in 2 changes: update task 1 "Archive" / filter callback 10 (script differs); '
        'create task 2 "Nightly" '
        '/ filter callback (new) (not on the server); apply the plan, or change the list to match the server.'
        % (nodeum.client.base_url[:-len('/api/v2')], ending))
    assert [entry['action'] for entry in result['plan']['changes']] == ['update', 'create']


def test_fail_on_change_passes_when_the_server_matches(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'same')])
    result = run(nodeum, [item('1', 'same')], fail_on_change=True)
    assert not result.get('failed') and not result['changed'] and result['plan']['summary']['unchanged'] == 1


def test_a_check_run_with_failed_items_still_plans_the_others(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'old')])
    result = run(nodeum, [item('No such task'), item('1', 'new'), item('9'), item('Nightly')], check_mode=True)
    assert result['failed'] and [entry['address'] for entry in result['plan']['changes']] == [
        'task 1 "Archive" / filter callback 10', 'task 2 "Nightly" / filter callback (new)']
    assert result['plan']['summary']['failed'] == 2
    assert (
        "callbacks[0] (task 'No such task'): No Nodeum task" in result['msg']
        and ("callbacks[2] (task '9'): " "Nodeum task 9 does") in result['msg']
    )


def test_tasks_whose_names_cannot_be_read_are_named_by_id_with_a_warning(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'old')])
    nodeum.refuse('GET', 'tasks', 'Forbidden here.')
    result = run(nodeum, [item('1', 'new')], check_mode=True)
    assert not result.get('failed') and result['plan']['changes'][0]['task_name'] is None
    assert result['plan']['changes'][0]['address'] == 'task 1 / filter callback 10'
    assert nodeum.warnings == ['The plan names tasks 1 by id only, since their names could not be read: '
                               'The Nodeum API refused GET %s/tasks (422): Forbidden here.' % nodeum.client.base_url]


def test_a_run_without_change_looks_no_name_up(nodeum):
    nodeum.load(callbacks=[cb(10, 1, 'same')])
    run(nodeum, [item('1', 'same')])
    assert nodeum.reads() == ['tasks/1/task_callbacks']


def test_names_are_looked_up_a_bounded_number_of_ids_at_a_time(nodeum, monkeypatch):
    monkeypatch.setattr(tasks, 'NAMES_PER_REQUEST', 3)
    nodeum.load(tasks=dict((task_id, 'task %d' % task_id) for task_id in range(1, 8)))
    result = run(nodeum, [item(str(task_id)) for task_id in range(1, 8)], check_mode=True)
    lookups = sorted(query['id'] for method, path, query in nodeum.requests() if path == 'tasks')
    assert lookups == ['><1|2|3', '><4|5|6', '><7']
    assert [entry['task_name'] for entry in result['plan']['changes']] == [
        'task %d' % task_id for task_id in range(1, 8)]


# ---- task_name: an id whose task must have that name on this server ------------------------------

def test_an_id_whose_task_has_its_task_name_is_applied(nodeum):
    nodeum.load(callbacks=[cb(10, 3, 'old')])
    result = run(nodeum, [item('3', task_name='Archive')])
    assert result['changed'] and nodeum.callbacks(3) == {10: 'new'}


@pytest.mark.parametrize('check_mode', [False, True])
def test_an_id_whose_task_has_another_name_fails_before_any_write_and_exclusive_spares_both_tasks(nodeum, check_mode):
    nodeum.load(tasks={1: 'Restore requests', 2: 'Archive projects', 3: 'Other', 4: 'Archive projects'},
                callbacks=[cb(10, 1, 'r'), cb(20, 2, 'a'), cb(30, 3, 'o'), cb(40, 4, 'b')])
    result = run(nodeum, [item('1', 'x', task_name='Archive projects'), item('Other', 'o2')], check_mode,
                 exclusive=True, exclusive_scope='all_tasks')
    failed = result['results'][0]
    assert failed['failed'] and failed['msg'] == (
        "task 1 on %s is 'Restore requests', the export expected 'Archive projects' (task_name); edit callbacks.yml "
        "to name the task on this server, by its id (task_info lists the tasks) or by a name that finds only it."
        % nodeum.control.url)
    assert [(change['action'], change['task_id']) for change in result['plan']['changes']] == [('update', 3)]
    assert nodeum.callbacks() == {10: 'r', 20: 'a', 30: 'o' if check_mode else 'o2', 40: 'b'}
    methods = [method for method, _path, _query in nodeum.requests()]
    assert methods == ['GET'] * (len(methods) - (0 if check_mode else 1)) + ([] if check_mode else ['PUT'])


def test_an_id_with_task_name_that_this_server_lacks_fails_and_spares_the_tasks_of_that_name(nodeum):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly'}, callbacks=[cb(10, 1, 'a'), cb(20, 2, 'n')])
    result = run(nodeum, [item('9', task_name='Archive'), item('Nightly', 'n')], exclusive=True)
    assert result['results'][0]['msg'].startswith('Nodeum task 9 does not exist')
    assert nodeum.callbacks() == {10: 'a', 20: 'n'} and nodeum.writes() == []


def test_task_name_is_an_item_key_refused_beside_a_task_name_before_any_request(nodeum):
    nodeum.load()
    with pytest.raises(NodeumError, match=r"^callbacks\[0\] \(task 'Nightly'\): task_name is the name that the task "):
        run(nodeum, [item('Nightly', task_name='Nightly')])
    assert nodeum.requests() == []
