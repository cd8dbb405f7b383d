# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task callback resource: the pure decision, and how it is applied.

The decision (plan_change) is tested without HTTP; applying it runs against FakeServer, an
in-memory stand-in with the transport client's interface (get/post/put/delete/paginate).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError, NodeumNotFound, _list_page
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (
    Plan, desired_state, ensure_task_callback, plan_change, plan_diff,
)


def callback(callback_id, script='s', callback_type='filter'):
    return {'id': callback_id, 'type': callback_type, 'script': script}


def desired(**overrides):
    params = dict(task='3', callback_id=None, type='filter', script='new', state='present')
    params.update(overrides)
    return desired_state(params)


def api_list(path, items_key, items):
    """A list as the API answers it ({count, tasks} or {count, task_callbacks}), read with items_key as the client reads it."""
    answer = {'count': len(items), 'tasks' if path == 'tasks' else 'task_callbacks': items}
    return _list_page(answer, items_key, 'GET ' + path)


class FakeServer:
    """The transport client's interface over an in-memory store of tasks and callbacks."""

    def __init__(self, tasks=None, callbacks=None, lose_next_post=False):
        self.tasks = tasks or {3: 'Archive'}
        self.callbacks = dict((item['id'], dict(item)) for item in callbacks or [])
        self.next_id = max(list(self.callbacks) + [99]) + 1
        self.lose_next_post = lose_next_post
        self.sent = []
        self.warnings = []

    def paginate(self, path, items_key, params=None, limit=None, offset=0):
        self.sent.append(('GET', path, dict(params or {})))
        parts = path.split('/')
        if parts == ['tasks']:
            name = params['name'][1:]
            found = [{'id': task_id, 'name': task_name} for task_id, task_name in sorted(self.tasks.items()) if task_name == name]
            return api_list(path, items_key, found)
        task_id = int(parts[1])
        if task_id not in self.tasks:
            raise NodeumNotFound('no task')
        found = [dict(item) for item in self._of_task(task_id) if self._matches(item, params or {})]
        return api_list(path, items_key, found)

    @staticmethod
    def _matches(item, params):
        if 'id' in params and str(item['id']) != params['id'].lstrip('='):
            return False
        return 'type' not in params or item['type'] == params['type'].lstrip('=')

    def _of_task(self, task_id):
        return [item for _key, item in sorted(self.callbacks.items()) if item['task_id'] == task_id]

    def post(self, path, body, landed=None):
        self.sent.append(('POST', path, body))
        created = dict(body, id=self.next_id, task_id=int(path.split('/')[1]))
        self.callbacks[self.next_id] = created
        self.next_id += 1
        if self.lose_next_post:
            self.lose_next_post = False
            return landed()
        return dict((key, created[key]) for key in ('id', 'type', 'script'))

    def put(self, path, body):
        self.sent.append(('PUT', path, body))
        callback_id = int(path.split('/')[-1])
        if callback_id not in self.callbacks:
            raise NodeumNotFound('gone')
        self.callbacks[callback_id].update(body)
        return dict((key, self.callbacks[callback_id][key]) for key in ('id', 'type', 'script'))

    def delete(self, path):
        self.sent.append(('DELETE', path, None))
        if self.callbacks.pop(int(path.split('/')[-1]), None) is None:
            raise NodeumNotFound('gone')

    def writes(self):
        return [(method, path) for method, path, _body in self.sent if method != 'GET']


def stored(task_id, server):
    return [dict((key, item[key]) for key in ('id', 'type', 'script')) for item in server._of_task(task_id)]


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


def test_several_present_fails_listing_ids_and_the_way_out():
    with pytest.raises(NodeumError) as caught:
        plan_change(desired(), [callback(5), callback(6)], 3)
    assert 'Nodeum task 3 has 2 filter callbacks (ids 5, 6)' in caught.value.message
    assert 'callback_id' in caught.value.message and 'state absent' in caught.value.message


def test_several_absent_deletes_all():
    assert plan_change(desired(state='absent'), [callback(5), callback(6)], 3).before == [callback(5), callback(6)]


def test_unknown_callback_id_present_fails_and_never_creates():
    with pytest.raises(NodeumError, match='has no callback 42'):
        plan_change(desired(callback_id=42), [], 3)


def test_unknown_callback_id_absent_does_nothing():
    assert plan_change(desired(callback_id=42, state='absent'), [], 3).action == 'none'


@pytest.mark.parametrize('params, message', [
    (dict(script=None), 'script is required with state present'),
    (dict(script=''), 'script is empty or only white space'),
    (dict(script=' \t\n'), 'script is empty or only white space'),
    (dict(task=''), 'task is empty'),
    (dict(task='   '), 'task is empty'),
    (dict(callback_id=0), 'callback_id must be a positive number'),
    (dict(type='hook'), 'type must be one of filter'),
    (dict(script=['a']), 'script must be text, got a list'),
    (dict(script=5), 'script must be text, got a number'),
    (dict(script=1.5), 'script must be text, got a number'),
    (dict(script=True), 'script must be text, got a boolean'),
])
def test_bad_input_is_refused_before_any_request(params, message):
    with pytest.raises(NodeumError, match=message):
        desired(**params)


@pytest.mark.parametrize('params, message', [
    (dict(script={'a': 1}), 'script must be text, got a dictionary; quote it, or keep the script in a file and give script_file.'),
    (dict(script=' '), "script is empty or only white space, which the Nodeum API refuses; give the filter's source."),
    (dict(script=None), "script is required with state present; give the filter's source, or the file that holds it as script_file."),
    (dict(script_file='f.js'), 'script_file reached the module unread, which happens only when the module runs without its action plugin; '
                               'give script, or run the module by its name nodeum.data_archiving.task_callback.'),
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
    with pytest.raises(NodeumError, match='^script is required'):
        desired(state=None, script=None)  # the default state is present: it needs a script


def test_the_decision_failures_are_exact_sentences():
    with pytest.raises(NodeumError) as caught:
        plan_change(desired(callback_id=42), [], 3)
    assert caught.value.message == ("Nodeum task 3 has no callback 42; the module never creates a callback with a chosen id: check callback_id, "
                                    "or leave it out to manage the task's filter callback.")
    with pytest.raises(NodeumError) as caught:
        plan_change(desired(), [callback(5), callback(6)], 3)
    assert caught.value.message == ('Nodeum task 3 has 2 filter callbacks (ids 5, 6); pass callback_id to choose the one to manage, '
                                    'or remove the extra ones with state absent and callback_id.')


def test_absent_needs_no_script():
    assert desired(state='absent', script=None)['script'] is None


def test_diff_of_an_update_is_headed_with_task_and_callback():
    diff = plan_diff(Plan('update', [callback(12, 'old')], callback(12, 'new')), 3)
    assert diff == [dict(before='old', after='new', before_header='task 3 / filter callback 12', after_header='task 3 / filter callback 12')]


def test_diff_of_a_create_and_a_delete_is_against_empty():
    assert plan_diff(Plan('create', [], callback(None, 'new')), 3)[0]['before'] == ''
    assert plan_diff(Plan('create', [], callback(None, 'new')), 3)[0]['after_header'] == 'task 3 / filter callback (new)'
    assert [entry['after'] for entry in plan_diff(Plan('delete', [callback(5), callback(6)], None), 3)] == ['', '']


def test_diff_of_a_delete_has_one_entry_per_callback_under_its_own_header():
    diff = plan_diff(Plan('delete', [callback(5, 'five'), callback(6, 'six'), callback(9, 'nine')], None), 3)
    assert diff == [dict(before=script, after='', before_header='task 3 / filter callback %d' % number,
                         after_header='task 3 / filter callback %d' % number) for number, script in ((5, 'five'), (6, 'six'), (9, 'nine'))]


def test_diff_of_no_change_shows_the_script_and_of_nothing_there_is_empty():
    assert plan_diff(Plan('none', [callback(5, 'same')], callback(5, 'same')), 3) == [dict(before='same', after='same')]
    assert plan_diff(Plan('none', [], None), 3) == []


# ---- applying the decision ---------------------------------------------------------------

def params(**overrides):
    values = dict(task='3', callback_id=None, type='filter', script='new', state='present')
    values.update(overrides)
    return values


def test_create_then_nothing_to_do():
    server = FakeServer()
    first = ensure_task_callback(server, params())
    second = ensure_task_callback(server, params())
    assert first['changed'] and not second['changed']
    assert first['task_callback'] == {'id': 100, 'task_id': 3, 'type': 'filter', 'script': 'new'}
    assert server.writes() == [('POST', 'tasks/3/task_callbacks')]


def test_check_mode_reports_the_create_without_writing():
    server = FakeServer()
    result = ensure_task_callback(server, params(), check_mode=True)
    assert result['changed'] and result['task_callback']['id'] is None
    assert server.writes() == []


def test_update_sends_one_put():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3)])
    result = ensure_task_callback(server, params())
    assert result['changed'] and result['task_callback']['script'] == 'new'
    assert server.writes() == [('PUT', 'tasks/3/task_callbacks/7')]


def test_absent_deletes_all_of_the_type_and_tolerates_one_already_gone():
    server = FakeServer(callbacks=[dict(callback(7), task_id=3), dict(callback(8), task_id=3)])
    original_delete = server.delete

    def delete_whose_retry_finds_it_gone(path):
        original_delete(path)
        if path.endswith('/8'):
            raise NodeumNotFound('the first answer was lost; the retry found it gone')
    server.delete = delete_whose_retry_finds_it_gone
    result = ensure_task_callback(server, params(state='absent', script=None))
    assert result['changed'] is True and result['task_callback'] is None
    assert stored(3, server) == []


def test_task_by_name_is_resolved_and_ambiguity_fails():
    server = FakeServer(tasks={3: 'Archive', 4: 'Backup', 5: 'Backup'})
    assert ensure_task_callback(server, params(task='Archive'))['task_callback']['task_id'] == 3
    assert server.sent[0] == ('GET', 'tasks', {'name': '=Archive'})
    with pytest.raises(NodeumError, match=r"2 Nodeum tasks are named 'Backup' \(ids 4, 5\)"):
        ensure_task_callback(server, params(task='Backup'))


def test_an_unknown_callback_id_names_the_resolved_task():
    server = FakeServer(tasks={3: 'Archive'})
    with pytest.raises(NodeumError, match='^Nodeum task 3 has no callback 42; the module never creates'):
        ensure_task_callback(server, params(task='Archive', callback_id=42))
    assert server.writes() == []


def test_unknown_task_fails_clearly():
    with pytest.raises(NodeumError, match='Nodeum task 9 does not exist'):
        ensure_task_callback(FakeServer(), params(task='9'))


def test_lost_post_answer_adopts_the_created_callback_without_a_duplicate():
    server = FakeServer(lose_next_post=True)
    result = ensure_task_callback(server, params())
    assert result['changed'] and result['task_callback']['id'] == 100
    assert len(stored(3, server)) == 1


def test_concurrent_create_keeps_the_lowest_id_and_removes_our_duplicate():
    server = FakeServer()
    original_post = server.post

    def post_racing_another_run(path, body, landed=None):
        original_post(path, body)  # another run's create lands first: id 100
        return original_post(path, body, landed)  # ours: id 101
    server.post = post_racing_another_run
    result = ensure_task_callback(server, params())
    assert [item['id'] for item in stored(3, server)] == [100]
    assert result['changed'] is False and result['task_callback']['id'] == 100
    assert 'removed its own duplicate (id 101)' in server.warnings[0]


def test_concurrent_create_with_another_script_converges_to_ours():
    server = FakeServer()
    original_post = server.post

    def post_racing_another_script(path, body, landed=None):
        original_post(path, dict(body, script='theirs'))
        return original_post(path, body, landed)
    server.post = post_racing_another_script
    result = ensure_task_callback(server, params())
    assert stored(3, server) == [callback(100, 'new')]
    assert result['changed'] is True
    # ours is put on the winner: one PUT of our script to the lowest id, and that is what the task reports
    assert [entry for entry in server.sent if entry[0] == 'PUT'] == [('PUT', 'tasks/3/task_callbacks/100', {'type': 'filter', 'script': 'new'})]
    assert result['task_callback'] == {'id': 100, 'task_id': 3, 'type': 'filter', 'script': 'new'}


# ---- exactly what is sent, and what comes back ----------------------------------------------

def test_create_sends_the_type_and_script_to_the_task_and_returns_the_record():
    server = FakeServer()
    result = ensure_task_callback(server, params(), check_mode=False)
    assert server.sent[0] == ('GET', 'tasks/3/task_callbacks', {'type': '=filter'})
    assert [entry for entry in server.sent if entry[0] == 'POST'] == [('POST', 'tasks/3/task_callbacks', {'type': 'filter', 'script': 'new'})]
    assert result == dict(changed=True, task_callback={'id': 100, 'task_id': 3, 'type': 'filter', 'script': 'new'},
                          diff=[dict(before='', after='new', before_header='task 3 / filter callback (new)',
                                     after_header='task 3 / filter callback (new)')])


def test_update_sends_type_and_script_to_the_callback_and_diffs_old_against_new():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3)])
    result = ensure_task_callback(server, params())
    assert [entry for entry in server.sent if entry[0] != 'GET'] == [('PUT', 'tasks/3/task_callbacks/7', {'type': 'filter', 'script': 'new'})]
    assert result == dict(changed=True, task_callback={'id': 7, 'task_id': 3, 'type': 'filter', 'script': 'new'},
                          diff=[dict(before='old', after='new', before_header='task 3 / filter callback 7',
                                     after_header='task 3 / filter callback 7')])


def test_update_by_callback_id_looks_up_that_id_only():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3), dict(callback(8, 'other'), task_id=3)])
    result = ensure_task_callback(server, params(callback_id=8))
    assert server.sent[0] == ('GET', 'tasks/3/task_callbacks', {'id': '=8'})
    assert server.writes() == [('PUT', 'tasks/3/task_callbacks/8')]
    assert result['task_callback']['id'] == 8 and stored(3, server) == [callback(7, 'old'), callback(8, 'new')]


def test_a_server_that_ignores_filters_is_filtered_again():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3), dict(callback(8, 'x', 'other'), task_id=3)])
    server._matches = lambda item, filters: True  # answers every callback of the task, whatever the filter
    assert ensure_task_callback(server, params(callback_id=7, script='old'))['changed'] is False
    assert ensure_task_callback(server, params(script='old'))['changed'] is False
    assert server.writes() == []


def test_update_answered_without_a_body_returns_what_was_sent():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3)])
    server.put = lambda path, body: None  # 204 No Content
    result = ensure_task_callback(server, params())
    assert result['changed'] is True and result['task_callback'] == {'id': 7, 'task_id': 3, 'type': 'filter', 'script': 'new'}


def test_update_that_the_server_did_not_apply_is_not_changed():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3)])
    server.put = lambda path, body: callback(7, 'old')  # the server kept the old script
    result = ensure_task_callback(server, params())
    assert result['changed'] is False and result['task_callback']['script'] == 'old'


def test_update_of_a_callback_removed_meanwhile_says_so():
    server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3)])

    def put_after_another_run_removed_it(path, body):
        raise NodeumNotFound('gone')
    server.put = put_after_another_run_removed_it
    with pytest.raises(NodeumError) as caught:
        ensure_task_callback(server, params())
    assert caught.value.message == 'Nodeum callback 7 of task 3 was removed while this run was updating it; run the task again.'
    assert type(caught.value) is NodeumError  # pylint: disable=unidiomatic-typecheck


def test_delete_sends_one_delete_per_callback_of_the_task():
    server = FakeServer(callbacks=[dict(callback(7, 'a'), task_id=3), dict(callback(8, 'b'), task_id=3)])
    result = ensure_task_callback(server, params(state='absent', script=None))
    assert server.writes() == [('DELETE', 'tasks/3/task_callbacks/7'), ('DELETE', 'tasks/3/task_callbacks/8')]
    assert result == dict(changed=True, task_callback=None, diff=[
        dict(before='a', after='', before_header='task 3 / filter callback 7', after_header='task 3 / filter callback 7'),
        dict(before='b', after='', before_header='task 3 / filter callback 8', after_header='task 3 / filter callback 8')])


def test_check_mode_of_an_update_and_a_delete_writes_nothing():
    for overrides in (dict(), dict(state='absent', script=None)):
        server = FakeServer(callbacks=[dict(callback(7, 'old'), task_id=3)])
        result = ensure_task_callback(server, params(**overrides), check_mode=True)
        assert result['changed'] is True and server.writes() == []
        assert stored(3, server) == [callback(7, 'old')]


def test_nothing_to_do_returns_the_callback_and_an_unchanged_diff():
    server = FakeServer(callbacks=[dict(callback(7, 'same'), task_id=3)])
    result = ensure_task_callback(server, params(script='same'))
    assert result == dict(changed=False, task_callback={'id': 7, 'task_id': 3, 'type': 'filter', 'script': 'same'},
                          diff=[dict(before='same', after='same')])
    assert server.writes() == []


def test_a_race_lost_removes_our_duplicate_by_its_path_and_says_so_exactly():
    server = FakeServer()
    original_post = server.post

    def post_racing_another_run(path, body, landed=None):
        original_post(path, body)  # another run's create lands first: id 100
        return original_post(path, body, landed)  # ours: id 101
    server.post = post_racing_another_run
    ensure_task_callback(server, params())
    assert server.writes() == [('POST', 'tasks/3/task_callbacks'), ('POST', 'tasks/3/task_callbacks'), ('DELETE', 'tasks/3/task_callbacks/101')]
    assert server.warnings == ['Another run created a filter callback on task 3 at the same time (id 100); this run removed its own duplicate (id 101).']


def test_a_duplicate_gone_already_is_not_an_error():
    server = FakeServer()
    original_post = server.post

    def post_whose_duplicate_another_run_removes(path, body, landed=None):
        original_post(path, body)
        created = original_post(path, body, landed)
        original_delete = server.delete

        def delete_already_gone(delete_path):
            original_delete(delete_path)
            raise NodeumNotFound('gone')
        server.delete = delete_already_gone
        return created
    server.post = post_whose_duplicate_another_run_removes
    result = ensure_task_callback(server, params())
    assert result['changed'] is False and result['task_callback']['id'] == 100 and stored(3, server) == [callback(100, 'new')]


def test_a_create_the_reread_does_not_show_yet_is_kept():
    server = FakeServer()

    def post_not_listed_yet(path, body, landed=None):
        server.sent.append(('POST', path, body))
        return dict(body, id=555)  # created, but the list the run reads next does not hold it yet
    server.post = post_not_listed_yet
    result = ensure_task_callback(server, params())
    assert result['changed'] is True and result['task_callback'] == {'id': 555, 'task_id': 3, 'type': 'filter', 'script': 'new'}
    assert server.writes() == [('POST', 'tasks/3/task_callbacks')]


def test_a_lost_post_that_did_not_land_is_not_confused_with_another_runs_callback():
    server = FakeServer()
    original_post = server.post
    adopted = []

    def post_lost_while_another_run_creates_theirs(path, body, landed=None):
        original_post(path, dict(body, script='theirs'))  # the other run's callback, id 100; ours never arrived
        adopted.append(landed())
        return original_post(path, body)  # the client's retry: id 101
    server.post = post_lost_while_another_run_creates_theirs
    result = ensure_task_callback(server, params())
    assert adopted == [None]
    assert stored(3, server) == [callback(100, 'new')] and result['changed'] is True
