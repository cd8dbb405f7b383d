# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of finding a task by id or by name, and of the sentences that say why not."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError


class TaskList:
    """Answers the task list with fixed items, whatever the filter (a server that ignores it)."""

    def __init__(self, items):
        self.items = items
        self.calls = []

    def paginate(self, path, items_key, params=None, limit=None, offset=0):
        self.calls.append((path, items_key, params))
        return list(self.items), len(self.items)


@pytest.mark.parametrize('task', [None, '', ' \t'])
def test_an_empty_task_is_refused_in_one_sentence(task):
    with pytest.raises(NodeumError) as caught:
        tasks.validate_task_reference(task)
    assert caught.value.message == 'task is empty; give the numeric id or the exact name of a Nodeum task.'


@pytest.mark.parametrize('task, is_id', [('12', True), (12, True), ('007', True), ('٣', False), ('1.5', False), ('-1', False), ('x1', False)])
def test_only_ascii_digits_are_an_id(task, is_id):
    assert tasks.is_task_id(task) is is_id


def test_a_name_is_looked_up_literally_and_checked_again():
    client = TaskList([{'id': 4, 'name': 'Backup'}, {'id': 2, 'name': 'Backup copy'}, {'id': 3}])
    assert tasks.resolve_task_id(client, 'Backup') == 4
    assert client.calls == [('tasks', 'tasks', {'name': '=Backup'})]


def test_an_id_is_used_as_it_is_without_a_request():
    client = TaskList([])
    assert tasks.resolve_task_id(client, '0042') == 42 and client.calls == []


def test_an_unknown_name_and_an_ambiguous_name_say_what_to_do():
    with pytest.raises(NodeumError) as caught:
        tasks.resolve_task_id(TaskList([{'id': 4, 'name': 'Other'}]), 'Backup')
    assert caught.value.message == "No Nodeum task is named 'Backup'; check the name (it is case-sensitive) or give the task's numeric id."
    with pytest.raises(NodeumError) as caught:
        tasks.resolve_task_id(TaskList([{'id': 9, 'name': 'Backup'}, {'id': 4, 'name': 'Backup'}]), 'Backup')
    assert caught.value.message == "2 Nodeum tasks are named 'Backup' (ids 4, 9); give the numeric id of the one you mean."


def test_an_id_sample_names_ten_and_counts_the_rest():
    assert tasks.id_sample([1, 2, 3]) == '1, 2, 3'
    assert tasks.id_sample(list(range(1, 11))) == '1, 2, 3, 4, 5, 6, 7, 8, 9, 10'
    assert tasks.id_sample(list(range(1, 12))) == '1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 1 more'
    assert tasks.id_sample(list(range(1, 13))) == '1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more'


def test_a_missing_task_id_is_not_offered_as_a_name():
    assert tasks.task_not_found(2024).message == ('Nodeum task 2024 does not exist; give the id of an existing task (digits are always read '
                                                  'as an id, so a name of digits only cannot be used).')
