# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the plan (module_utils/plan.py): pure functions, no server."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import plan
from ansible_collections.nodeum.data_archiving.plugins.module_utils.plan import Change

SERVER = 'https://nodeum.example.com/api/v2'


def change(
    action='update', task_id=4, callback_id=53, item=0, before='old', after='new', scope=None, callback_type='filter'
):
    return Change(action, task_id, callback_type, callback_id, item, before, after, scope)


def report(changes, names=None, unchanged=0, failed=0, ending='check'):
    return plan.plan_report(SERVER, changes, names or {}, unchanged, failed, 'sha256:' + '0' * 64, ending)


# ---- the summary ---------------------------------------------------------------------------------

@pytest.mark.parametrize('ending, line', [
    ('check', 'Plan for https://nodeum.example.com: 1 to create, 2 to update, 1 to remove, 7 unchanged, 0 failed '
              '(check mode: nothing was sent).'),
    ('apply', 'Applied to https://nodeum.example.com: 1 created, 2 updated, 1 removed, 7 unchanged, 0 failed.'),
    ('gate', 'Plan for https://nodeum.example.com: 1 to create, 2 to update, 1 to remove, 7 unchanged, 0 failed '
             '(fail_on_change: nothing was sent).'),
    ('stale', 'Plan for https://nodeum.example.com: 1 to create, 2 to update, 1 to remove, 7 unchanged, 0 failed '
              '(the server changed since the plan was made: nothing was sent).'),
])
def test_the_summary_counts_each_action_and_its_line_says_how_the_run_ended(ending, line):
    changes = [change('create', callback_id=None, before=None), change(callback_id=1), change(callback_id=2),
               change('remove', callback_id=3, after=None)]
    summary = report(changes, unchanged=7, ending=ending)['summary']
    assert summary == dict(created=1, updated=2, removed=1, unchanged=7, failed=0, line=line)


def test_the_plan_holds_its_format_version_server_and_fingerprint():
    result = report([])
    assert (result['format_version'], result['server'], result['changes']) == ('1.0', SERVER, [])
    assert plan.valid_fingerprint(result['fingerprint'])


def test_a_server_root_with_a_path_keeps_it():
    assert plan.server_root('https://host:8443/nodeum/api/v2') == 'https://host:8443/nodeum'


# ---- the changes: order, address, reason ------------------------------------------------------------

def test_changes_come_in_one_order_whatever_the_order_decided():
    changes = [change('create', 2, None, 5, None), change('remove', 1, 11, None, after=None, scope='all_tasks'),
               change('update', 1, 10, 3), change('create', 2, None, 1, None), change('update', 2, 20, 0),
               change('remove', 1, 12, 4, after=None, callback_type='hook')]
    expected = report(changes)['changes']
    for seed in range(5):
        random.Random(seed).shuffle(changes)
        assert report(changes)['changes'] == expected
    assert [(entry['task_id'], entry['type'], entry['callback_id'], entry['item']) for entry in expected] == [
        (1, 'filter', 10, 3),
        (1, 'filter', 11, None),
        (1, 'hook', 12, 4),
        (2, 'filter', 20, 0),
        (2, 'filter', None, 1),
        (2, 'filter', None, 5),
    ]


def test_a_create_keeps_its_place_once_the_server_gave_it_an_id():
    planned = [change('create', 1, None, 1, None), change('update', 1, 30, 0)]
    made = [change('create', 1, 99, 1, None), change('update', 1, 30, 0)]
    assert [entry['item'] for entry in report(planned)['changes']] == [
        entry['item'] for entry in report(made, ending='apply')['changes']
    ]


def test_each_change_names_its_task_by_id_and_name_and_says_why():
    changes = [change('create', callback_id=None, item=1, before=None),
               change('update', before='a\r\nb\r\n', after='a\nb\n'),
               change('update', callback_id=54, item=2, before='a\r\n', after='b\n'),
               change('remove', callback_id=55, item=3, after=None),
               change('remove', callback_id=56, item=None, after=None, scope='all_tasks')]
    entries = report(changes, names={4: 'Migrate cold data'})['changes']
    assert [(entry['action'], entry['address'], entry['reason']) for entry in entries] == [
        ('update', 'task 4 "Migrate cold data" / filter callback 53', 'line endings differ'),
        ('update', 'task 4 "Migrate cold data" / filter callback 54', 'script differs'),
        ('remove', 'task 4 "Migrate cold data" / filter callback 55', 'state absent'),
        ('remove', 'task 4 "Migrate cold data" / filter callback 56', 'not declared (exclusive, all_tasks)'),
        ('create', 'task 4 "Migrate cold data" / filter callback (new)', 'not on the server')]
    assert entries[0] == dict(
        action='update',
        task_id=4,
        task_name='Migrate cold data',
        type='filter',
        callback_id=53,
        item=0,
        reason='line endings differ',
        address='task 4 "Migrate cold data" / filter callback 53',
    )


def test_a_task_whose_name_is_unknown_is_named_by_id():
    entry = report([change()])['changes'][0]
    assert entry['task_name'] is None and entry['address'] == 'task 4 / filter callback 53'


# ---- diffs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('kind, before, after, headers', [
    ('update', 'old', 'new', ('https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53',
                              'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53 (update: '
                              'script differs)')),
    ('create', None, 'new', ('(none)',
     'https://nodeum.example.com task 4 "Migrate cold data" / filter callback (new) (create: not on the server)')),
    ('remove', 'old', None, ('https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53 (remove: '
                             'state absent)', '(removed)')),
    ('update', 'a\r\nb\r\n', 'a\nb\n', (
        'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53',
        'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53 (update: line endings differ; line '
        'endings CRLF before, LF after)')),
    ('update', 'a\r\nb\n', 'a\nc\n', (
        'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53',
        'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53 (update: script differs; line '
        'endings mixed before, LF after)')),
    ('update', 'a', 'b\n', (
        'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53',
        'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53 (update: script differs)')),
])
def test_diff_headers_name_the_server_the_task_and_the_action(kind, before, after, headers):
    the_change = change(kind, callback_id=None if kind == 'create' else 53, before=before, after=after)
    diff = plan.change_diffs(SERVER, the_change, 'Migrate cold data')
    assert (diff['before_header'], diff['after_header']) == headers
    assert (diff['before'], diff['after']) == (before or '', after or '')


@pytest.mark.parametrize(
    'script, endings',
    [('a', 'none'), ('a\n', 'LF'), ('a\r\nb\r\n', 'CRLF'), ('a\rb', 'CR'), ('a\r\nb\n', 'mixed'), ('', 'none')],
)
def test_line_endings_are_named(script, endings):
    assert plan.line_endings(script) == endings


# ---- the fingerprint --------------------------------------------------------------------------------

def fingerprint(names=None, tasks=None, server=SERVER):
    default_tasks = {1: [dict(id=10, type='filter', script='a'), dict(id=11, type='filter', script='b')], 2: []}
    return plan.state_fingerprint(
        server, {'Nightly': 2} if names is None else names, default_tasks if tasks is None else tasks
    )


def test_the_fingerprint_is_the_same_for_the_same_state_in_any_order():
    shuffled = {2: [], 1: [dict(script='b', id=11, type='filter'), dict(type='filter', script='a', id=10)]}
    assert fingerprint() == fingerprint(tasks=shuffled)
    assert plan.valid_fingerprint(fingerprint())


def test_the_fingerprint_leaves_out_what_the_run_does_not_manage():
    tasks = {1: [dict(id=10, type='filter', script='a', language='js'), dict(id=11, type='filter', script='b')], 2: []}
    assert fingerprint(tasks=tasks) == fingerprint()


@pytest.mark.parametrize('other', [
    dict(tasks={1: [dict(id=10, type='filter', script='a\r\n'), dict(
        id=11, type='filter', script='b')], 2: []}),  # a script
    dict(tasks={1: [dict(id=10, type='filter', script='a')], 2: []}
         ),                                            # a callback gone
    dict(tasks={1: [dict(id=10, type='filter', script='a'), dict(
        id=12, type='filter', script='b')], 2: []}),    # another id
    dict(tasks={1: [dict(id=10, type='filter', script='a'), dict(
        id=11, type='filter', script='b')], 2: None}),  # a read failed
    dict(tasks={1: [dict(id=10, type='filter', script='a'), dict(
        id=11, type='filter', script='b')]}),           # a task fewer
    # a name moved
    dict(names={'Nightly': 1}),
    # a name lost
    dict(names={'Nightly': None}),
    # another server
    dict(server='https://other.example.com/api/v2'),
])
def test_the_fingerprint_changes_with_the_state(other):
    assert fingerprint(**other) != fingerprint()


@pytest.mark.parametrize(
    'value',
    ['', 'sha256:', 'sha256:' + '0' * 63, 'SHA256:' + '0' * 64, 'sha256:' + 'A' * 64, 'md5:' + '0' * 32, None, 12],
)
def test_only_the_form_of_a_fingerprint_is_valid(value):
    assert not plan.valid_fingerprint(value)


# ---- sentences --------------------------------------------------------------------------------------

def test_every_failure_is_named_up_to_the_bound():
    failed = [('callbacks[%d]' % index, 'It failed %d.' % index) for index in range(plan.MESSAGE_SAMPLE_SIZE + 2)]
    sentence = plan.failures_sentence(failed, 20, [], 0, 'check')
    assert sentence.startswith(
        '12 of 20 items failed, and every other change would be made (check mode): callbacks[0]: It failed 0. ')
    assert 'callbacks[9]: It failed 9. And 2 more failures.' in sentence and 'callbacks[10]' not in sentence


def test_a_run_where_everything_failed_claims_no_other_change():
    assert plan.failures_sentence([('callbacks[0]', 'No.')], 1, [], 0,
                                  'apply') == '1 of 1 items failed: callbacks[0]: No.'
    assert plan.failures_sentence([], 1, [], 0, 'apply') is None


def test_the_gate_names_every_change_up_to_the_bound():
    changes = [change(callback_id=index) for index in range(1, plan.MESSAGE_SAMPLE_SIZE + 3)]
    sentence = plan.gate_sentence(report(changes, names={4: 'Cold'}))
    assert sentence.startswith('fail_on_change is set and the server differs from the list in 12 changes: '
                               'update task 4 "Cold" / filter callback 1 (script differs); update task 4 "Cold" / '
                               'filter callback 2')
    assert sentence.endswith(
        'filter callback 10 (script differs) and 2 more; apply the plan, or change the list to match the server.')


def test_a_stale_plan_is_refused_in_one_sentence():
    assert plan.stale_sentence('sha256:' + 'a' * 64, 'sha256:' + 'b' * 64) == (
        'The server changed since the plan was made: its callbacks now give the fingerprint sha256:%s, not sha256:%s '
        'as expected; '
        'nothing was sent. Run the check again and review it.' % ('b' * 64, 'a' * 64))


@pytest.mark.parametrize('text, shown', [
    ('Migrate cold data', '"Migrate cold data"'),
    ('say "hi"\\', '"say \\"hi\\"\\\\"'),
    ('\x1b[31mred\x1b[0m', '"\\x1b[31mred\\x1b[0m"'),
    ('evil\u202eatad', '"evil\\u202eatad"'),
    ('two\nlines\u2028', '"two\\nlines\\u2028"'),
    ('ünïcödé', '"ünïcödé"'),
    ('x' * 70, '"' + 'x' * 60 + '..."'),
])
def test_server_text_is_shown_quoted_and_inert(text, shown):
    assert plan.shown_text(text) == shown


def test_a_task_name_from_the_server_cannot_act_on_a_terminal_in_a_header():
    diff = plan.change_diffs(SERVER, change(), 'a\x1b]0;owned\x07b')
    assert '\x1b' not in diff['before_header'] + diff['after_header'] and '\\x1b]0;owned\\x07' in diff['before_header']


def test_a_script_in_a_diff_keeps_its_line_breaks_and_shows_its_other_control_characters():
    diff = plan.change_diffs(SERVER, change(before='a\x1b[2J\r\nb\rc\n', after='a\r\n'), 'Cold')
    assert (diff['before'], diff['after']) == ('a\\x1b[2J\r\nb\\rc\n', 'a\r\n')
