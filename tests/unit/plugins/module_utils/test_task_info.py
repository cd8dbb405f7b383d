# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the task_info logic, against the emulator through the real client (the `nodeum` fixture)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_info import read_tasks


def params(**overrides):
    values = dict(id=None, name=None, sort_by=None)
    values.update(overrides)
    return values


def test_every_task_every_page_as_the_server_returns_it(nodeum):
    tasks = [dict(id=task_id, name='task %d' % task_id, status='done', priority=task_id % 7)
             for task_id in range(1, 121)]
    nodeum.control.replace_state(tasks, [])
    result = read_tasks(nodeum.client, params(), nodeum.context(check_mode=True))
    assert result == dict(changed=False, tasks=tasks, count=120)
    assert len(nodeum.requests()) == 3  # the emulator's pages hold 50 tasks


@pytest.mark.parametrize('overrides, ids', [
    (dict(name='Archive'), [1, 3]),
    (dict(name='~Arch%'), [1, 3]),
    (dict(name='!=Archive'), [2, 4]),
    (dict(name='=>x'), [4]),                  # '=' makes the rest a literal name, operator characters and all
    (dict(id='><2|3|9'), [2, 3]),
    (dict(id='>=3', name='Archive'), [3]),    # filters combine with AND
    (dict(sort_by=['name:desc', 'id']), [2, 1, 3, 4]),  # '>' sorts before the letters
    (dict(name='Nothing like it'), []),
])
def test_the_apis_filters_and_sorting(nodeum, overrides, ids):
    nodeum.load(tasks={1: 'Archive', 2: 'Nightly', 3: 'Archive', 4: '>x'})
    result = read_tasks(nodeum.client, params(**overrides), nodeum.context())
    assert [task['id'] for task in result['tasks']] == ids and result['count'] == len(ids)


def test_a_bad_sort_is_refused_before_any_request(nodeum):
    nodeum.load()
    with pytest.raises(NodeumError) as caught:
        read_tasks(nodeum.client, params(sort_by=['status']), nodeum.context())
    assert caught.value.message == ("sort_by entry 'status' is not one of id, name, optionally followed by :asc or "
                                    ":desc.")
    assert nodeum.requests() == []


def test_a_task_the_collection_cannot_use_fails_in_one_sentence(nodeum):
    nodeum.load()
    nodeum.fault(method='GET', path='^/api/v2/tasks$', status=200, content_type='application/json',
                 body='{"count": 1, "tasks": [{"id": "1; rm", "name": "x"}]}')
    with pytest.raises(NodeumError, match=r'^The Nodeum API answered GET \S*/api/v2/tasks with a task whose id is '):
        read_tasks(nodeum.client, params(), nodeum.context())
