# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task callback resource: the pure decision, and how it is applied.

The decision (plan_change, plan_diff, desired_state) is tested without HTTP; applying it runs
against the emulator through the real client (the `nodeum` fixture), or, where no server can
answer as the test needs, against `client_mock` (NodeumClient's interface, no behaviour).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run import RunContext
from ansible_collections.nodeum.data_archiving.tests.unit.plugins.module_utils.fake_transport import (
    ANSWER_LOST,
    FAILURES,
    NOTHING_SENT,
    SHORT,
    URL,
    expected_sentence,
    http_answer,
    refused,
    reset_before_answer,
    transport_client,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (
    Plan, desired_state, ensure_task_callback, plan_change, plan_diff,
)


def quiet_context(check_mode=False):
    """A RunContext for logic over client_mock, which never retries: no test here reads its warnings or waits."""
    return RunContext(check_mode, [].append, [].append)


def callback(callback_id, script='s', callback_type='filter'):
    return {'id': callback_id, 'type': callback_type, 'script': script}


def desired(**overrides):
    params = dict(task='3', callback_id=None, type='filter', script='new', state='present')
    params.update(overrides)
    return desired_state(params)


# ---- the pure decision -------------------------------------------------------------------

def test_nothing_there_present_creates():
    assert plan_change(desired(), [], 3) == Plan('create', [], {'id': None, 'type': 'filter', 'script': 'new'})


def test_nothing_there_absent_does_nothing():
    assert plan_change(desired(state='absent', script=None), [], 3) == Plan('none', [], None)


def test_one_with_the_same_script_does_nothing():
    assert plan_change(desired(script='same'), [callback(5, 'same')], 3).action == 'none'


def test_one_with_another_script_is_updated():
    plan = plan_change(desired(), [callback(5, 'old')], 3)
    assert plan == Plan('update', [callback(5, 'old')], callback(5, 'new'))


def test_scripts_compare_byte_for_byte():
    assert plan_change(desired(script='a\r\n'), [callback(5, 'a\n')], 3).action == 'update'
    assert plan_change(desired(script='a '), [callback(5, 'a')], 3).action == 'update'


def test_one_absent_is_deleted():
    assert plan_change(desired(state='absent'), [callback(5)], 3) == Plan('delete', [callback(5)], None)


def test_several_absent_deletes_all():
    assert plan_change(desired(state='absent'), [callback(5), callback(6)], 3).before == [callback(5), callback(6)]


def test_unknown_callback_id_absent_does_nothing():
    assert plan_change(desired(callback_id=42, state='absent'), [], 3).action == 'none'


@pytest.mark.parametrize('params, message', [
    (dict(script=''), '^script is empty or only white space'),
    (dict(script=' \t\n'), '^script is empty or only white space'),
    (dict(task=''), '^task is empty'),
    (dict(task='   '), '^task is empty'),
    (dict(callback_id=0), '^callback_id must be a positive number'),
    (dict(script=['a']), '^script must be text, got a list'),
    (dict(script=5), '^script must be text, got a number'),
    (dict(script=1.5), '^script must be text, got a number'),
    (dict(script=True), '^script must be text, got a boolean'),
    (dict(script=b'x'), '^script must be text, got a value of type bytes'),
])
def test_bad_input_is_refused_before_any_request_by_kind(params, message):
    with pytest.raises(NodeumError, match=message):
        desired(**params)


@pytest.mark.parametrize('params, message', [
    (dict(script={'a': 1}), 'script must be text, got a dictionary; quote it, or keep the script in a file and give '
                            'script_file.'),
    (dict(script=' '), "script is empty or only white space, which the Nodeum API refuses; give the filter's source."),
    (dict(script=None), "script is required with state present; give the filter's source, or the file that holds it as "
                        "script_file."),
    (dict(script_file='f.js'), 'script_file reached the module unread, which happens only when the module runs without '
                               'its action plugin; '
                               'give script, or run the module by its name nodeum.data_archiving.task_callback.'),
    (dict(syntax='javascript'), 'syntax reached the module unchecked, which happens only when the module runs without '
                                'its action '
                                'plugin (the check runs on the controller); run the module by its name '
                                'nodeum.data_archiving.task_callback, or leave syntax out.'),
    (dict(validate='node --check %s'), 'validate reached the module unchecked, which happens only when the module runs '
                                       'without its '
                                       'action plugin (the check runs on the controller); run the module by its name '
                                       'nodeum.data_archiving.task_callback, or leave validate out.'),
    (dict(callback_id=-3), 'callback_id must be a positive number from the server, got -3.'),
    (dict(type='hook'), "type must be one of filter, got 'hook'."),
])
def test_bad_input_is_refused_in_one_exact_sentence(params, message):
    with pytest.raises(NodeumError) as caught:
        desired(**params)
    assert caught.value.message == message


def test_the_lowest_callback_id_and_the_default_state_are_taken():
    assert desired(callback_id=1)['callback_id'] == 1
    assert desired(state=None)['state'] == 'present'
    assert desired(type=None)['type'] == 'filter'
    with pytest.raises(NodeumError, match='^script is required'):
        desired(state=None, script=None)  # the default state is present: it needs a script


def test_the_decision_failures_are_exact_sentences():
    with pytest.raises(NodeumError) as caught:
        plan_change(desired(callback_id=42), [], 3)
    assert caught.value.message == ("Nodeum task 3 has no callback 42; the module never creates a callback with a "
                                    "chosen id: check callback_id, "
                                    "or leave it out to manage the task's filter callback.")


def test_absent_needs_no_script():
    assert desired(state='absent', script=None)['script'] is None


def test_diff_of_an_update_is_headed_with_task_and_callback():
    diff = plan_diff(Plan('update', [callback(12, 'old')], callback(12, 'new')), 3)
    assert diff == [dict(before='old', after='new', before_header='task 3 / filter callback 12',
                         after_header='task 3 / filter callback 12')]


def test_diff_of_a_create_and_a_delete_is_against_empty():
    assert plan_diff(Plan('create', [], callback(None, 'new')), 3)[0]['before'] == ''
    assert plan_diff(Plan('create', [], callback(None, 'new')), 3)[
        0]['after_header'] == 'task 3 / filter callback (new)'
    assert [entry['after'] for entry in plan_diff(Plan('delete', [callback(5), callback(6)], None), 3)] == ['', '']


def test_diff_of_a_delete_has_one_entry_per_callback_under_its_own_header():
    diff = plan_diff(Plan('delete', [callback(5, 'five'), callback(6, 'six'), callback(9, 'nine')], None), 3)
    assert diff == [
        dict(
            before=script,
            after='',
            before_header='task 3 / filter callback %d' % number,
            after_header='task 3 / filter callback %d' % number,
        )
        for number, script in ((5, 'five'), (6, 'six'), (9, 'nine'))
    ]


def test_diff_of_no_change_shows_the_script_and_of_nothing_there_is_empty():
    assert plan_diff(Plan('none', [callback(5, 'same')], callback(5, 'same')), 3) == [dict(before='same', after='same')]
    assert plan_diff(Plan('none', [], None), 3) == []


# ---- applying the decision, against the emulator ------------------------------------------

def params(**overrides):
    values = dict(task='3', callback_id=None, type='filter', script='new', state='present')
    values.update(overrides)
    return values


def on_task_3(*callbacks):
    return [dict(item, task_id=3) for item in callbacks]


def test_create_then_nothing_to_do(nodeum):
    nodeum.load()
    first = ensure_task_callback(nodeum.client, params(), nodeum.context())
    second = ensure_task_callback(nodeum.client, params(), nodeum.context())
    created = nodeum.callbacks(3)
    assert first['changed'] and not second['changed'] and list(created.values()) == ['new']
    assert first == dict(
        changed=True,
        task_callback={'id': list(created)[0], 'task_id': 3, 'type': 'filter', 'script': 'new'},
        diff=[
            dict(
                before='',
                after='new',
                before_header='task 3 / filter callback (new)',
                after_header='task 3 / filter callback (new)',
            )
        ],
    )
    assert second['task_callback'] == first['task_callback']
    # the read filters on the type; the create reads again once (the race rule); the second run reads once
    assert nodeum.requests() == [
        ('GET', 'tasks/3/task_callbacks', {'type': '=filter'}),
        ('POST', 'tasks/3/task_callbacks', {}),
        ('GET', 'tasks/3/task_callbacks', {'type': '=filter'}),
        ('GET', 'tasks/3/task_callbacks', {'type': '=filter'}),
    ]


def test_update_puts_type_and_script_on_the_callback_and_diffs_old_against_new(nodeum):
    nodeum.load(callbacks=on_task_3(callback(7, 'old')))
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    assert nodeum.writes() == [('PUT', 'tasks/3/task_callbacks/7')] and nodeum.callbacks(3) == {7: 'new'}
    assert result == dict(changed=True, task_callback={'id': 7, 'task_id': 3, 'type': 'filter', 'script': 'new'},
                          diff=[dict(before='old', after='new', before_header='task 3 / filter callback 7',
                                     after_header='task 3 / filter callback 7')])


def test_update_by_callback_id_looks_up_that_id_only(nodeum):
    nodeum.load(callbacks=on_task_3(callback(7, 'old'), callback(8, 'other')))
    result = ensure_task_callback(nodeum.client, params(callback_id=8), nodeum.context())
    assert nodeum.requests()[0] == ('GET', 'tasks/3/task_callbacks', {'id': '=8'})
    assert nodeum.writes() == [('PUT', 'tasks/3/task_callbacks/8')]
    assert result['task_callback']['id'] == 8 and nodeum.callbacks(3) == {7: 'old', 8: 'new'}


def test_an_update_by_callback_id_sets_the_type_as_well(nodeum):
    nodeum.load(callbacks=on_task_3(callback(7, 'old', 'hook')))
    result = ensure_task_callback(nodeum.client, params(callback_id=7), nodeum.context())
    assert result['task_callback'] == {'id': 7, 'task_id': 3, 'type': 'filter', 'script': 'new'}
    assert nodeum.control.state()['task_callbacks'] == [dict(id=7, task_id=3, type='filter', script='new')]


def test_absent_deletes_every_callback_of_the_type_and_tolerates_one_already_gone(nodeum):
    nodeum.load(callbacks=on_task_3(callback(7, 'a'), callback(8, 'b'), callback(9, 'x', 'hook')))
    # removed, answer lost: the retry finds it gone (404)
    nodeum.fault(method='DELETE', path='/task_callbacks/8$', drop='after')
    result = ensure_task_callback(nodeum.client, params(state='absent', script=None), nodeum.context())
    assert result == dict(
        changed=True,
        task_callback=None,
        diff=[
            dict(
                before='a',
                after='',
                before_header='task 3 / filter callback 7',
                after_header='task 3 / filter callback 7',
            ),
            dict(
                before='b',
                after='',
                before_header='task 3 / filter callback 8',
                after_header='task 3 / filter callback 8',
            ),
        ],
    )
    assert nodeum.callbacks(3) == {9: 'x'}
    assert nodeum.writes() == [
        ('DELETE', 'tasks/3/task_callbacks/7'),
        ('DELETE', 'tasks/3/task_callbacks/8'),
        ('DELETE', 'tasks/3/task_callbacks/8'),
    ]


@pytest.mark.parametrize(
    'overrides, existing',
    [(dict(), []), (dict(), [callback(7, 'old')]), (dict(state='absent', script=None), [callback(7, 'old')])],
)
def test_check_mode_reports_the_change_and_writes_nothing(nodeum, overrides, existing):
    nodeum.load(callbacks=on_task_3(*existing))
    result = ensure_task_callback(nodeum.client, params(**overrides), nodeum.context(check_mode=True))
    assert result['changed'] is True and nodeum.writes() == [] and nodeum.callbacks(
        3) == dict((item['id'], 'old') for item in existing)
    assert result['task_callback'] == (
        None if overrides else {'id': 7 if existing else None, 'task_id': 3, 'type': 'filter', 'script': 'new'})


def test_nothing_to_do_returns_the_callback_and_an_unchanged_diff(nodeum):
    nodeum.load(callbacks=on_task_3(callback(7, 'same')))
    result = ensure_task_callback(nodeum.client, params(script='same'), nodeum.context())
    assert result == dict(changed=False, task_callback={'id': 7, 'task_id': 3, 'type': 'filter', 'script': 'same'},
                          diff=[dict(before='same', after='same')])
    assert nodeum.writes() == []


def test_a_task_by_name_is_resolved_and_a_shared_name_or_a_missing_task_fails(nodeum):
    nodeum.load(tasks={3: 'Archive', 4: 'Backup', 5: 'Backup'})
    assert ensure_task_callback(nodeum.client, params(task='Archive'), nodeum.context())[
        'task_callback']['task_id'] == 3
    assert nodeum.requests()[0] == ('GET', 'tasks', {'name': '=Archive'})
    with pytest.raises(NodeumError, match='^2 Nodeum tasks are named'):
        ensure_task_callback(nodeum.client, params(task='Backup'), nodeum.context())
    with pytest.raises(NodeumError, match='^Nodeum task 9 does not exist'):
        ensure_task_callback(nodeum.client, params(task='9'), nodeum.context())
    with pytest.raises(NodeumError, match='^Nodeum task 3 has no callback 42'):  # the resolved id, not the name
        ensure_task_callback(nodeum.client, params(task='Archive', callback_id=42), nodeum.context())
    assert nodeum.writes() == [('POST', 'tasks/3/task_callbacks')]


def test_an_update_of_a_callback_removed_meanwhile_says_so(nodeum):
    nodeum.load(callbacks=on_task_3(callback(7, 'old')))
    nodeum.fault(method='PUT', status=404, body='{"messages": ["Not found."]}', content_type='application/json')
    with pytest.raises(NodeumError) as caught:
        ensure_task_callback(nodeum.client, params(), nodeum.context())
    assert caught.value.message == ('Nodeum callback 7 of task 3 was removed while this run was updating it; run the '
                                    'task again.')
    assert type(caught.value) is NodeumError  # pylint: disable=unidiomatic-typecheck


# ---- lost answers and concurrent runs ---------------------------------------------------------

def test_a_lost_post_answer_adopts_the_created_callback_without_a_duplicate(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', drop='after')
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    assert result['changed'] and nodeum.callbacks(3) == {result['task_callback']['id']: 'new'}
    assert nodeum.writes() == [('POST', 'tasks/3/task_callbacks')]


def test_a_lost_post_that_did_not_land_is_not_confused_with_another_runs_callback(nodeum):
    nodeum.load()
    nodeum.fault(method='POST', drop='before')
    other = nodeum.another_run()
    nodeum.on_wait = lambda seconds: nodeum.callbacks(3) or other.post(
        'tasks/3/task_callbacks', dict(type='filter', script='theirs'))
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    theirs = min(nodeum.callbacks())
    # theirs has another script, so it is not taken for ours: ours was sent again, and both stay
    assert nodeum.callbacks(3) == {theirs: 'theirs', result['task_callback']['id']: 'new'} and result['changed'] is True
    assert [method for method, _path in nodeum.writes()] == ['POST', 'POST', 'POST']  # ours lost, theirs, ours again


def racing(nodeum, script='new', remove_ours=False):
    """Make the client's next POST lose a race: another run creates its callback just before, and may remove our
    duplicate."""
    other = nodeum.another_run()
    post = nodeum.client.post

    def post_racing_another_run(path, body, resume=None):
        other.post(path, dict(body, script=script))
        ours = post(path, body, resume)
        if remove_ours:
            other.delete(path + '/%d' % ours['id'])
        return ours
    nodeum.client.post = post_racing_another_run


@pytest.mark.parametrize('remove_ours', [False, True])
def test_a_create_race_keeps_the_lowest_id_and_removes_our_duplicate(nodeum, remove_ours):
    nodeum.load()
    racing(nodeum, remove_ours=remove_ours)
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    theirs = min(nodeum.callbacks(3))
    assert result['changed'] is False and result['task_callback']['id'] == theirs and nodeum.callbacks(3) == {
        theirs: 'new'}
    ours = [path for method, path, _query in nodeum.requests() if method == 'DELETE'][0].split('/')[-1]
    assert nodeum.warnings == ['Another run created a filter callback on task 3 at the same time (id %s); this run '
                               'removed its own '
                               'duplicate (id %s).' % (theirs, ours)]


def test_a_create_racing_another_script_keeps_both(nodeum):
    """Another run created a callback with another script: a callback of its own, not a duplicate of ours."""
    nodeum.load()
    racing(nodeum, script='theirs')
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    theirs = min(nodeum.callbacks(3))
    assert nodeum.callbacks(3) == {theirs: 'theirs', result['task_callback']['id']: 'new'}
    assert result['changed'] is True and nodeum.warnings == []


# ---- several callbacks of the type: the rule of items without callback_id -----------------------

def test_of_several_callbacks_the_one_with_the_same_script_is_the_items_and_nothing_is_sent(nodeum):
    nodeum.load(callbacks=on_task_3(callback(5, 'a'), callback(6, 'x'), callback(7, 'x')))
    result = ensure_task_callback(nodeum.client, params(script='x'), nodeum.context())
    assert result['changed'] is False and result['task_callback']['id'] == 6 and nodeum.writes() == []


def test_of_several_callbacks_none_with_the_script_a_new_one_is_created_and_the_others_kept(nodeum):
    nodeum.load(callbacks=on_task_3(callback(5, 'a'), callback(6, 'b')))
    checked = ensure_task_callback(nodeum.client, params(), nodeum.context(check_mode=True))
    assert checked['changed'] is True and checked['task_callback']['id'] is None and nodeum.writes() == []
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    assert nodeum.callbacks(3) == {5: 'a', 6: 'b', result['task_callback']['id']: 'new'}
    assert nodeum.writes() == [('POST', 'tasks/3/task_callbacks')] and nodeum.warnings == []


# ---- the create protocol over failures no server here sends: the fake transport -------------------

CREATE_PATH = 'tasks/1/task_callbacks'


def listing(*callbacks):
    """The answer to a read of task 1's callbacks."""
    return http_answer(body=json.dumps(dict(count=len(callbacks), task_callbacks=list(callbacks))).encode())


def create_on_task_1(script):
    """ensure_task_callback creating task 1's filter callback 'new' over a transport that answers from script:
    (the call to make, the pool, the waits, the warnings)."""
    fake = transport_client([listing()] + script)
    return (
        (lambda: ensure_task_callback(fake.client, params(task='1'), fake.context)),
        fake.pool,
        fake.sleeps,
        fake.warnings,
    )


@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_a_lost_create_the_check_finds_is_adopted_with_one_warning(kind):
    ours = callback(9, 'new')
    create, pool, sleeps, warnings = create_on_task_1([FAILURES[kind][0](), listing(ours), listing(ours)])
    result = create()
    assert result['changed'] is True and result['task_callback']['id'] == 9
    assert [method for method, _url in pool.calls] == ['GET', 'POST', 'GET', 'GET']
    # A create that got no answer in time may still be running on the server: it is given as long again before the
    # check.
    assert sleeps == ([0.5 + 3] if kind == 'read timeout' else [0.5])
    assert warnings == [expected_sentence(
        kind, 'POST') + '; the server had created it all the same, so it was not sent again.']


@pytest.mark.parametrize('kind', ANSWER_LOST)
def test_a_lost_create_is_sent_again_only_after_the_check_found_nothing(kind):
    ours = callback(9, 'new')
    create, pool, sleeps, warnings = create_on_task_1([FAILURES[kind][0](), listing(callback(4, 'theirs', 'hook')),
                                                       http_answer(201, json.dumps(ours).encode()), listing(ours)])
    assert create()['task_callback']['id'] == 9
    assert [method for method, _url in pool.calls] == ['GET', 'POST', 'GET', 'POST', 'GET']
    # the wait comes before the check, not between check and resend
    assert sleeps == ([3.5] if kind == 'read timeout' else [0.5])
    assert warnings == ['Retried POST %s after %s (attempt 2 of 4, waited %s s).'
                        % (URL + CREATE_PATH, SHORT[kind], '3.5' if kind == 'read timeout' else '0.5')]


def test_a_lost_create_whose_check_fails_says_the_callback_may_exist():
    refusal = http_answer(422, b'{"messages": ["Busy"]}', headers={'Content-Type': 'application/json'})
    create, pool, _sleeps, _warnings = create_on_task_1([FAILURES['read timeout'][0](), refusal])
    with pytest.raises(NodeumError) as caught:
        create()
    assert caught.value.message == (expected_sentence('read timeout', 'POST') + ', and the check whether the server '
                                                                                'had created the '
                                    'callback failed as well; the callback may exist: run the task again, it finds and '
                                    'keeps the one created.')
    assert (caught.value.method, caught.value.path, caught.value.status) == ('POST', CREATE_PATH, None)
    assert [method for method, _url in pool.calls] == ['GET', 'POST', 'GET']


@pytest.mark.parametrize('kind', FAILURES)
def test_a_create_that_fails_every_attempt_says_whether_the_callback_may_exist(kind):
    script = [step for _attempt in range(4) for step in [FAILURES[kind][0]()] +
              ([] if kind in NOTHING_SENT else [listing()])]
    create, pool, _sleeps, _warnings = create_on_task_1(script)
    with pytest.raises(NodeumError) as caught:
        create()
    assert [method for method, _url in pool.calls].count('POST') == 4 and not pool.script
    assert caught.value.message.startswith(expected_sentence(kind, 'POST') + ' (4 attempts in ')
    if kind in NOTHING_SENT:
        assert caught.value.message.endswith('; nothing reached the server, so no callback was created; check url, the '
                                             'network and that '
                                             'the server is up.')
    else:
        assert caught.value.message.endswith(
            '; the callback may have been created: run the task again, it finds and keeps the one created.')


def test_a_create_that_may_have_reached_the_server_once_never_claims_nothing_was_created():
    create, _pool, sleeps, _warnings = create_on_task_1(
        [reset_before_answer(), listing(), refused(), refused(), refused()])
    with pytest.raises(NodeumError) as caught:
        create()
    assert caught.value.message == (expected_sentence('refused', 'POST') + ' (4 attempts in 3.5 s); the callback may '
                                                                           'have been '
                                    'created: run the task again, it finds and keeps the one created.')
    assert sleeps == [0.5, 1.0, 2.0]


def test_a_create_past_the_deadline_still_checks_whether_it_took_effect():
    ours = callback(4, 'new')
    fake = transport_client([listing(), FAILURES['read timeout'][0](), listing(ours),
                            listing(ours)], timeout=40, seconds_per_attempt=40)
    assert ensure_task_callback(fake.client, params(task='1'), fake.context)['task_callback']['id'] == 4
    assert [method for method, _url in fake.pool.calls].count('POST') == 1


# ---- answers no server here gives: a client mock ----------------------------------------------

def test_a_server_that_ignores_filters_is_filtered_again(client_mock):
    client_mock.paginate.return_value = ([callback(7, 'old'), callback(8, 'x', 'other')], 2)
    assert ensure_task_callback(client_mock, params(callback_id=7, script='old'), quiet_context())['changed'] is False
    assert ensure_task_callback(client_mock, params(script='old'), quiet_context())['changed'] is False
    assert not client_mock.post.called and not client_mock.put.called and not client_mock.delete.called


@pytest.mark.parametrize('answer, changed, script', [(None, True, 'new'), (callback(7, 'old'), False, 'old')])
def test_changed_follows_what_the_update_answered(client_mock, answer, changed, script):
    """A 204 (None) reports what was sent; an answer that kept the old script is no change."""
    client_mock.paginate.return_value = ([callback(7, 'old')], 1)
    client_mock.put.return_value = answer
    result = ensure_task_callback(client_mock, params(), quiet_context())
    assert result['changed'] is changed and result['task_callback'] == {
        'id': 7, 'task_id': 3, 'type': 'filter', 'script': script}


def test_a_create_the_reread_does_not_show_yet_is_kept(client_mock):
    client_mock.paginate.return_value = ([], 0)
    client_mock.post.return_value = dict(callback(555, 'new'))
    result = ensure_task_callback(client_mock, params(), quiet_context())
    assert result['changed'] is True and result['task_callback'] == {
        'id': 555, 'task_id': 3, 'type': 'filter', 'script': 'new'}
    assert not client_mock.delete.called and client_mock.paginate.call_count == 2


# ---- task_name: the name the task given by id must have ---------------------------------------

def test_a_task_given_by_id_with_its_name_is_managed(nodeum):
    nodeum.load(callbacks=on_task_3(dict(id=7, type='filter', script='old')))
    result = ensure_task_callback(nodeum.client, params(task_name='Archive'), nodeum.context())
    assert result['changed'] and nodeum.callbacks(3) == {7: 'new'}


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_task_of_another_name_fails_naming_both_and_nothing_is_written(nodeum, check_mode):
    held = on_task_3(dict(id=7, type='filter', script='old'))
    nodeum.load(tasks={3: 'Restore requests', 4: 'Archive projects'}, callbacks=held)
    with pytest.raises(NodeumError) as caught:
        ensure_task_callback(nodeum.client, params(task_name='Archive projects'), nodeum.context(check_mode))
    assert caught.value.message == (
        "task 3 on %s is 'Restore requests', the export expected 'Archive projects' (task_name); edit callbacks.yml "
        "to name the task on this server, by its id (task_info lists the tasks) or by a name that finds only it."
        % nodeum.control.url)
    assert nodeum.writes() == [] and nodeum.reads() == ['tasks']


def test_task_name_of_a_missing_task_says_the_task_does_not_exist(nodeum):
    nodeum.load()
    with pytest.raises(NodeumError, match='^Nodeum task 9 does not exist'):
        ensure_task_callback(nodeum.client, params(task='9', task_name='Archive'), nodeum.context())
    assert nodeum.writes() == []


def test_a_name_shown_in_the_failure_is_cut_and_its_control_characters_shown(nodeum):
    nodeum.load(tasks={3: '\x1b[2J' + 'n' * 100})
    with pytest.raises(NodeumError) as caught:
        ensure_task_callback(nodeum.client, params(task_name='Archive'), nodeum.context())
    assert caught.value.message.startswith("task 3 on %s is '\\x1b[2J%s...', the export expected 'Archive'"
                                           % (nodeum.control.url, 'n' * 76))


def test_task_name_beside_a_task_name_is_refused_before_any_request():
    with pytest.raises(NodeumError) as caught:
        desired(task='Archive', task_name='Archive')
    assert caught.value.message == ("task_name is the name that the task given by its id must have, but task "
                                    "'Archive' is a name already; leave task_name out, or give the task's id in task.")
