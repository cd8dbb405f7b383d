#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: task_callback_export
short_description: Export every callback (filter script) of a Nodeum server into a directory, ready for git
version_added: '0.1.0'
description:
  - Reads every callback of every task of a Nodeum server and writes, on the controller, a directory to keep in git
    and to apply again with the P(nodeum.data_archiving.callbacks_as_code#role) role.
  - C(files/) holds one file per callback, with the script exactly as the server holds it, byte for byte, named
    C(<task>-<type>-<n>.js). No part of the name depends on the ids the server gave its callbacks, so two servers
    that hold the same callbacks on tasks of the same names give the same files, and a re-export renames nothing.
  - C(<task>) is the task's name made file-safe (ASCII letters, digits and C(_), accents dropped, at most 40
    characters), followed by C(--) and 8 hex digits of the SHA-256 of the whole name where nothing is left of it or
    where it equals another exported task's ignoring case; it is C(task-<id>) for a task that C(callbacks.yml) names
    by id. C(<n>) is the callback's place among its task's callbacks of its type in the byte order of their scripts,
    from 1. No name holds a C(/), and no two names differ only in case.
  - C(callbacks.yml) holds the role's C(nodeum_task_callbacks), one item per callback with its C(task), C(type) and
    C(script_file), and no callback id (the items of one task are matched to its callbacks by script). A task is
    named by its name where that name finds exactly one task of the server. Otherwise (a name that several tasks
    share, or of digits only, which would read as an id) it is named by its id B(and) its name as C(task_name), so
    that applying the file to a server where that id is another task fails before any write and names both tasks.
  - The first comment line of C(callbacks.yml) names the server exported; it is the one line in which the exports of
    two such servers differ.
  - C(apply.yml) is a playbook that applies C(callbacks.yml) with the role, taking the connection from the
    E(NODEUM_URL), E(NODEUM_USERNAME), ... environment variables. Right after the export it reports no change.
  - Only reads are sent to the server.
author:
  - Nodeum collection contributors (@nodeum)
extends_documentation_fragment:
  - nodeum.data_archiving.connection
  - nodeum.data_archiving.connection.ATTRIBUTES
attributes:
  check_mode:
    description: In check mode nothing is written; the result says which files would be written and removed.
    support: full
  diff_mode:
    description: Not supported; compare the directory with C(git diff) after the export.
    support: none
  async:
    description: Not supported; the directory is written on the controller, so a task with C(async) fails before any
      request.
    support: none
options:
  dest:
    description:
      - The directory to write, on the controller. It is created if needed. An empty value (an unset or empty variable)
        is refused before any request.
      - C(callbacks.yml), C(apply.yml) and the exported files of C(files/) are rewritten when their content differs;
        exported files that no callback needs any more are removed; any other file is left alone.
      - Nothing in O(dest) is followed or opened unless it is a regular file. A C(files) that is a symbolic link, or a
        link, a directory or a FIFO where the export writes a file, fails the task before any write, in one sentence
        that names it.
    type: path
    required: true
notes:
  - "Nothing the server returns is ever evaluated: each name in C(callbacks.yml) is a quoted YAML string, marked
    C(!unsafe) wherever it could hold Jinja, so Ansible never templates it and the names come back exactly."
  - "The export is whole or unchanged: every new file is first written into a staging directory beside its place
    (C(.nodeum-export-*) in O(dest) and in C(files/)), then each file is swapped in by a rename, and any failure undoes
    every step done so far, so that the previous export is back byte for byte. Only then are the previous files
    deleted."
  - "A callback that C(apply.yml) could not apply (an empty script, a type other than V(filter), or a script that cannot
    be written as UTF-8) is left out, with one warning that names it; every other callback is exported."
  - "API key scopes: C(tasks/index) and C(task_callbacks/index)."
  - "C(apply.yml) reads each script at C({{ nodeum_export_dir }}/files/...), the directory it is in, so that a
    C(templates/) or C(files/) beside it holding a file of the same name never stands in for the exported script."
seealso:
  - module: nodeum.data_archiving.task_callback_info
  - name: The callbacks_as_code role
    description: Applies the exported directory (its C(apply.yml) does); the role's C(export) entry point calls this
      module.
    link: https://github.com/nodeum/data_archiving/blob/main/roles/callbacks_as_code/README.md
'''

EXAMPLES = r'''
# Connection settings come from the NODEUM_* environment variables here.

- name: Export every callback of the server into nodeum/ beside the playbook
  nodeum.data_archiving.task_callback_export:
    dest: "{{ playbook_dir }}/nodeum"
  register: exported

- name: Show what changed since the last export
  ansible.builtin.debug:
    msg: "{{ exported.written }} written, {{ exported.removed }} removed"
'''

RETURN = r'''
dest:
  description: The directory written, as an absolute path on the controller.
  returned: success
  type: str
  sample: /home/ops/nodeum
count:
  description: The number of callbacks exported.
  returned: success
  type: int
  sample: 3
written:
  description: The files written (in check mode, that would be written) because they were missing or differed, relative
    to RV(dest).
  returned: success
  type: list
  elements: str
  sample: ["files/Archive_projects-filter-1.js", "callbacks.yml"]
removed:
  description: The exported files of an earlier export that no callback needs now, removed (in check mode, to remove).
  returned: success
  type: list
  elements: str
  sample: ["files/Nightly_backup-filter-2.js"]
left_out:
  description: One sentence per callback that was left out of the export, each also shown as a warning.
  returned: success
  type: list
  elements: str
  sample: ["Callback 14 of task 5 is left out of the export: its script is empty, which the role would refuse to
    apply."]
api_error:
  description:
    - On a failed API call, its facts beside C(msg), for a playbook to act on (for example with C(failed_when) or
      C(rescue)).
    - Not returned when the task failed before any request (a bad option, a missing credential).
  returned: when a request to the Nodeum API failed
  type: dict
  contains:
    status:
      description: The HTTP status of the answer, C(null) when no answer came (a refused connection, a timeout).
      type: int
      sample: 422
    method:
      description: The HTTP method of the failed request.
      type: str
      sample: GET
    path:
      description: The path of the failed request, below the API root C(/api/v2).
      type: str
      sample: tasks
    messages:
      description: The messages of the server's error answer, empty when it gave none.
      type: list
      elements: str
      sample: []
    details:
      description: The C(details) object of the server's error answer, empty when it gave none.
      type: dict
      sample: {}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.nodeum.data_archiving.plugins.module_utils import (
    callback_export,
    connection_options,
    module_run,
)


def main():
    module = AnsibleModule(
        argument_spec=connection_options.module_argument_spec(callback_export.OPTIONS),
        supports_check_mode=True,
        **connection_options.module_constraints(callback_export.CONSTRAINTS)
    )
    module_run.run(module, callback_export.read_export)


if __name__ == '__main__':
    main()
