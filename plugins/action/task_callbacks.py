# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callbacks: item keys checked and every script_file read on the controller.

What it does, and why on the controller, is said in the action plugin of task_callback, whose base it shares.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.action.task_callback import ModuleWithScriptFiles, ScriptFileError, with_script_read
from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callbacks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.unknown_options import unknown_item_keys_message


class ActionModule(ModuleWithScriptFiles):
    """nodeum.data_archiving.task_callbacks."""

    MODULE_OPTIONS = tuple(task_callbacks.OPTIONS)

    def with_scripts_read(self, args, task_vars):
        items = args.get('callbacks')
        refusal = unknown_item_keys_message('callbacks', items, task_callbacks.ITEM_OPTIONS)
        if refusal:
            raise ScriptFileError(refusal)
        if not isinstance(items, list):
            return args  # the module says what callbacks must be
        read = [with_script_read(self, item, task_vars, task_callbacks.item_label(index, item)) if isinstance(item, dict) else item
                for index, item in enumerate(items)]
        return dict(args, callbacks=read)
