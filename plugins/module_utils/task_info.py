# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the server's tasks: the logic of task_info, free of AnsibleModule.

Every page of GET /tasks, with the API's filters on id and name and its sorting, each task checked
as server_data checks every task listing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import sort_by_param
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_tasks

FILTER_OPTIONS = ('id', 'name')
SORTABLE_ATTRIBUTES = ('id', 'name')

OPTIONS = dict(
    id=dict(type='str'),
    name=dict(type='str'),
    sort_by=dict(type='list', elements='str'),
)

CONSTRAINTS = dict()


def read_tasks(client, params, context):  # pylint: disable=unused-argument  # it changes nothing and never waits
    """The tasks the filters match, every page of them, as the server returns them, and their count."""
    query = dict((name, params[name]) for name in FILTER_OPTIONS if params.get(name) is not None)
    if params.get('sort_by'):
        query['sort_by'] = sort_by_param(params['sort_by'], SORTABLE_ATTRIBUTES)
    found, count = list_tasks(client, params=query)
    return dict(changed=False, tasks=found, count=count)
