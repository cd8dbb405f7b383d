# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callback: in-process on the controller, else the module.

The adapter itself (when to run in-process, argument validation, the module-shaped answer) is
plugins/plugin_utils/_in_process.py, shared by every action plugin of the collection.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection, task_callback
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils._in_process import InProcessModuleAction


class ActionModule(InProcessModuleAction):
    """nodeum.data_archiving.task_callback: in-process on the controller, else the module."""

    ARGUMENT_SPEC = connection.module_argument_spec(task_callback.OPTIONS)
    CONSTRAINTS = connection.module_constraints(task_callback.CONSTRAINTS)
    RESOURCE_LOGIC = staticmethod(task_callback.ensure_task_callback)
