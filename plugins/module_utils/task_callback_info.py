# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading task callbacks: the logic of task_callback_info, free of AnsibleModule.

With a task, one task's callbacks (filters, sorting, paging). Without one, the inventory of the
server: every task (every page), then each task's callbacks (every page, the same filters),
read at most MAX_CONCURRENT_REQUESTS at a time, each item with the name of its task.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import MAX_CONCURRENT_REQUESTS, sort_by_param
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError, NodeumNotFound
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_callbacks, list_tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import callback_record
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import (
    resolve_task_id,
    task_not_found,
    validate_task_reference,
)

SORTABLE_ATTRIBUTES = ('id', 'type', 'script')
FILTER_OPTIONS = ('id', 'type', 'script')

OPTIONS = dict(
    task=dict(type='str'),
    callback_id=dict(type='int'),
    id=dict(type='str'),
    type=dict(type='str'),
    script=dict(type='str'),
    sort_by=dict(type='list', elements='str'),
    limit=dict(type='int'),
    offset=dict(type='int'),
)

CONSTRAINTS = dict(mutually_exclusive=[('callback_id', 'id')])


def list_query(params):
    """The validated query (filters, sort, paging), or NodeumError before any request is sent."""
    if params.get('task') is not None:
        validate_task_reference(params.get('task'))
    elif params.get('limit') is not None or params.get('offset') is not None:
        raise NodeumError('limit and offset page the callbacks of one task; without task the module returns every '
                          'matching callback '
                          'of every task, so give task, or leave limit and offset out and narrow the list with the '
                          'filters.')
    filters = dict((name, params[name]) for name in FILTER_OPTIONS if params.get(name) is not None)
    if params.get('callback_id') is not None:
        filters['id'] = '=%d' % params['callback_id']
    if params.get('sort_by'):
        filters['sort_by'] = sort_by_param(params['sort_by'], SORTABLE_ATTRIBUTES)
    limit = params.get('limit')
    offset = params.get('offset') or 0
    if limit is not None and limit < 1:
        raise NodeumError('limit must be 1 or more, got %s; leave it out to read every callback.' % limit)
    if offset < 0:
        raise NodeumError('offset must be 0 or more, got %s.' % offset)
    return dict(params=filters, limit=limit, offset=offset)


# pylint: disable-next=unused-argument  # it changes nothing and never waits
def read_task_callbacks(client, params, context):
    """List a task's callbacks, every page of them unless limit says otherwise; without task, every task's."""
    query = list_query(params)
    if params.get('task') is None:
        return read_inventory(client, params, query)
    task_id = resolve_task_id(client, params['task'])
    try:
        found, count = list_callbacks(
            client, task_id, params=query['params'], limit=query['limit'], offset=query['offset'])
    except NodeumNotFound:
        raise task_not_found(task_id) from None
    if params.get('callback_id') is not None and not found:
        raise NodeumError('Nodeum task %s has no callback %s; list the task\'s callbacks without callback_id to find '
                          'the right id.'
                          % (task_id, params['callback_id']))
    return dict(changed=False, task_callbacks=[callback_record(item, task_id) for item in found], count=count)


def read_inventory(client, params, query, tasks=None):
    """Every task's matching callbacks, by ascending task id, each with task_id and task_name.

    tasks is the server's task listing when the caller has read it already.
    """
    if tasks is None:
        tasks, _count = list_tasks(client)
    tasks = sorted(tasks, key=lambda task: task['id'])
    with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_REQUESTS) as pool:
        pages = list(pool.map(lambda task: _callbacks_of(client, task['id'], query['params']), tasks))
    found = []
    count = 0
    for task, (callbacks, task_count) in zip(tasks, pages):
        count += task_count
        found.extend(dict(callback_record(item, task['id']), task_name=task.get('name')) for item in callbacks)
    if params.get('callback_id') is not None and not found:
        raise NodeumError(
            'No Nodeum task has a callback %s; list the callbacks without callback_id to find the right id.'
            % params['callback_id']
        )
    return dict(changed=False, task_callbacks=found, count=count)


def _callbacks_of(client, task_id, filters):
    try:
        return list_callbacks(client, task_id, params=filters)
    except NodeumNotFound:  # removed since the task listing: it holds no callback any more
        return [], 0
