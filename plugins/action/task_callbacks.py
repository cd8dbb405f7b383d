# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callbacks: item keys checked, every script_file read and checked on the
controller.

What it does, and why on the controller, is said in the action plugin of task_callback, whose base it shares.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible import constants as C

from ansible_collections.nodeum.data_archiving.plugins.action.task_callback import (
    PreparedModuleAction, ArgumentsRefused, script_subject, wants_check, replace_script_file,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callbacks
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils._unknown_options import unknown_item_keys_message
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils import _script_check


class ActionModule(PreparedModuleAction):
    """nodeum.data_archiving.task_callbacks."""

    MODULE_OPTIONS = tuple(task_callbacks.OPTIONS)

    def read_scripts(self, args, task_vars):
        items = args.get('callbacks')
        refusal = unknown_item_keys_message('callbacks', items, task_callbacks.PLAYBOOK_ITEM_KEYS)
        if refusal:
            raise ArgumentsRefused(refusal)
        try:
            task_check = _script_check.script_check(args.pop('syntax', None), args.pop('validate', None), 'The task')
            if not isinstance(items, list):
                return args  # the module says what callbacks must be
            read = [self.checked_item(index, item, task_check, task_vars) if isinstance(item, dict) else item
                    for index, item in enumerate(items)]
        except _script_check.CheckSettingError as error:
            raise ArgumentsRefused(str(error)) from None
        return dict(args, callbacks=read)

    def checked_item(self, index, item, task_check, task_vars):
        """The item with its script read, and checked as its syntax and validate ask (else as the task's check,
        whose settings were checked once); an item whose script fails the check carries the sentence as refusal, and
        the module fails that item alone."""
        label = task_callbacks.item_label(index, item)
        item = dict(item)
        syntax, validate = item.pop('syntax', None), item.pop('validate', None)
        check = task_check
        if syntax is not None or validate is not None:
            check = _script_check.script_check(task_check.syntax if syntax is None else syntax,
                                               task_check.validate if validate is None else validate, label)
        script_file = item.get('script_file')
        item = replace_script_file(self, item, task_vars, label)
        if wants_check(check, item):
            try:
                _script_check.check_script(check, item['script'], script_subject('The script', script_file),
                                           'nothing was sent for this item', script_file, C.DEFAULT_LOCAL_TMP)
            except _script_check.ScriptRefused as error:
                item['refusal'] = str(error)
        return item
