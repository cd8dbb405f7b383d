# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many task callbacks in one run: the logic of the task_callbacks module, free of AnsibleModule."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import CALLBACK_TYPES

EXCLUSIVE_SCOPES = ('listed_tasks', 'all_tasks')

ITEM_OPTIONS = dict(
    task=dict(type='str'),
    callback_id=dict(type='int'),
    type=dict(type='str', default='filter', choices=list(CALLBACK_TYPES)),
    script=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)

OPTIONS = dict(
    callbacks=dict(type='list', elements='dict', required=True, options=ITEM_OPTIONS),
    exclusive=dict(type='bool', default=False),
    exclusive_scope=dict(type='str', default='listed_tasks', choices=list(EXCLUSIVE_SCOPES)),
)

CONSTRAINTS = dict()


def ensure_task_callbacks(client, params, check_mode=False):
    raise NodeumError('task_callbacks is not implemented yet.')
