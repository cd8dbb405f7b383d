# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the export directory of the role's export entry point, in one process.

Reads a JSON object from standard input: {"directory": ..., "scripts": {file name: text}, "documents":
{file name: text}} (the scripts go to files/, the documents beside it). Each file is written as UTF-8,
byte for byte (no line-ending or final-newline change), and only when its bytes differ, through a
temporary file and a rename. Script files of an earlier export (named like the export names them)
that no script needs now are removed; other files are left alone. Prints {"written": [...],
"removed": [...]} as JSON.

One process for the whole directory: a copy task per file would cost two module runs per callback.
"""

from __future__ import absolute_import, division, print_function

import io
import json
import os
import re
import sys
import tempfile

EXPORTED_NAME = re.compile(r'^task[0-9]+-[A-Za-z0-9_]+-[0-9]+\.js$')


def write_if_different(path, text):
    data = text.encode('utf-8')
    if os.path.isfile(path):
        with io.open(path, 'rb') as current:
            if current.read() == data:
                return False
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.export-')
    try:
        with os.fdopen(handle, 'wb') as output:
            output.write(data)
        os.chmod(temporary, 0o644)
        os.rename(temporary, path)
    except Exception:
        os.unlink(temporary)
        raise
    return True


def write_export(directory, scripts, documents):
    files_dir = os.path.join(directory, 'files')
    if not os.path.isdir(files_dir):
        os.makedirs(files_dir)
    written = [name for name in sorted(scripts) if write_if_different(os.path.join(files_dir, name), scripts[name])]
    removed = sorted(name for name in os.listdir(files_dir) if EXPORTED_NAME.match(name) and name not in scripts)
    for name in removed:
        os.unlink(os.path.join(files_dir, name))
    written += [name for name in sorted(documents) if write_if_different(os.path.join(directory, name), documents[name])]
    return dict(written=written, removed=['files/' + name for name in removed])


def main():
    request = json.loads(sys.stdin.read())
    unsafe = [name for name in request['scripts'] if not EXPORTED_NAME.match(name)]
    unsafe += [name for name in request['documents'] if os.path.basename(name) != name or name.startswith('.')]
    if unsafe:
        sys.stderr.write('Refusing to write files with unexpected names: %s\n' % ', '.join(unsafe))
        return 1
    try:
        result = write_export(request['directory'], request['scripts'], request['documents'])
    except (IOError, OSError) as error:
        sys.stderr.write('Cannot write the export into %s: %s\n' % (request['directory'], error))
        return 1
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
