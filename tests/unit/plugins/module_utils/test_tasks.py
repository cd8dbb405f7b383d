# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of finding a task by id or by name (against the emulator, the `nodeum` fixture), and of the sentences
that say why not."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError


@pytest.mark.parametrize('task', [None, '', ' \t'])
def test_an_empty_task_is_refused_in_one_sentence(task):
    with pytest.raises(NodeumError) as caught:
        tasks.validate_task_reference(task)
    assert caught.value.message == 'task is empty; give the numeric id or the exact name of a Nodeum task.'


@pytest.mark.parametrize(
    'task, is_id',
    [('12', True), (12, True), ('007', True), ('٣', False), ('1.5', False), ('-1', False), ('x1', False)],
)
def test_only_ascii_digits_are_an_id(task, is_id):
    assert tasks.is_task_id(task) is is_id


def test_a_name_is_looked_up_literally(nodeum):
    nodeum.load(tasks={4: 'Backup', 2: 'Backup copy', 5: '>Backup', 6: '%'})
    assert [tasks.resolve_task_id(nodeum.client, name) for name in ('Backup', '>Backup', '%')] == [4, 5, 6]
    assert nodeum.requests() == [('GET', 'tasks', {'name': '=' + name}) for name in ('Backup', '>Backup', '%')]


def test_a_listing_is_checked_again_for_the_exact_name(client_mock):
    """A server that ignores the name filter: only the task of exactly that name counts."""
    client_mock.paginate.return_value = (
        [{'id': 4, 'name': 'Backup'}, {'id': 2, 'name': 'Backup copy'}, {'id': 3, 'name': 'x'}], 3)
    assert tasks.resolve_task_id(client_mock, 'Backup') == 4


def test_an_id_is_used_as_it_is_without_a_request(client_mock):
    assert tasks.resolve_task_id(client_mock, '0042') == 42 and client_mock.method_calls == []


def test_an_unknown_name_and_a_shared_name_say_what_to_do(nodeum):
    nodeum.load(tasks={4: 'Other', 9: 'Backup', 3: 'Backup'})
    with pytest.raises(NodeumError) as caught:
        tasks.resolve_task_id(nodeum.client, 'backup')
    assert caught.value.message == ("No Nodeum task is named 'backup'; check the name (it is case-sensitive) or give "
                                    "the task's numeric id.")
    with pytest.raises(NodeumError) as caught:
        tasks.resolve_task_id(nodeum.client, 'Backup')
    assert caught.value.message == ("2 Nodeum tasks are named 'Backup' (ids 3, 9); give the numeric id of the one you "
                                    "mean.")


def test_an_id_sample_names_ten_and_counts_the_rest():
    assert tasks.id_sample([1, 2, 3]) == '1, 2, 3'
    assert tasks.id_sample(list(range(1, 11))) == '1, 2, 3, 4, 5, 6, 7, 8, 9, 10'
    assert tasks.id_sample(list(range(1, 12))) == '1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 1 more'
    assert tasks.id_sample(list(range(1, 13))) == '1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more'


def test_a_missing_task_id_is_not_offered_as_a_name():
    assert tasks.task_not_found(2024).message == ('Nodeum task 2024 does not exist; give the id of an existing task '
                                                  '(digits are always read '
                                                  'as an id, so a name of digits only cannot be used).')
