# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the export plan: which files hold what, and that Ansible reads every name back exactly.

Here, not beside the other module_utils tests: it reads callbacks.yml with the controller's own YAML loader.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib

import pytest

from hypothesis import given, strategies as st

from ansible.parsing.yaml.loader import AnsibleLoader

from ansible_collections.nodeum.data_archiving.plugins.module_utils.callback_export import (
    EXPORTED_NAME, file_safe_name, plan_export, task_file_stems, yaml_quoted,
)

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


SERVER = 'https://a.example.com'


def export(callbacks, tasks, server=SERVER):
    return plan_export(callbacks, tasks, server)


def items_of(documents):
    return [dict(item) for item in loaded(documents['callbacks.yml'])['nodeum_task_callbacks']]


def file_of(item):
    prefix = '{{ nodeum_export_dir }}/files/'
    assert item['script_file'].startswith(prefix)
    return item['script_file'][len(prefix):]


def test_names_that_could_be_templates_are_unsafe_and_round_trip():
    tasks = [dict(id=index + 1, name=name) for index, name in enumerate(HOSTILE_NAMES)]
    callbacks = [callback(100 + task['id'], task['id'], script='s%d\n' % task['id']) for task in tasks]
    files, documents, skipped = export(callbacks, tasks)
    assert skipped == [] and len(files) == len(tasks)
    for item in items_of(documents):
        task_id = int(files[file_of(item)][1:])  # each task's script is s<task id>
        name = HOSTILE_NAMES[task_id - 1]
        # A usable name is the task's name, exactly; an empty one leaves the id, and the name as task_name.
        if name.strip():
            assert str(item['task']) == name and 'task_name' not in item
        else:
            assert (str(item['task']), str(item['task_name'])) == (str(task_id), name)
    assert documents['callbacks.yml'].count('  - task: !unsafe ') == sum(1 for name in HOSTILE_NAMES if '{' in name)
    assert all(EXPORTED_NAME.match(name) for name in files)


def test_shared_and_digit_names_give_the_id_and_the_name_and_no_item_a_callback_id():
    tasks = [dict(id=1, name='Archive'), dict(id=2, name='Archive'), dict(id=3, name='2024'), dict(id=4, name='Solo')]
    callbacks = [callback(10, 1), callback(11, 3), callback(12, 4, script='b\n'), callback(13, 4, script='a\n')]
    files, documents, _skipped = export(callbacks, tasks)
    assert items_of(documents) == [
        dict(task='Solo', type='filter', script_file='{{ nodeum_export_dir }}/files/Solo-filter-1.js'),
        dict(task='Solo', type='filter', script_file='{{ nodeum_export_dir }}/files/Solo-filter-2.js'),
        dict(task='1', task_name='Archive', type='filter',
             script_file='{{ nodeum_export_dir }}/files/task-1-filter-1.js'),
        dict(task='3', task_name='2024', type='filter',
             script_file='{{ nodeum_export_dir }}/files/task-3-filter-1.js'),
    ]
    # The place of a callback among its task's callbacks of its type is by script, not by id.
    assert (files['Solo-filter-1.js'], files['Solo-filter-2.js']) == ('a\n', 'b\n')
    assert 'callback_id' not in documents['callbacks.yml']


def test_two_servers_with_the_same_callbacks_under_other_ids_differ_in_the_header_line_alone():
    held = [('Archive', 'b\r\n'), ('Restore', 'a'), ('Archive', 'caf\u00e9 \U0001f389\n'), ('Restore', 'a')]
    first = export([callback(10 + index, dict(Archive=1, Restore=2)[name], script)
                    for index, (name, script) in enumerate(held)],
                   [dict(id=1, name='Archive'), dict(id=2, name='Restore')])
    second = export([callback(90 - index, dict(Archive=8, Restore=7)[name], script)
                     for index, (name, script) in enumerate(reversed(held))],
                    [dict(id=7, name='Restore'), dict(id=8, name='Archive'), dict(id=9, name='Other')],
                    server='https://b.example.com')
    assert first[0] == second[0] and sorted(first[0]) == [
        'Archive-filter-1.js', 'Archive-filter-2.js', 'Restore-filter-1.js', 'Restore-filter-2.js']
    lines = [document['callbacks.yml'].splitlines() for document in (first[1], second[1])]
    assert [number for number, (one, other) in enumerate(zip(*lines)) if one != other] == [1]
    assert len(lines[0]) == len(lines[1]) and lines[1][1].startswith('# The callbacks of https://b.example.com,')
    assert first[1]['apply.yml'] == second[1]['apply.yml']


def test_the_header_line_shows_control_characters_of_the_server_rather_than_ending_the_comment():
    _files, documents, _skipped = export([], [], server='https://a.example.com\n- x: 1')
    assert loaded(documents['callbacks.yml']) == dict(nodeum_task_callbacks=[])
    assert '# The callbacks of https://a.example.com\\n- x: 1,' in documents['callbacks.yml']


def stems(names):
    return task_file_stems(dict(enumerate(names, 1)))


def digest(name):
    return hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]


@pytest.mark.parametrize('name, stem', [
    ('Nightly backup', 'Nightly_backup'),
    ('Donn\u00e9es / \u00e9t\u00e9', 'Donnees_ete'),
    ('\ufb01le  --  \u00c5ngstr\u00f6m', 'file_Angstrom'),
    ('../../etc/passwd', 'etc_passwd'),
    ('a\x00b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'),
    ('_private_', 'private'),
    ('x' * 39 + '_' + 'y' * 10, 'x' * 39),
    ('z' * 300, 'z' * 40),
])
def test_a_task_name_gives_a_file_safe_name(name, stem):
    assert file_safe_name(name) == stem
    assert stems([name]) == {1: stem}


@pytest.mark.parametrize('name', ['\u65e5\u672c\u8a9e', '  --  ', '\U0001f389', '.', '/'])
def test_a_name_with_nothing_file_safe_left_gets_the_digest_of_the_whole_name(name):
    assert stems([name]) == {1: 'task--' + digest(name)}


def test_names_equal_but_for_case_or_accents_each_get_the_digest_of_their_own_name():
    names = ['Archive', 'archive', 'ARCHIVE', '\u00c4rchive', 'Restore']
    assert stems(names) == {1: 'Archive--' + digest('Archive'), 2: 'archive--' + digest('archive'),
                            3: 'ARCHIVE--' + digest('ARCHIVE'), 4: 'Archive--' + digest('\u00c4rchive'), 5: 'Restore'}


def test_long_names_equal_in_their_first_forty_characters_are_told_apart():
    names = ['p' * 40 + ' one', 'p' * 40 + ' two']
    assert stems(names) == {1: 'p' * 40 + '--' + digest(names[0]), 2: 'p' * 40 + '--' + digest(names[1])}


def test_a_task_named_by_id_gives_its_id_and_no_form_meets_another():
    found = task_file_stems({1: None, 2: 'task-2', 3: 'task', 4: 'Task', 5: '', 6: 'task 1'})
    assert found == {1: 'task-1', 2: 'task_2', 3: 'task--' + digest('task'), 4: 'Task--' + digest('Task'),
                     5: 'task--' + digest(''), 6: 'task_1'}
    assert len(set(stem.lower() for stem in found.values())) == len(found)


def test_digests_whose_first_digits_meet_fall_back_to_the_ids(monkeypatch):
    class Same(object):
        @staticmethod
        def hexdigest():
            return '0' * 64
    monkeypatch.setattr(hashlib, 'sha256', lambda data: Same())
    assert task_file_stems({1: '\u65e5', 2: '\u672c', 3: 'Solo'}) == {1: 'task-1', 2: 'task-2', 3: 'Solo'}


@given(st.dictionaries(st.integers(1, 50), st.one_of(st.none(), st.text(max_size=80)), max_size=12))
def test_every_file_name_is_safe_bounded_and_unique_ignoring_case(names):
    tasks = [dict(id=task_id, name=name if name is not None else str(task_id)) for task_id, name in names.items()]
    callbacks = [callback(index, task['id'], script='s%d' % index) for index, task in enumerate(tasks * 2, 1)]
    files, _documents, _skipped = export(callbacks, tasks)
    assert len(files) == len(callbacks)
    assert len(set(name.lower() for name in files)) == len(files)
    for name in files:
        assert EXPORTED_NAME.match(name) and '/' not in name and '\x00' not in name and len(name) <= 80


def test_callbacks_apply_yml_could_not_apply_are_left_out_with_a_sentence_each():
    callbacks = [callback(1, 1, script='  \n'), callback(2, 1, script='x\udcff'),
                 callback(3, 1, callback_type='hook'), callback(4, 2)]
    files, documents, skipped = export(callbacks, [dict(id=1, name='a'), dict(id=2, name='b')])
    assert list(files) == ['b-filter-1.js']
    assert skipped == [
        'Callback 1 of task 1 is left out of the export: its script is empty, which the role would refuse to apply.',
        'Callback 2 of task 1 is left out of the export: its script holds characters that cannot be written as UTF-8.',
        'Callback 3 of task 1 is left out of the export: its type "hook" is not one the collection manages (filter).',
    ]
    assert items_of(documents)[0]['task'] == 'b'


def test_an_empty_server_gives_an_empty_list_and_the_apply_playbook_runs_locally():
    files, documents, skipped = export([], [])
    assert files == {} and skipped == []
    assert loaded(documents['callbacks.yml']) == dict(nodeum_task_callbacks=[])
    apply = loaded(documents['apply.yml'])[0]
    assert apply['connection'] == 'local' and apply['roles'][0]['role'] == 'nodeum.data_archiving.callbacks_as_code'
    # The scripts are read below the export directory, whatever templates/ or files/ a playbook beside it holds.
    assert apply['vars']['nodeum_export_dir'] == '{{ playbook_dir }}'
