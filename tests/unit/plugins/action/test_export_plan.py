# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the export plan: which files hold what, and that Ansible reads every name back exactly.

Here, not beside the other module_utils tests: it reads callbacks.yml with the controller's own YAML loader.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from hypothesis import given, strategies as st

from ansible.parsing.yaml.loader import AnsibleLoader

from ansible_collections.nodeum.data_archiving.plugins.module_utils.callback_export import plan_export, yaml_quoted

HOSTILE_NAMES = [
    "{{ lookup('pipe', 'touch pwned') }}",
    '{% raw %}x{% endraw %}',
    '!unsafe {{ 7 * 7 }}',
    'true',
    'null',
    '1.5e3',
    'key: value # not',
    '- item',
    "it's \"quoted\" \\",
    'line\nbreak\u2028\x85\t',
    'emoji \U0001f389 été',
    '\ufeffbom',
    '',
]


def callback(callback_id, task_id, script='function filter(r) { return true; }\n', callback_type='filter'):
    return dict(id=callback_id, task_id=task_id, type=callback_type, script=script)


def loaded(text):
    return AnsibleLoader(text).get_single_data()


@pytest.mark.parametrize('name', HOSTILE_NAMES)
def test_every_name_is_read_back_by_ansible_exactly(name):
    assert str(loaded('value: ' + yaml_quoted(name))['value']) == name


@given(st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=40))
def test_any_text_is_read_back_exactly(name):
    assert str(loaded('value: ' + yaml_quoted(name))['value']) == name


def test_names_that_could_be_templates_are_unsafe_and_round_trip():
    tasks = [dict(id=index + 1, name=name) for index, name in enumerate(HOSTILE_NAMES)]
    callbacks = [callback(100 + task['id'], task['id']) for task in tasks]
    files, documents, skipped = plan_export(callbacks, tasks)
    items = loaded(documents['callbacks.yml'])['nodeum_task_callbacks']
    assert skipped == [] and len(files) == len(tasks)
    by_task = dict((task['id'], task['name']) for task in tasks)
    for item in items:
        task_id = int(item['script_file'].split('-')[0][4:])
        # A usable name is the task's name, exactly; an empty one or one of digits only leaves the id.
        assert str(item['task']) == (by_task[task_id] if by_task[task_id].strip() else str(task_id))
    assert documents['callbacks.yml'].count('  - task: !unsafe ') == sum(1 for name in HOSTILE_NAMES if '{' in name)


def test_shared_and_digit_names_give_the_id_and_several_callbacks_of_a_type_their_ids():
    tasks = [dict(id=1, name='Archive'), dict(id=2, name='Archive'), dict(id=3, name='2024'), dict(id=4, name='Solo')]
    callbacks = [callback(10, 1), callback(11, 3), callback(12, 4), callback(13, 4, script='other\n')]
    files, documents, _skipped = plan_export(callbacks, tasks)
    items = loaded(documents['callbacks.yml'])['nodeum_task_callbacks']
    assert [dict(item) for item in items] == [
        dict(task='1', type='filter', script_file='task1-filter-10.js'),
        dict(task='3', type='filter', script_file='task3-filter-11.js'),
        dict(task='Solo', type='filter', callback_id=12, script_file='task4-filter-12.js'),
        dict(task='Solo', type='filter', callback_id=13, script_file='task4-filter-13.js'),
    ]
    assert files['task4-filter-13.js'] == 'other\n'


def test_callbacks_apply_yml_could_not_apply_are_left_out_with_a_sentence_each():
    callbacks = [callback(1, 1, script='  \n'), callback(2, 1, script='x\udcff'),
                 callback(3, 1, callback_type='hook'), callback(4, 2)]
    files, documents, skipped = plan_export(callbacks, [dict(id=1, name='a'), dict(id=2, name='b')])
    assert list(files) == ['task2-filter-4.js']
    assert skipped == [
        'Callback 1 of task 1 is left out of the export: its script is empty, which the role would refuse to apply.',
        'Callback 2 of task 1 is left out of the export: its script holds characters that cannot be written as UTF-8.',
        'Callback 3 of task 1 is left out of the export: its type "hook" is not one the collection manages (filter).',
    ]
    assert loaded(documents['callbacks.yml'])['nodeum_task_callbacks'][0]['task'] == 'b'


def test_an_empty_server_gives_an_empty_list_and_the_apply_playbook_runs_locally():
    files, documents, skipped = plan_export([], [])
    assert files == {} and skipped == []
    assert loaded(documents['callbacks.yml']) == dict(nodeum_task_callbacks=[])
    assert (
        'connection: local' in documents['apply.yml']
        and 'nodeum.data_archiving.callbacks_as_code' in documents['apply.yml']
    )
