# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the server returns is checked where it enters (server_data): against the emulator answering as a hostile
server would.

Each hostile value comes as the emulator's answer to one request (a status fault with its raw body); what the modules
send next is read from the emulator's request log. No request may leave tasks/<int>/task_callbacks[/<int>].
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import shown_value
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import ensure_task_callback
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import read_task_callbacks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callbacks import ensure_task_callbacks

CALLBACK_PATH = re.compile(r'^tasks/[0-9]+/task_callbacks(/[0-9]+)?$')

# (id as the server sends it, how the sentence shows it)
HOSTILE_IDS = [
    ('..', "'..' (text)"),
    ('.', "'.' (text)"),
    ('', "'' (text)"),
    ('10', "'10' (text)"),
    ('7/../..', "'7/../..' (text)"),
    (None, 'null'),
    (10.5, '10.5 (a number)'),
    (-1, '-1 (a number)'),
    (0, '0 (a number)'),
    (True, 'true (a boolean)'),
    ([7], 'a list'),
    ({'id': 7}, 'an object'),
]


def listing(*callbacks):
    return json.dumps({'count': len(callbacks), 'task_callbacks': list(callbacks)})


def answer(nodeum, method, path, body, status=200, times=1):
    nodeum.fault(method=method, path='^/api/v2/%s$' % path, status=status,
                 body=body, content_type='application/json', times=times)


def params(**overrides):
    return dict(dict(task='3', callback_id=None, type='filter', script='new', state='present'), **overrides)


def refusal(nodeum, method, path, problem):
    return ('The Nodeum API answered %s %s/%s with %s; nothing was sent on the strength of that answer: check that url '
            'points to a '
            'Nodeum server.' % (method, nodeum.client.base_url, path, problem))


def failure_of(function, *args, **kwargs):
    with pytest.raises(NodeumError) as caught:
        function(*args, **kwargs)
    return caught.value


def assert_only_callback_paths(nodeum):
    strays = [(method, path) for method, path, _query in nodeum.requests()
              if path != 'tasks' and not CALLBACK_PATH.match(path)]
    assert strays == []


# ---- a listing of callbacks -----------------------------------------------------------------

@pytest.mark.parametrize('hostile, shown', HOSTILE_IDS)
@pytest.mark.parametrize('state', ['present', 'absent'])
def test_a_listed_callback_id_that_is_no_whole_number_is_refused_before_any_write(nodeum, hostile, shown, state):
    nodeum.load(callbacks=[dict(id=7, task_id=3, type='filter', script='old')])
    answer(nodeum, 'GET', 'tasks/3/task_callbacks', listing(dict(id=hostile, type='filter', script='old')))
    error = failure_of(ensure_task_callback, nodeum.client, params(state=state), nodeum.context())
    assert error.message == refusal(nodeum, 'GET', 'tasks/3/task_callbacks',
                                    'a callback whose id is %s instead of a whole number of 1 or more' % shown)
    assert (error.method, error.path) == ('GET', 'tasks/3/task_callbacks')
    assert nodeum.requests() == [('GET', 'tasks/3/task_callbacks', {'type': '=filter'})]


@pytest.mark.parametrize('hostile, shown', HOSTILE_IDS[:6])
@pytest.mark.parametrize(
    'scope, removals', [('listed_tasks', []), ('all_tasks', [('DELETE', 'tasks/3/task_callbacks/9')])]
)
def test_exclusive_mode_sends_nothing_on_a_task_whose_listing_holds_a_hostile_id(
    nodeum, hostile, shown, scope, removals
):
    nodeum.load(
        callbacks=[
            dict(id=7, task_id=1, type='filter', script='old'),
            dict(id=8, task_id=2, type='filter', script='x'),
            dict(id=9, task_id=3, type='filter', script='z'),
        ]
    )
    answer(nodeum, 'GET', 'tasks/1/task_callbacks', listing(dict(id=hostile, type='filter', script='old')))
    result = ensure_task_callbacks(nodeum.client, dict(callbacks=[params(task='1'), params(task='2', script='x')],
                                                       exclusive=True, exclusive_scope=scope), nodeum.context())
    assert result['results'][0]['msg'] == refusal(
        nodeum,
        'GET',
        'tasks/1/task_callbacks',
        'a callback whose id is %s instead of a whole number of 1 or more' % shown,
    )
    assert nodeum.writes() == removals
    assert_only_callback_paths(nodeum)


@pytest.mark.parametrize('listed, problem', [
    ([dict(type='filter', script='old')], 'a callback without an id'),
    ([dict(id=7, script='old')], 'callback 7 without a type'),
    ([dict(id=7, type=None, script='old')], 'callback 7 whose type is null instead of text'),
    ([dict(id=7, type='filter')], 'callback 7 without a script'),
    ([dict(id=7, type='filter', script=3)], 'callback 7 whose script is 3 (a number) instead of text'),
    ([dict(id=7, type='filter', script='old'), dict(id='8', type='filter', script='old')],
     "a callback whose id is '8' (text) instead of a whole number of 1 or more"),  # mixed types
    (['\x1b[2J'], "a callback that is '\\x1b[2J' (text) instead of an object"),
    ([None], 'a callback that is null instead of an object'),
])
def test_each_fault_of_a_listed_callback_is_one_sentence(nodeum, listed, problem):
    answer(nodeum, 'GET', 'tasks/3/task_callbacks', listing(*listed), times=2)
    for read in (lambda: ensure_task_callback(nodeum.client, params(), nodeum.context()),
                 lambda: read_task_callbacks(nodeum.client, dict(task='3'), nodeum.context())):
        assert failure_of(read).message == refusal(nodeum, 'GET', 'tasks/3/task_callbacks', problem)
    assert nodeum.writes() == []


@pytest.mark.parametrize('body, problem', [
    ({'unexpected': True}, "a list that has no 'task_callbacks' array"),
    ({'task_callbacks': {'id': 1}}, "a list that has no 'task_callbacks' array"),
    ([{'id': 1}], "a list that has no 'task_callbacks' array"),
    ({'count': '120', 'task_callbacks': []}, "a count that is '120' (text) instead of a whole number of 0 or more"),
    ({'count': 120.0, 'task_callbacks': []}, 'a count that is 120.0 (a number) instead of a whole number of 0 or more'),
    ({'count': True, 'task_callbacks': []}, 'a count that is true (a boolean) instead of a whole number of 0 or more'),
    ({'count': -1, 'task_callbacks': []}, 'a count that is -1 (a number) instead of a whole number of 0 or more'),
    ({'count': None, 'task_callbacks': []}, 'a count that is null instead of a whole number of 0 or more'),
])
def test_a_listing_without_its_array_or_with_a_count_that_is_no_whole_number_is_one_sentence(nodeum, body, problem):
    """A count that is not a whole number fails the listing at its first page (it would stop paging early, or never)."""
    nodeum.load(callbacks=[dict(id=number, task_id=3, type='filter', script='s') for number in range(1, 121)])
    answer(nodeum, 'GET', 'tasks/3/task_callbacks', json.dumps(body))
    error = failure_of(read_task_callbacks, nodeum.client, dict(task='3'), nodeum.context())
    assert error.message == refusal(nodeum, 'GET', 'tasks/3/task_callbacks', problem)
    assert [path for _method, path, _query in nodeum.requests()] == ['tasks/3/task_callbacks']


def test_a_listed_callback_is_checked_on_its_page_before_the_next_page_is_asked_for(nodeum):
    page = [dict(id=number, type='filter', script='s') for number in range(1, 50)] + [dict(id='..')]
    answer(nodeum, 'GET', 'tasks/3/task_callbacks', json.dumps({'count': 120, 'task_callbacks': page}))
    error = failure_of(read_task_callbacks, nodeum.client, dict(task='3'), nodeum.context())
    assert error.message == refusal(nodeum, 'GET', 'tasks/3/task_callbacks',
                                    "a callback whose id is '..' (text) instead of a whole number of 1 or more")
    assert len(nodeum.requests()) == 1


# ---- a listing of tasks ---------------------------------------------------------------------

@pytest.mark.parametrize('task, problem', [
    (dict(id='..', name='Nightly'), "a task whose id is '..' (text) instead of a whole number of 1 or more"),
    (dict(id=True, name='Nightly'), 'a task whose id is true (a boolean) instead of a whole number of 1 or more'),
    (dict(name='Nightly'), 'a task without an id'),
    (dict(id=2, name=None), 'task 2 whose name is null instead of text'),
    (dict(id=2), 'task 2 without a name'),
])
def test_a_listed_task_that_cannot_be_used_fails_the_look_up_in_one_sentence(nodeum, task, problem):
    nodeum.load(callbacks=[dict(id=7, task_id=2, type='filter', script='old')])
    answer(nodeum, 'GET', 'tasks', json.dumps({'count': 1, 'tasks': [task]}), times=2)
    assert failure_of(
        ensure_task_callback, nodeum.client, params(task='Nightly', state='absent'), nodeum.context()
    ).message == refusal(nodeum, 'GET', 'tasks', problem)
    assert failure_of(read_task_callbacks, nodeum.client, {}, nodeum.context()
                      ).message == refusal(nodeum, 'GET', 'tasks', problem)
    assert [method for method, _path, _query in nodeum.requests()] == ['GET', 'GET']


# ---- the answer of a write ------------------------------------------------------------------

@pytest.mark.parametrize('body, problem', [
    ('{"id": ".."}', "a callback whose id is '..' (text) instead of a whole number of 1 or more"),
    ('{"id": null, "type": "filter", "script": "new"}', 'a callback whose id is null instead of a whole number of 1 or '
                                                        'more'),
    ('{}', 'a callback without an id'),
    ('[]', 'a callback that is a list instead of an object'),
    ('', 'an empty body instead of the callback it created'),
])
def test_a_create_answered_without_a_usable_id_adopts_the_callback_the_task_shows(nodeum, body, problem):
    """The create landed (the emulator holds callback 50) but its answer names no usable id: the read after it finds
    the callback."""
    nodeum.load(callbacks=[dict(id=50, task_id=3, type='filter', script='new')])
    answer(nodeum, 'GET', 'tasks/3/task_callbacks', listing())  # as the task was before the create
    answer(nodeum, 'POST', 'tasks/3/task_callbacks', body, status=201)
    result = ensure_task_callback(nodeum.client, params(), nodeum.context())
    assert result['task_callback'] == dict(id=50, task_id=3, type='filter', script='new') and result['changed'] is True
    assert nodeum.writes() == [('POST', 'tasks/3/task_callbacks')]
    path = 'tasks/3/task_callbacks'
    assert nodeum.warnings == [
        'The Nodeum API answered POST %s/%s with %s; the callback it created was found among '
        'the '
        "task's callbacks (id 50) and is the one used." % (nodeum.client.base_url, path, problem)
    ]


def test_a_create_answered_without_a_usable_id_and_not_found_says_it_was_created(nodeum):
    nodeum.load(callbacks=[])
    answer(nodeum, 'POST', 'tasks/3/task_callbacks', '{"id": ".."}', status=201)
    error = failure_of(ensure_task_callback, nodeum.client, params(), nodeum.context())
    assert error.message == ("The Nodeum API answered POST %s/tasks/3/task_callbacks with a callback whose id is '..' "
                             "(text) instead "
                             "of a whole number of 1 or more; the server created the callback, but none with this "
                             "script shows among "
                             "the task's callbacks: list them with task_callback_info before running the task again."
                             % nodeum.client.base_url)
    assert nodeum.writes() == [('POST', 'tasks/3/task_callbacks')]
    assert_only_callback_paths(nodeum)


def test_an_update_answered_with_a_hostile_id_fails_and_sends_nothing_more(nodeum):
    nodeum.load(callbacks=[dict(id=7, task_id=3, type='filter', script='old')])
    answer(nodeum, 'PUT', 'tasks/3/task_callbacks/7', '{"id": "..", "type": "filter", "script": "new"}')
    error = failure_of(ensure_task_callback, nodeum.client, params(), nodeum.context())
    assert error.message == refusal(nodeum, 'PUT', 'tasks/3/task_callbacks/7',
                                    "a callback whose id is '..' (text) instead of a whole number of 1 or more")
    assert nodeum.writes() == [('PUT', 'tasks/3/task_callbacks/7')]


def test_a_quoted_value_is_cut_and_its_control_characters_escaped():
    assert shown_value('\x1b]0;owned\x07' + 'x' * 60) == "'\\x1b]0;owned\\x07%s'... (text)" % ('x' * 30)
    assert shown_value('\u009b2J\u202e') == "'\\x9b2J\\u202e' (text)"
    assert shown_value(1e400) == 'inf (a number)'
