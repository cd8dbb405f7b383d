# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callback_export: the module reads the server, this writes the directory.

The directory is on the controller, so it is written here, by plugin_utils.export_writer: whole or
unchanged, never through a link. dest is checked before the module sends any request.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.action.task_callback import PreparedModuleAction
from ansible_collections.nodeum.data_archiving.plugins.module_utils import callback_export
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils.export_writer import (
    ExportError, destination, write_export,
)

ASYNC_REFUSAL = ('The task sets async, but task_callback_export writes its directory on the controller from the answer '
                 'of the module, so it cannot run in the background; remove async and poll from the task.')


class ActionModule(PreparedModuleAction):
    """nodeum.data_archiving.task_callback_export."""

    MODULE_OPTIONS = tuple(callback_export.OPTIONS)
    _supports_async = False  # the directory is written here, from the answer that an async job keeps to itself

    def run(self, tmp=None, task_vars=None):
        del tmp  # tmp no longer has any effect
        if self._task.async_val:
            return dict(failed=True, changed=False, msg=ASYNC_REFUSAL)
        try:
            dest = destination(self._task.args.get('dest'))
        except ExportError as error:
            return dict(failed=True, changed=False, msg=str(error))
        result = super(ActionModule, self).run(task_vars=task_vars)
        export = result.pop('export', None)
        if result.get('failed') or export is None:
            return result
        try:
            done = write_export(dest, export['files'], export['documents'], bool(self._task.check_mode))
        except ExportError as error:
            return dict(result, failed=True, changed=False, msg=str(error))
        result.update(changed=bool(done.written or done.removed), dest=dest, written=done.written, removed=done.removed,
                      left_out=export['left_out'])
        result['warnings'] = list(result.get('warnings') or []) + export['left_out'] + done.warnings
        return result
