# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_info: a misspelled option named with the closest valid one, then the
module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.action.task_callback import PreparedModuleAction
from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_info


class ActionModule(PreparedModuleAction):
    """nodeum.data_archiving.task_info (it has no script_file: read_scripts finds none)."""

    MODULE_OPTIONS = tuple(task_info.OPTIONS)
