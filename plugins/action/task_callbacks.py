# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callbacks: in-process on the controller, else the module.

The adapter itself is plugins/plugin_utils/_in_process.py, shared by every action plugin of the collection.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection, task_callbacks
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils._in_process import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    """nodeum.data_archiving.task_callbacks: in-process on the controller, else the module."""

    ARGUMENT_SPEC = connection.module_argument_spec(task_callbacks.OPTIONS)
    CONSTRAINTS = connection.module_constraints(task_callbacks.CONSTRAINTS)
    RESOURCE_LOGIC = staticmethod(task_callbacks.ensure_task_callbacks)
