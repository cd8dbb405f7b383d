# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing an export directory on the controller: whole or unchanged, and never through a link.

The export owns callbacks.yml and apply.yml in dest, and the files of files/ whose names it makes.
write_export() compares each of them with what the export holds, then changes only those that
differ, in one swap:

1. every new file is written into a staging directory beside its place (dest/.nodeum-export-*
   and dest/files/.nodeum-export-*, so each later rename stays on one file system);
2. each file it replaces or removes is renamed into that staging directory, and each new one is
   renamed into its place;
3. on any failure, every step done so far is undone in reverse order, so the previous export is
   back byte for byte; only after the last rename are the previous files deleted.

Nothing in dest is followed or opened unless it is a regular file: a symbolic link, a directory,
a FIFO or a device where the export writes a file fails the export before any write, and entries
of files/ that are not regular files are never removed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import stat
import tempfile
from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.callback_export import DOCUMENTS, EXPORTED_NAME

STAGING_PREFIX = '.nodeum-export-'
NEW_PREFIX, OLD_PREFIX = 'new-', 'old-'  # in a staging directory: a new file, and a previous one kept until the end
FILE_MODE = 0o644
READ_FLAGS = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0)
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0)

EMPTY_DEST = ('dest is empty, which would write the export into the current directory; give the directory to '
              'export into (an unset or empty variable gives an empty dest). Nothing was read or written.')

# written and removed: paths relative to dest, sorted; warnings: sentences for a swap that succeeded but left
# its staging directory behind.
WriteResult = namedtuple('WriteResult', 'written removed warnings')


class ExportError(Exception):
    """The export directory cannot be written: its text is the sentence for the user."""


def destination(dest):
    """The absolute path of dest, or ExportError for a dest that is empty or where no export can go."""
    if dest is None or not str(dest).strip():
        raise ExportError(EMPTY_DEST)
    path = os.path.abspath(os.path.expanduser(str(dest)))
    # dest itself is the user's own path (it may be a link to a directory); what is in it is not followed.
    if os.path.lexists(path) and not os.path.isdir(path):
        raise ExportError('dest %s is %s, not a directory; give the directory to export into. Nothing was written.'
                          % (path, _kind(os.lstat(path).st_mode)))
    files = os.path.join(path, 'files')
    mode = _lstat_mode(files)
    if mode is not None and not stat.S_ISDIR(mode):
        raise ExportError('%s is %s, where the export keeps its scripts in a directory; move it away, or give '
                          'another dest. Nothing was written.' % (files, _kind(mode)))
    return path


def write_export(dest, files, documents, check_mode):
    """Bring the directory dest to the export: {name: script} in files/, {name: text} for callbacks.yml and apply.yml.

    Returns a WriteResult; in check mode it only tells. Raises ExportError, the previous export as it was.
    """
    path = destination(dest)
    unexpected = sorted(name for name in files if not EXPORTED_NAME.match(name))
    if unexpected:
        raise ExportError('The export holds file names it does not make (%s); nothing was written.'
                          % ', '.join(unexpected[:3]))
    wanted = dict(('files/' + name, text.encode()) for name, text in files.items())
    wanted.update((name, documents[name].encode()) for name in DOCUMENTS)
    written = [name for name in sorted(wanted) if _current_bytes(os.path.join(path, name)) != wanted[name]]
    removed = _stale_files(path, files)
    if check_mode or not (written or removed):
        return WriteResult(written, removed, [])
    swap = _Swap(path)
    swap.run(dict((name, wanted[name]) for name in written), removed)
    return WriteResult(written, removed, swap.clean_up())


def _current_bytes(path):
    """The bytes of the regular file at path, None when there is none; ExportError when something else is there."""
    mode = _lstat_mode(path)
    if mode is None:
        return None
    if not stat.S_ISREG(mode):
        raise ExportError('%s is %s, where the export writes a file; move it away, or give another dest. '
                          'Nothing was written.' % (path, _kind(mode)))
    try:
        handle = os.open(path, READ_FLAGS)  # no link followed, and no wait on a FIFO put there since the check
    except OSError:
        return None  # unreadable: it differs, and the swap replaces it
    if not stat.S_ISREG(os.fstat(handle).st_mode):  # something else put there since the check: it differs
        os.close(handle)
        return None
    with os.fdopen(handle, 'rb') as stream:
        return stream.read()


def _stale_files(path, files):
    """The regular files of files/ with a name the export makes that no callback needs now."""
    directory = os.path.join(path, 'files')
    if _lstat_mode(directory) is None:
        return []
    return ['files/' + name for name in sorted(os.listdir(directory))
            if EXPORTED_NAME.match(name) and name not in files and _is_regular_file(os.path.join(directory, name))]


def _is_regular_file(path):
    mode = _lstat_mode(path)
    return mode is not None and stat.S_ISREG(mode)


def _lstat_mode(path):
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _kind(mode):
    kinds = ((stat.S_ISLNK, 'a symbolic link'), (stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a named pipe (FIFO)'),
             (stat.S_ISSOCK, 'a socket'), (stat.S_ISREG, 'a file'))
    return next((word for test, word in kinds if test(mode)), 'a device')


class _Swap:
    """One change of an export directory, undone step by step on any failure."""

    def __init__(self, path):
        self.path = path
        self.undo = []  # (function, arguments), in the order the steps were done
        self.staging = {}  # the directory of a file -> its staging directory
        self.previous = []  # the previous files, kept in staging until the swap is done

    def run(self, contents, removed):
        """Write contents {relative path: bytes} and remove the removed paths, or ExportError with every step undone."""
        try:
            self._make_directories(contents)
            staged = dict((name, self._stage(name, data)) for name, data in sorted(contents.items()))
            for name in sorted(contents):
                self._set_aside(name)
                self._do((os.rename, self._full(name), staged[name]), os.rename, staged[name], self._full(name))
            for name in removed:
                self._set_aside(name)
        except OSError as error:
            self._roll_back(error)

    def clean_up(self):
        """Delete the previous files and the staging directories; warnings for what could not be removed."""
        warnings = []
        try:
            for kept in self.previous:
                os.unlink(kept)
            for directory in self.staging.values():
                os.rmdir(directory)
        except OSError as error:
            warnings.append('The export is written, but its staging directory could not be removed (%s); remove %s '
                            'by hand.' % (_reason(error), ' and '.join(sorted(self.staging.values()))))
        return warnings

    def _full(self, name):
        return os.path.join(self.path, name)

    def _do(self, undo, function, *arguments):
        """One step, and the step that undoes it once it is done."""
        function(*arguments)
        self.undo.append(undo)

    def _make_directories(self, contents):
        missing = []
        parent = self.path
        while not os.path.lexists(parent):
            missing.insert(0, parent)
            parent = os.path.dirname(parent)
        if any(name.startswith('files/') for name in contents) and not os.path.lexists(self._full('files')):
            missing.append(self._full('files'))
        for directory in missing:
            self._do((os.rmdir, directory), os.mkdir, directory)

    def _staging_for(self, directory):
        if directory not in self.staging:
            staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory)  # mode 0o700, a name of its own
            self.undo.append((os.rmdir, staging))  # rmdir: never removes a kept file
            self.staging[directory] = staging
        return self.staging[directory]

    def _stage(self, name, data):
        full = self._full(name)
        staged = os.path.join(self._staging_for(os.path.dirname(full)), NEW_PREFIX + os.path.basename(full))
        handle = os.open(staged, CREATE_FLAGS)
        self.undo.append((os.unlink, staged))
        try:
            os.fchmod(handle, FILE_MODE)  # whatever the umask, as the files of a git checkout
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        return staged

    def _set_aside(self, name):
        """Rename the file at name, if any, into its staging directory, to delete once the swap is done."""
        full = self._full(name)
        if not os.path.lexists(full):
            return
        kept = os.path.join(self._staging_for(os.path.dirname(full)), OLD_PREFIX + os.path.basename(full))
        self._do((os.rename, kept, full), os.rename, full, kept)
        self.previous.append(kept)

    def _roll_back(self, error):
        first_failure = None
        for function, *arguments in reversed(self.undo):
            try:
                function(*arguments)
            except OSError as undo_error:
                first_failure = first_failure or undo_error
        if first_failure is None:
            raise ExportError('Cannot write the export into %s (%s); the directory is as it was before the export.'
                              % (self.path, _reason(error)))
        raise ExportError('Cannot write the export into %s (%s), and putting the previous export back failed too (%s); '
                          'the files not back in place are in %s: move them back by hand.'
                          % (self.path, _reason(error), _reason(first_failure),
                             ' and '.join(sorted(self.staging.values()))))


def _reason(error):
    """What an OSError says: its strerror, else all of it."""
    return error.strerror or error
