#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: task_callbacks
short_description: Bring many callbacks (filter scripts) of Nodeum tasks to a listed state in one task
version_added: '0.1.0'
description:
  - Creates, updates or removes the callbacks listed in O(callbacks), on any number of Nodeum tasks, in one
    Ansible task, through the Nodeum REST API v2.
  - Each item of O(callbacks) has the keys and the meaning of the options of M(nodeum.data_archiving.task_callback)
    (O(callbacks[].task), O(callbacks[].type), O(callbacks[].callback_id), O(callbacks[].script), O(callbacks[].script_file),
    O(callbacks[].state)), and the module decides each item exactly as M(nodeum.data_archiving.task_callback) would.
  - With O(exclusive=true) it also removes every callback that no item declares, on the tasks the items name, or with
    O(exclusive_scope=all_tasks) on every task of the server, so that the server holds what the list says.
  - RV(drift) lists, per task, what the run creates, updates and removes (in check mode, what it would);
    C(--check --diff) shows the same as one diff per callback.
author:
  - Nodeum collection contributors (@nodeum)
extends_documentation_fragment:
  - nodeum.data_archiving.connection
  - nodeum.data_archiving.connection.ATTRIBUTES
attributes:
  check_mode:
    description: In check mode the module sends only GET requests and reports exactly the changes a real run would make.
    support: full
  diff_mode:
    description:
      - One unified diff of the script per callback touched, headed with the task and the callback as
        M(nodeum.data_archiving.task_callback) heads it, for example C(task 3 / filter callback 12).
    support: full
  async:
    description: The module runs as an C(async) job on the host; a C(script_file) is read on the controller before
      the job starts.
    support: full
options:
  callbacks:
    description:
      - The callbacks to manage, one item per callback, each with the meaning of the options of
        M(nodeum.data_archiving.task_callback).
      - Two items may not manage the same callback; the module fails both and names them.
      - An empty list manages nothing. With O(exclusive=true) and O(exclusive_scope=all_tasks) it would remove every
        callback of the server, which needs O(allow_empty=true).
    type: list
    elements: dict
    required: true
    suboptions:
      task:
        description:
          - The task that owns the callback, by numeric id or by name. Every item needs it; an item without it, or with an
            empty value, fails before any request is sent, with its index.
          - A value of digits only is an id. Anything else is a name; it must match exactly one task (names are
            case-sensitive and not unique on a Nodeum server), otherwise the item fails and the message lists the ids found.
        type: str
      callback_id:
        description:
          - The id of one existing callback of O(callbacks[].task) to manage, as the server gave it.
          - Needed only when the task holds several callbacks of the same type.
        type: int
      type:
        description:
          - The type of the callback. V(filter) is the only type the API knows today.
        type: str
        choices: [filter]
        default: filter
      script:
        description:
          - The script of the callback, as text; with O(callbacks[].state=present) give it here or in O(callbacks[].script_file).
            It must not be empty or only white space, and a value that is not text is refused.
          - It is compared and sent byte for byte, without trimming or normalising line endings.
        type: raw
      script_file:
        description:
          - A file that holds the script, found and read on the controller as O(nodeum.data_archiving.task_callback#module:script_file)
            is (the C(templates/) and C(files/) directories of the role and the playbook, then the path as given), byte for byte,
            or rendered with the task's variables when its name ends in C(.j2).
          - Mutually exclusive with O(callbacks[].script).
        type: str
      state:
        description:
          - V(present) makes sure the callback exists with O(callbacks[].script).
          - V(absent) makes sure it does not exist.
        type: str
        choices: [present, absent]
        default: present
  exclusive:
    description:
      - Also remove every callback that no item of O(callbacks) declares, on the tasks in O(exclusive_scope).
      - An item without O(callbacks[].callback_id) on a task that holds several callbacks of its type keeps one of them,
        the one whose script matches, else the one with the lowest id (updated to the item's script), and the others are
        removed. Without exclusive mode such an item fails and asks for O(callbacks[].callback_id).
      - Use C(--check --diff) first to see what would be removed; RV(drift) lists it per task.
    type: bool
    default: false
  exclusive_scope:
    description:
      - The tasks on which O(exclusive=true) removes the callbacks no item declares.
      - V(listed_tasks) is the tasks the items name.
      - V(all_tasks) is every task of the server, including those no item names (every callback of theirs is removed).
        It needs O(exclusive=true), so that it is never switched on by accident.
    type: str
    choices: [listed_tasks, all_tasks]
    default: listed_tasks
  allow_empty:
    description:
      - Allow O(exclusive=true) with O(exclusive_scope=all_tasks) when O(callbacks) declares no callback (an empty list,
        or only items with O(callbacks[].state=absent)), which removes every callback of the server.
      - Without it such a run fails before any request, also in check mode; an empty list there is far more often a
        misspelled or unloaded variable than a wish to empty the server.
    type: bool
    default: false
notes:
  - "B(Requests.) Every item is checked before any request is sent: one bad item fails the task with a sentence that
    names the item's index and task, and nothing is sent. A task name is looked up once however many items name it:
    with up to 5 distinct names one C(GET /tasks?name=) each, with more one listing of every task (C(GET /tasks), every
    page), which is then cheaper. Each task's callbacks are read once (C(GET /tasks/{id}/task_callbacks), every page),
    whatever the number of items on that task. Only then are the writes sent; each create is followed by one read of
    its task's callbacks of that type, which settles a race with another run (see the note on runs that create the
    same callback at the same moment)."
  - "B(Concurrency.) The reads and the writes are sent at most 8 at a time, over one connection pool (one HTTP session)."
  - "B(When an item fails.) Items are independent: every item is attempted even when another one fails. A failed item
    carries C(failed) and C(msg) in RV(results), the other items report what they did, and the task fails with a
    sentence that counts the failed items and quotes the first. Exclusive mode removes nothing on a task that an item
    which fails before its write may have meant (every task of a name that several tasks share), and nothing at all when
    the look-up of an item's task name fails; the user guide lists each case."
  - "B(Exclusive mode.) An item declares the callback it names with O(callbacks[].callback_id), else one callback of
    its O(callbacks[].type) on its task - the one whose script matches, else the one with the lowest id. The removals
    count as changes and show in RV(drift) and in the diff, not in RV(results), where they would belong to no item."
  - "API key scopes: C(task_callbacks/index), and C(tasks/index) when an item names a task by name or with
    O(exclusive_scope=all_tasks); C(task_callbacks/create), C(task_callbacks/update) and C(task_callbacks/destroy)
    for the changes it makes. Check mode needs only the read scopes."
  - When several runs create the same callback at the same moment, each run reads the task again after its create;
    the callback with the lowest id stays, the others are removed by the runs that made them, and those runs report
    no change for that item and a warning.
seealso:
  - module: nodeum.data_archiving.task_callback
  - module: nodeum.data_archiving.task_callback_info
  - name: Many callbacks in one task, and exclusive mode
    description: The user guide on the bulk module, what happens when an item fails, and exclusive mode with its drift report.
    link: https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#many-callbacks-in-one-task-and-exclusive-mode
  - name: Bring an existing server under git
    description: Export a server's callbacks into files with the role, then keep the server in line with them.
    link: https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#bring-an-existing-server-under-git
'''

EXAMPLES = r'''
# Connection settings come from the NODEUM_* environment variables here; they can also be given
# as options or once for all modules with module_defaults (group/nodeum.data_archiving.nodeum).

- name: Converge the filters of three tasks in one task
  nodeum.data_archiving.task_callbacks:
    callbacks:
      - task: Migrate cold data
        script: |
          function run(req) {
            const info = utils.getNodeInfo(req);
            return !(info?.getPath() ?? '').endsWith(".tmp");
          }
      - task: 2
        script: "function run(req) { return (utils.getNodeInfo(req)?.getSize() ?? 0) < 1073741824; }"
      - task: 1
        callback_id: 11
        state: absent
  register: converged

- name: Show what each item did
  ansible.builtin.debug:
    msg: "{{ converged.results | map(attribute='changed') | list }}"

- name: Scripts kept in files beside the playbook (files/ or templates/), sent byte for byte; a .j2 file is rendered first
  nodeum.data_archiving.task_callbacks:
    callbacks:
      - task: Nightly backup
        script_file: nightly.js
      - task: Restore requests
        script_file: restore_filter.js.j2
  when: false  # shown for the shape; the files are yours to write

- name: Report the drift of the listed tasks (what would be created, updated and removed), reading only
  nodeum.data_archiving.task_callbacks:
    exclusive: true
    callbacks:
      - task: 2
        script: "function run(req) { return (utils.getNodeInfo(req)?.getSize() ?? 0) < 1073741824; }"
  check_mode: true
  register: drift

- name: Show it per task
  ansible.builtin.debug:
    var: drift.drift

- name: Make the listed tasks hold exactly these callbacks (removes every other callback of task 2)
  nodeum.data_archiving.task_callbacks:
    exclusive: true
    callbacks:
      - task: 2
        script: "function run(req) { return (utils.getNodeInfo(req)?.getSize() ?? 0) < 1073741824; }"
'''

RETURN = r'''
results:
  description:
    - One entry per item of O(callbacks), in the same order.
  returned: always
  type: list
  elements: dict
  contains:
    changed:
      description: Whether this item changed (in check mode, would change) its callback.
      type: bool
      sample: true
    task_callback:
      description:
        - The item's callback as the server answered after the write, or as it is when nothing changed; in check mode
          as it would be (C(id) is C(null) for a create). V(null) after a removal, when the item found nothing to remove,
          or when the item failed.
      type: dict
      sample: {"id": 12, "task_id": 2, "type": "filter", "script": "function run(req) { return true; }"}
    failed:
      description: V(true) when this item failed.
      returned: when the item failed
      type: bool
      sample: true
    msg:
      description: Why this item failed, one sentence.
      returned: when the item failed
      type: str
      sample: "No Nodeum task is named 'Nightly bakup'; check the name (it is case-sensitive) or give the task's numeric id."
    api_error:
      description: The facts of the item's failed API call, with the keys of RV(api_error).
      returned: when a request of this item to the Nodeum API failed
      type: dict
      sample: {"status": 422, "method": "PUT", "path": "tasks/3/task_callbacks/12", "messages": ["Script is too long"], "details": {}}
drift:
  description:
    - Per task touched, in ascending task id, what the run created, updated and removed (in check mode, what it would).
      A task with nothing to change is not listed, so an empty list means the server matches O(callbacks).
    - Each callback is given as C(id) (C(null) for a create in check mode), C(type) and C(item), the index in O(callbacks)
      of the item that declares it (C(null) for a removal by exclusive mode).
  returned: always
  type: list
  elements: dict
  sample: [{"task_id": 2, "created": [], "updated": [{"id": 12, "type": "filter", "item": 1}],
            "removed": [{"id": 14, "type": "filter", "item": null}]}]
  contains:
    task_id:
      description: The task's id.
      type: int
    created:
      description: The callbacks created.
      type: list
      elements: dict
    updated:
      description: The callbacks whose script was changed.
      type: list
      elements: dict
    removed:
      description: The callbacks removed, by an item with O(callbacks[].state=absent) or by exclusive mode.
      type: list
      elements: dict
diff:
  description:
    - With C(--diff), one entry per callback touched, each a unified diff of the script headed with the task and the
      callback, for example C(task 3 / filter callback 12). A create diffs against empty, a removal against empty.
  returned: when diff mode is on
  type: list
  elements: dict
api_error:
  description:
    - On a failed API call, its facts beside C(msg), for a playbook to act on (for example with C(failed_when) or C(rescue)).
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
      sample: PUT
    path:
      description: The path of the failed request, below the API root C(/api/v2).
      type: str
      sample: tasks/3/task_callbacks/12
    messages:
      description: The messages of the server's error answer, empty when it gave none.
      type: list
      elements: str
      sample: ["Script can't be blank"]
    details:
      description: The C(details) object of the server's error answer, empty when it gave none.
      type: dict
      sample: {}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection_options, module_run, task_callbacks


def main():
    module = AnsibleModule(
        argument_spec=connection_options.module_argument_spec(task_callbacks.OPTIONS),
        supports_check_mode=True,
        **connection_options.module_constraints(task_callbacks.CONSTRAINTS)
    )
    module_run.run(module, task_callbacks.ensure_task_callbacks)


if __name__ == '__main__':
    main()
