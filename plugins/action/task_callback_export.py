# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callback_export: the module reads the server, this writes the directory.

The directory is on the controller, so it is written here. Every file that differs is first written
into a temporary directory inside dest and only then moved into place, so a failure leaves the
previous export as it was.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import tempfile

from ansible_collections.nodeum.data_archiving.plugins.action.task_callback import ModuleWithScriptFiles
from ansible_collections.nodeum.data_archiving.plugins.module_utils import callback_export

DOCUMENTS = ('callbacks.yml', 'apply.yml')
ASYNC_REFUSAL = ('The task sets async, but task_callback_export writes its directory on the controller from the answer '
                 'of the module, so it cannot run in the background; remove async and poll from the task.')


class ActionModule(ModuleWithScriptFiles):
    """nodeum.data_archiving.task_callback_export."""

    MODULE_OPTIONS = tuple(callback_export.OPTIONS)
    _supports_async = False  # the directory is written here, from the answer that an async job keeps to itself

    def run(self, tmp=None, task_vars=None):
        if self._task.async_val:
            return dict(failed=True, changed=False, msg=ASYNC_REFUSAL)
        result = super(ActionModule, self).run(tmp, task_vars)
        export = result.pop('export', None)
        if result.get('failed') or export is None:
            return result
        dest = os.path.abspath(os.path.expanduser(str(self._task.args.get('dest'))))
        try:
            written, removed = write_export(dest, export['files'], export['documents'], bool(self._task.check_mode))
        except ExportError as error:
            return dict(result, failed=True, changed=False, msg=str(error))
        result.update(changed=bool(written or removed), dest=dest, written=written, removed=removed, left_out=export['left_out'])
        result['warnings'] = list(result.get('warnings') or []) + export['left_out']
        return result


class ExportError(Exception):
    """The export directory cannot be written: its text is the sentence for the user."""


def write_export(dest, files, documents, check_mode):
    """Bring dest to the export; return (written, removed), paths relative to dest. In check mode, only tell."""
    wanted = dict(('files/' + name, text) for name, text in files.items())
    wanted.update((name, documents[name]) for name in DOCUMENTS)
    unexpected = [name for name in files if not callback_export.EXPORTED_NAME.match(name)]
    if unexpected:
        raise ExportError('The export holds file names it does not make (%s); nothing was written.' % ', '.join(sorted(unexpected)[:3]))
    written = [path for path in sorted(wanted) if _current_bytes(os.path.join(dest, path)) != wanted[path].encode('utf-8')]
    removed = _stale_files(dest, files)
    if check_mode or not (written or removed):
        return written, removed
    try:
        _replace(dest, dict((path, wanted[path]) for path in written), removed)
    except (IOError, OSError) as error:
        raise ExportError('Cannot write the export into %s (%s); the previous export, if any, is as it was.'
                          % (dest, error.strerror or error)) from None
    return written, removed


def _current_bytes(path):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _stale_files(dest, files):
    directory = os.path.join(dest, 'files')
    names = os.listdir(directory) if os.path.isdir(directory) else []
    return ['files/' + name for name in sorted(names) if callback_export.EXPORTED_NAME.match(name) and name not in files]


def _replace(dest, contents, removed):
    """Write every file into a temporary directory in dest first, then move them into place."""
    os.makedirs(os.path.join(dest, 'files'), exist_ok=True)
    staging = tempfile.mkdtemp(dir=dest, prefix='.nodeum-export-')
    try:
        for path, text in contents.items():
            staged = os.path.join(staging, path.replace('/', '--'))
            with open(staged, 'wb') as handle:
                handle.write(text.encode('utf-8'))
            os.chmod(staged, 0o644)
        for path in contents:
            os.replace(os.path.join(staging, path.replace('/', '--')), os.path.join(dest, path))
        for path in removed:
            os.unlink(os.path.join(dest, path))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
