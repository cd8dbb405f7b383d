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
    (O(callbacks[].task), O(callbacks[].type), O(callbacks[].callback_id), O(callbacks[].script),
    O(callbacks[].script_file),
    O(callbacks[].state)), and the module decides each item exactly as M(nodeum.data_archiving.task_callback) would.
  - With O(exclusive=true) it also removes every callback that no item declares, on the tasks the items name, or with
    O(exclusive_scope=all_tasks) on every task of the server, so that the server holds what the list says.
  - "RV(plan) is the run's plan, as a reviewer and a pipeline read it - a summary line such as C(Plan for
    https://nodeum.example.com: 1 to create, 2 to update, 1 to remove, 7 unchanged, 0 failed (check mode: nothing was
    sent).),
    every change with its task (id and name), callback, action and reason, and the fingerprint of the server state it
    was
    computed from. Show the line with C(ansible.builtin.debug: var=result.plan.summary.line); the role
    R(nodeum.data_archiving.callbacks_as_code,ansible_collections.nodeum.data_archiving.callbacks_as_code_role) prints
    it."
  - C(--check --diff) shows the same changes as one diff per callback, headed with the server, the task and the action.
  - O(fail_on_change=true) makes the task fail, without a write, when the plan holds any change (a gate for pipelines);
    O(expect_fingerprint) makes it refuse, before any write, when the server changed since an approved check run.
author:
  - Nodeum collection contributors (@nodeum)
requirements:
  - esprima2 in the Python that runs Ansible on the controller, only for V(javascript) in O(syntax) or
    O(callbacks[].syntax)
extends_documentation_fragment:
  - nodeum.data_archiving.connection
  - nodeum.data_archiving.connection.ATTRIBUTES
attributes:
  check_mode:
    description: In check mode the module sends only GET requests and reports exactly the changes a real run would make.
    support: full
  diff_mode:
    description:
      - "One unified diff of the script per callback touched, in the order of RV(plan.changes), headed with the server,
        the task
        by id and name, the callback and the action, for example C(--- before: https://nodeum.example.com task 4
        \"Migrate cold
        data\" / filter callback 53 (remove: state absent)) and C(+++ after: (removed))."
      - When the two scripts end their lines differently (CRLF against LF), the header says so, so that a change of line
        endings alone does not show as two blocks of lines that look the same.
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
      - Items without O(callbacks[].callback_id) on one task and type are matched to the task's callbacks of that type
        by script, so one task may hold several callbacks of a type (see the notes).
      - Two items may not manage the same callback; the module fails both and names them.
      - An empty list manages nothing. With O(exclusive=true) and O(exclusive_scope=all_tasks) it would remove every
        callback of the server, which needs O(allow_empty=true).
    type: list
    elements: dict
    required: true
    suboptions:
      task:
        description:
          - The task that owns the callback, by numeric id or by name. Every item needs it; an item without it, or with
            an
            empty value, fails before any request is sent, with its index.
          - A value of digits only is an id. Anything else is a name; it must match exactly one task (names are
            case-sensitive and not unique on a Nodeum server), otherwise the item fails and the message lists the ids
            found.
        type: str
      task_name:
        description:
          - The name that the task given by id in O(callbacks[].task) must have on this server, as
            O(nodeum.data_archiving.task_callback#module:task_name). The names are read with the other reads, before
            any write; an item whose task has another name fails in one sentence that names both, and nothing is sent
            for it.
          - With O(exclusive=true), that item's task and every task named O(callbacks[].task_name) are spared, since
            which of them the item meant is unknown.
          - Only with an id in O(callbacks[].task); beside a name the item is refused before any request.
        type: str
      callback_id:
        description:
          - The id of one existing callback of O(callbacks[].task) to manage, as the server gave it, on that server.
          - Without it the item is matched by its type and script (see the notes); a list meant for several servers
            leaves it out.
        type: int
      type:
        description:
          - The type of the callback. V(filter) is the only type the API knows today.
        type: str
        choices: [filter]
        default: filter
      script:
        description:
          - The script of the callback, as text; with O(callbacks[].state=present) give it here or in
            O(callbacks[].script_file).
            It must not be empty or only white space, and a value that is not text is refused.
          - It is compared and sent byte for byte, without trimming or normalising line endings.
        type: raw
      script_file:
        description:
          - A file that holds the script, found and read on the controller as
            O(nodeum.data_archiving.task_callback#module:script_file)
            is (the C(templates/) and C(files/) directories of the role and the playbook, then the path as given), byte
            for byte,
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
      syntax:
        description:
          - Check the item's script on the controller before any request, as
            O(nodeum.data_archiving.task_callback#module:syntax) does (syntax only); V(none) checks no syntax even when
            O(syntax) asks for it. Unset, the item is checked as O(syntax) says.
          - A script that does not parse fails its item alone, with the line, the column and the parser's message;
            nothing is sent for that item, and the other items go on.
        type: str
        choices: [javascript, python, none]
      validate:
        description:
          - A command that checks the item's script on the controller before any request, as
            O(nodeum.data_archiving.task_callback#module:validate) does. Unset, the item is checked with O(validate).
          - A script that the command refuses fails its item alone, with the first line of the command's error
            output; nothing is sent for that item, and the other items go on.
        type: str
      refusal:
        description:
          - Set by the module's action plugin, never by a playbook (the action plugin refuses it there). It holds the
            sentence of the item's failed check on the controller; the module fails the item with it and sends nothing
            for it.
        type: str
  exclusive:
    description:
      - Also remove every callback that no item of O(callbacks) declares, on the tasks in O(exclusive_scope).
      - A callback that no item manages (see the note on several callbacks of one type) is removed; without exclusive
        mode it stays.
      - Use C(--check --diff) first to see what would be removed; RV(plan.changes) lists every removal with its reason,
        RV(drift) per task.
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
  syntax:
    description:
      - The syntax check of every item that sets no O(callbacks[].syntax) of its own, as
        O(nodeum.data_archiving.task_callback#module:syntax) makes it, on the controller before any request (syntax
        only). V(javascript) needs the Python package C(esprima2) on the controller.
      - Without it, or with V(none), no script is checked, and the server may store a script that cannot run.
    type: str
    choices: [javascript, python, none]
  validate:
    description:
      - The command that checks the script of every item that sets no O(callbacks[].validate) of its own, as
        O(nodeum.data_archiving.task_callback#module:validate) runs it, on the controller before any request.
    type: str
  allow_empty:
    description:
      - Allow O(exclusive=true) with O(exclusive_scope=all_tasks) when O(callbacks) declares no callback (an empty list,
        or only items with O(callbacks[].state=absent)), which removes every callback of the server.
      - Without it such a run fails before any request, also in check mode; an empty list there is far more often a
        misspelled or unloaded variable than a wish to empty the server.
    type: bool
    default: false
  fail_on_change:
    description:
      - Fail the task when the plan holds any change, with the summary line and the address of every change in the
        message,
        and succeed when the server matches O(callbacks). Nothing is written, also without C(--check).
      - The gate a pipeline needs to fail on drift, with ansible-core alone. Run it with C(--check --diff) to see the
        drift
        as diffs too (Ansible shows the diff of a task that changed, and of no failed one; the role shows it before it
        fails).
      - See the user guide's section
        R(Fail a pipeline on drift,ansible_collections.nodeum.data_archiving.docsite.user_guide.drift_gate).
    type: bool
    default: false
  expect_fingerprint:
    description:
      - The RV(plan.fingerprint) of an approved check run. Before any write, the task reads the server and fails,
        sending
        nothing, when the state it reads gives another fingerprint (the server changed since the plan was made).
      - Give the fingerprint the check published, for example with C(ansible.builtin.set_stats) in an AWX workflow
        between a
        check job and an apply job separated by an approval node (the user guide's section
        R(An approved plan,ansible_collections.nodeum.data_archiving.docsite.user_guide.approved_plan)); a value of
        another
        form is refused before any request.
      - It guards the server's state, not the list; run the apply from the same revision of the list as the check.
    type: str
notes:
  - "B(Requests.) Every item is checked before any request is sent: one bad item fails the task with a sentence that
    names the item's index and task, and nothing is sent. A task name is looked up once however many items name it:
    with up to 5 distinct names one C(GET /tasks?name=) each, with more one listing of every task (C(GET /tasks), every
    page), which is then cheaper. Each task's callbacks are read once (C(GET /tasks/{id}/task_callbacks), every page),
    whatever the number of items on that task. Only then are the writes sent; each create is followed by one read of
    its task's callbacks of that type, which settles a race with another run (see the note on runs that create the
    same callback at the same moment); the creates on one task and type are sent one after another."
  - "B(Checks.) With O(syntax), O(validate) or their item keys, each item's script is checked on the controller before
    any request, also in check mode. A script that fails its check fails its item alone (nothing is sent for it, the
    other items go on, and exclusive mode leaves its task alone, as for any item that fails before its write). A check
    that cannot be made - an unknown language, C(esprima2) missing for V(javascript), a command that cannot be started -
    fails the task before any request."
  - "B(Concurrency.) The reads and the writes are sent at most 8 at a time, over one connection pool (one HTTP
    session)."
  - "B(When an item fails.) Items are independent: every item is attempted even when another one fails. A failed item
    carries C(failed) and C(msg) in RV(results), the other items report what they did, and the task fails with a
    sentence that counts the failed items and names each one (its index, task and sentence, up to 10, then how many
    more),
    after the plan's summary line. RV(plan) and RV(results) are still returned, and a check run still plans every other
    item. Ansible shows no diff of a failed task; the role shows the other items' diffs and the summary line, then
    fails. Exclusive mode removes nothing on a task that an item which fails before its write may have meant (every
    task of a name that several tasks share), and nothing at all when the look-up of an item's task name fails; the
    user guide lists each case."
  - "B(Several callbacks of one type.) The items without O(callbacks[].callback_id) of one task and type are decided
    together, against the task's callbacks of that type that no item names by O(callbacks[].callback_id): an item and a
    callback whose scripts are byte-identical belong together; if one item and one callback are then left, the callback
    is updated; any other item left is created, any other callback left is no item's (exclusive mode removes it).
    Two byte-identical items are two callbacks with that script. An item with O(callbacks[].state=absent) and no
    O(callbacks[].callback_id) removes every callback of its type that no item names by id, and may not share its task
    and type with another item without O(callbacks[].callback_id). The user guide's section \"Which callback is
    managed\" gives examples, and what the rule means for check mode and the diff."
  - "B(Exclusive mode.) An item declares the callback it manages by the rule above. The removals
    count as changes and show in RV(drift) and in the diff, not in RV(results), where they would belong to no item."
  - "B(Task names in the plan.) The plan names each changed task by its name too: the name an item gives, else the one
    the listing of every task gave, else one C(GET /tasks?id=><...) for the other changed tasks (100 ids a request). A
    run
    with nothing to change sends no such request. When it fails (a key without C(tasks/index)), the plan names those
    tasks
    by id alone and the task warns."
  - "API key scopes: C(task_callbacks/index), and C(tasks/index) when an item names a task by name or with
    O(exclusive_scope=all_tasks), and to name changed tasks in the plan; C(task_callbacks/create),
    C(task_callbacks/update)
    and C(task_callbacks/destroy) for the changes it makes. Check mode needs only the read scopes."
  - When several runs create the same callback at the same moment, each run reads the task again after its create;
    of the callbacks with that script, as many as the list declares stay (the lowest ids), the others are removed by
    the runs that made them, and those runs report no change for that item and a warning.
seealso:
  - module: nodeum.data_archiving.task_callback
  - module: nodeum.data_archiving.task_callback_info
  - name: Many callbacks in one task, and exclusive mode
    description: The user guide on the bulk module, what happens when an item fails, and exclusive mode with its drift
      report.
    link:
      https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#many-callbacks-in-one-task-and-exclusive-mode
  - name: Bring an existing server under git
    description: Export a server's callbacks into files with the role, then keep the server in line with them.
    link:
      https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#bring-an-existing-server-under-git
'''

EXAMPLES = r'''
# Connection settings come from the NODEUM_* environment variables here; they can also be given
# as options or once for all modules with module_defaults (group/nodeum.data_archiving.nodeum).

- name: Converge the filters of four tasks in one task
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
      - task: 3                   # "Archive projects" is also the name of task 1
        task_name: Archive projects   # so the item fails, and sends nothing, where task 3 is another task
        script: "function run(req) { return true; }"
  register: converged

- name: Show the plan's summary line, which counts what was created, updated, removed, left unchanged and failed
  ansible.builtin.debug:
    var: converged.plan.summary.line

- name: Show what each item did
  ansible.builtin.debug:
    msg: "{{ converged.results | map(attribute='changed') | list }}"

- name: Scripts kept in files beside the playbook (files/ or templates/), sent byte for byte; a .j2 file is rendered
    first
  nodeum.data_archiving.task_callbacks:
    callbacks:
      - task: Nightly backup
        script_file: nightly.js
      - task: Restore requests
        script_file: restore_filter.js.j2
  when: false  # shown for the shape; the files are yours to write

- name: Check every script's syntax on the controller first (needs esprima2); an item that does not parse fails alone
  nodeum.data_archiving.task_callbacks:
    syntax: javascript
    callbacks:
      - task: Nightly backup
        script_file: nightly.js
      - task: Restore requests
        syntax: python
        script: |
          import utils


          def run(req):
              return utils.get_node_info(req).size < 1073741824

- name: Plan the drift of the listed tasks (what would be created, updated and removed), reading only
  nodeum.data_archiving.task_callbacks:
    exclusive: true
    callbacks:
      - task: 2
        script: "function run(req) { return (utils.getNodeInfo(req)?.getSize() ?? 0) < 1073741824; }"
  check_mode: true
  register: reviewed

- name: Show every change the plan holds, by task and callback, with its reason
  ansible.builtin.debug:
    msg: "{{ reviewed.plan.changes | map(attribute='action') | zip(reviewed.plan.changes | map(attribute='address')) |
      map('join', ' ') }}"

- name: Apply that plan only if the server is still as the check read it (else fail, sending nothing)
  nodeum.data_archiving.task_callbacks:
    exclusive: true
    expect_fingerprint: "{{ reviewed.plan.fingerprint }}"
    callbacks:
      - task: 2
        script: "function run(req) { return (utils.getNodeInfo(req)?.getSize() ?? 0) < 1073741824; }"

- name: A pipeline's gate - fail, sending nothing, if task 2 holds anything but this callback (--check --diff shows the
    drift)
  nodeum.data_archiving.task_callbacks:
    exclusive: true
    fail_on_change: true
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
          as it would be (C(id) is C(null) for a create). V(null) after a removal, when the item found nothing to
          remove,
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
      sample: "No Nodeum task is named 'Nightly bakup'; check the name (it is case-sensitive) or give the task's numeric
        id."
    api_error:
      description: The facts of the item's failed API call, with the keys of RV(api_error).
      returned: when a request of this item to the Nodeum API failed
      type: dict
      sample:
        {"status": 422, "method": "PUT", "path": "tasks/3/task_callbacks/12", "messages": ["Script is too long"],
         "details": {}}
plan:
  description:
    - The plan of the run, computed from what it read before any write. In check mode, and when the run sent nothing
      (O(fail_on_change), O(expect_fingerprint)), what a real run would do; after a real run, what it did.
    - Its form is versioned by RV(plan.format_version).
    - Also returned when items failed; not when the task failed before it read the callbacks (bad input, a failed
      connection).
  returned: when the callbacks were read
  type: dict
  sample:
    format_version: "1.0"
    server: https://nodeum.example.com/api/v2
    summary:
      created: 1
      updated: 1
      removed: 1
      unchanged: 2
      failed: 0
      line: "Plan for https://nodeum.example.com: 1 to create, 1 to update, 1 to remove, 2 unchanged, 0 failed (check
        mode: nothing was sent)."
    changes:
      - {action: update, task_id: 2, task_name: Nightly backup, type: filter, callback_id: 12, item: 1, reason: script
        differs,
         address: 'task 2 "Nightly backup" / filter callback 12'}
      - {action: remove, task_id: 2, task_name: Nightly backup, type: filter, callback_id: 14, item: null,
         reason: "not declared (exclusive, listed_tasks)", address: 'task 2 "Nightly backup" / filter callback 14'}
      - {action: create, task_id: 4, task_name: Migrate cold data, type: filter, callback_id: null, item: 0, reason: not
        on the server,
         address: 'task 4 "Migrate cold data" / filter callback (new)'}
    fingerprint: "sha256:3f0c5e0d2b6a4f4e8b1c9d7a6e5f4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3"
  contains:
    format_version:
      description:
        - The version of this form, V(1.0) today. Its minor number grows when keys are added (ignore keys you do not
          know);
          its major number grows when a key is removed or changes meaning (refuse a major number you do not know).
      type: str
      sample: "1.0"
    server:
      description: The API base URL the run used (the O(url) with C(/api/v2)); it never holds a credential.
      type: str
      sample: https://nodeum.example.com/api/v2
    summary:
      description: How many callbacks the plan creates, updates and removes, how many items need no change and how many
        failed.
      type: dict
      contains:
        created:
          description: The callbacks created (in a plan, to create).
          type: int
          sample: 1
        updated:
          description: The callbacks updated (in a plan, to update).
          type: int
          sample: 2
        removed:
          description: The callbacks removed (in a plan, to remove), by an item or by exclusive mode.
          type: int
          sample: 1
        unchanged:
          description: The items whose callback needs no change.
          type: int
          sample: 7
        failed:
          description: The items that failed, and after a real run the removals by exclusive mode whose write failed.
          type: int
          sample: 0
        line:
          description:
            - The summary as one sentence, for a log or a review. C(Plan for <server>:) with what would be done and why
              nothing was sent (check mode, O(fail_on_change), a stale plan), or C(Applied to <server>:) with what was
              done.
          type: str
          sample: "Applied to https://nodeum.example.com: 1 created, 2 updated, 1 removed, 7 unchanged, 0 failed."
    changes:
      description:
        - One entry per callback created, updated or removed (in a plan, to be), ordered by task id, type and callback
          id,
          creates after the callbacks that exist in the order of their items; a check run and the real run that follows
          it
          list them in the same order.
      type: list
      elements: dict
      contains:
        action:
          description: What is done to the callback.
          type: str
          choices: [create, update, remove]
          sample: update
        task_id:
          description: The id of the callback's task.
          type: int
          sample: 4
        task_name:
          description: The name of the task, as the server holds it; V(null) when it could not be read.
          type: str
          sample: Migrate cold data
        type:
          description: The type of the callback.
          type: str
          sample: filter
        callback_id:
          description: The id of the callback; V(null) for a create in a plan (after a real create, the id the server
            gave).
          type: int
          sample: 53
        item:
          description: The index in O(callbacks) of the item that declares the change; V(null) for a removal by
            exclusive mode.
          type: int
          sample: 0
        reason:
          description:
            - Why the change is planned - V(not on the server) (create), V(script differs) or V(line endings differ)
              (update,
              the second when the scripts differ only in their line endings), V(state absent) (removed by an item),
              V(not declared (exclusive, listed_tasks)) or V(not declared (exclusive, all_tasks)) (removed by exclusive
              mode).
          type: str
          sample: script differs
        address:
          description: The callback as people find it, its task by id and name and its type and id (C((new)) before a
            create).
          type: str
          sample: task 4 "Migrate cold data" / filter callback 53
    fingerprint:
      description:
        - A digest, C(sha256:) and 64 hexadecimal digits, of the server state the plan was computed from - the server,
          the
          task each task name of the items resolved to, and the id, type and script of every callback of the tasks the
          run
          read. It stays the same across runs while that state does not change.
        - Pass it as O(expect_fingerprint) to a later run that must do what this plan says.
      type: str
      sample: "sha256:3f0c5e0d2b6a4f4e8b1c9d7a6e5f4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3"
drift:
  description:
    - Per task touched, in ascending task id, what the run created, updated and removed (in check mode, what it would),
      the changes of RV(plan.changes) grouped by task.
      A task with nothing to change is not listed, so an empty list means the server matches O(callbacks).
    - Each callback is given as C(id) (C(null) for a create in check mode), C(type) and C(item), the index in
      O(callbacks)
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
    - "With C(--diff), one entry per callback touched, in the order of RV(plan.changes), each a unified diff of the
      script.
      Its C(before_header) and C(after_header) name the server, the task by id and name and the callback, and say the
      action
      and its reason, for example C(https://nodeum.example.com task 3 \"Nightly backup\" / filter callback 12
      (update: script
      differs)); a create diffs against C((none)), a removal against C((removed))."
  returned: when diff mode is on
  type: list
  elements: dict
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

from ansible_collections.nodeum.data_archiving.plugins.module_utils import (
    connection_options,
    module_run,
    task_callbacks,
)


def main():
    module = AnsibleModule(
        argument_spec=connection_options.module_argument_spec(task_callbacks.OPTIONS),
        supports_check_mode=True,
        **connection_options.module_constraints(task_callbacks.CONSTRAINTS)
    )
    module_run.run(module, task_callbacks.ensure_task_callbacks)


if __name__ == '__main__':
    main()
