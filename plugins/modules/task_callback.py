#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: task_callback
short_description: Manage the callbacks (filter scripts) of a Nodeum task
version_added: '0.1.0'
description:
  - Creates, updates or removes a callback of a Nodeum task through the Nodeum REST API v2.
  - A callback of type V(filter) is a script, in JavaScript or Python, that the task runs before each file
    request it dispatches; it may change the request, and returning false cancels it (see the notes).
  - The callback is the one given by O(callback_id), or else the task's callback of type O(type) whose script
    is O(script); the notes say what happens when the task holds none or several.
  - The module is idempotent. It compares the script byte for byte and sends a write only when
    something differs, so a second identical run reports no change and sends only reads.
author:
  - Nodeum collection contributors (@nodeum)
requirements:
  - esprima2 in the Python that runs Ansible on the controller, only for O(syntax=javascript)
extends_documentation_fragment:
  - nodeum.data_archiving.connection
  - nodeum.data_archiving.connection.ATTRIBUTES
attributes:
  check_mode:
    description: In check mode the module sends only GET requests and reports exactly the change a real run would make.
    support: full
  diff_mode:
    description: Shows a unified diff of the script, headed with the task and the callback, for example C(task 3 /
      filter callback 12).
    support: full
  async:
    description: The module runs as an C(async) job on the host; a C(script_file) is read on the controller before
      the job starts.
    support: full
options:
  task:
    description:
      - The task that owns the callback, by numeric id or by name.
      - A value of digits only is an id. Anything else is a name, looked up with C(GET /tasks?name=); it must
        match exactly one task (names are case-sensitive and not unique on a Nodeum server), otherwise the
        module fails and lists the ids it found.
    type: str
    required: true
  task_name:
    description:
      - The name that the task given by id in O(task) must have on this server. The module reads the task's name first
        and, when it is another one, fails before any write in one sentence that names both, such as C(task 3 on
        https://b.example.com is 'Restore requests', the export expected 'Archive projects' (task_name); ...).
      - It makes an id safe to carry to another server, where ids differ. The export of
        P(nodeum.data_archiving.callbacks_as_code#role) writes it for every task it names by id (a task whose name
        several tasks share, or a name of digits only, which would read as an id).
      - Compared exactly, case included. Only with an id in O(task); beside a name it is refused before any request.
    type: str
  callback_id:
    description:
      - The id of one existing callback of O(task) to manage, as the server gave it, on that server.
      - Without it the callback is found by its type and script (see the notes), which is what a playbook meant
        for several servers needs.
    type: int
  type:
    description:
      - The type of the callback. V(filter) is the only type the API knows today.
    type: str
    choices: [filter]
    default: filter
  script:
    description:
      - The script of the callback, as text; with O(state=present) give it here or in O(script_file).
        It must not be empty or only white space, and a value that is not text (a dictionary, a list, a number) is
        refused.
      - It is compared and sent byte for byte, without trimming or normalising line endings.
    type: raw
  script_file:
    description:
      - A file that holds the script, read on the controller as M(ansible.builtin.template) and M(ansible.builtin.copy)
        read
        theirs. It is looked for in the C(templates/) and C(files/) directories of the role and of the playbook, then at
        the path
        as given (relative to the playbook).
      - A plain file is sent byte for byte, line endings and the last line break included; a C({{) in it is not a
        template.
      - A file whose name ends in C(.j2) is rendered with the task's variables first.
      - Mutually exclusive with O(script). A file that cannot be found or read fails the task before any request.
    type: str
  state:
    description:
      - V(present) makes sure the callback exists with O(script).
      - V(absent) makes sure it does not exist.
    type: str
    choices: [present, absent]
    default: present
  syntax:
    description:
      - Check the script's syntax on the controller before any request, as V(javascript) or V(python). A script that
        does not parse fails the task with the line, the column and the parser's message, and nothing is sent.
      - Without it, or with V(none), the script is not checked at all, and the server may store a script that cannot
        run.
      - B(Syntax only.) The script is parsed, never run, so a script that parses may still fail on the server, whose
        engine and language level are not documented.
      - V(javascript) parses the script as an ECMAScript script of the current standard (ES2020's C(?.) and C(??)
        included) with the Python package C(esprima2), an optional dependency that must be installed in the Python that
        runs Ansible on the controller (C(python3 -m pip install esprima2)); without it the task fails and says so.
      - V(python) compiles the script with the controller's own C(compile()), which runs nothing; the controller's
        Python may be newer than the server's.
      - It checks O(script), or the text of O(script_file) after rendering when its name ends in C(.j2), also in
        check mode; O(state=absent) sends no script and checks none.
    type: str
    choices: [javascript, python, none]
  validate:
    description:
      - A command that checks the script on the controller before any request, as the C(validate) of
        M(ansible.builtin.template) checks a file; C(%s) in it stands for the path of a temporary file that holds the
        script, named as O(script_file) (without C(.j2)), else C(script.js) or C(script.py) after O(syntax).
      - It runs after O(syntax)'s check, without a shell, also in check mode. A non-zero exit status fails the task
        with the first line of the command's error output, and nothing is sent; a command that runs longer than
        60 seconds is stopped and fails the task too. A command that cannot be started fails the task before any
        request.
      - Give a command that only checks, for example V(node --check %s). The collection never runs a script, but a
        command that runs its file would run the filter on the controller.
    type: str
notes:
  - "B(What a filter script receives.) The vendor's page \"Hook service (callback)\" documents a Python C(def run(req))
    that
    reads the file's details with C(utils.get_node_info(req)) (C(info.path), C(info.size), ...) and returns true to let
    the request go on, and says the logic is the same in JavaScript (C(utils.getNodeInfo(req)), C(info?.getPath())).
    The module sends the script as opaque text; the user guide says what is documented, and what is only inferred."
  - "B(Checking a script.) Nothing checks a script unless O(syntax) or O(validate) asks for it: the module sends it as
    opaque text, and whether the server checks it is not documented. The check runs on the controller, before any
    request, and is of syntax only; the user guide has the details."
  - "B(Which callback is managed.) When O(callback_id) is given, it is that callback of the task. Otherwise the
    module reads the task's callbacks of type O(type) (every page of them). With O(state=present), a callback whose
    script is byte-identical to O(script) is the one managed, and nothing is sent; else, when the task holds exactly
    one callback of the type, its script is updated; else (none, or several with other scripts) a callback is
    created and the others stay. O(state=absent) without O(callback_id) removes every callback of the type. This is
    the rule of the user guide's section \"Which callback is managed\", for a list of one item."
  - "When O(callback_id) names no callback of the task, O(state=absent) does nothing and O(state=present) fails:
    the module never creates a callback with an id the server did not give."
  - Attributes of a callback that the module does not manage, such as the C(language) a newer server may hold,
    are left untouched. The module compares and sends only O(type) and O(script).
  - "API key scopes: every run needs C(task_callbacks/index), and C(tasks/index) when O(task) is a name.
    A create needs C(task_callbacks/create), an update C(task_callbacks/update) and a removal C(task_callbacks/destroy).
    Check mode needs only the read scopes."
  - When several runs create the same callback at the same moment (for example C(hosts=all) without C(run_once)),
    each run reads the task again after its create; of the callbacks with that script the one with the lowest id
    stays, the others are removed by the runs that made them, and those runs report no change and a warning.
seealso:
  - module: nodeum.data_archiving.task_callback_info
  - name: What a filter script receives
    description: What the vendor documents about a filter script, what comes from nodeum-proto, and what is inferred.
    link:
      https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#what-a-filter-script-receives
  - name: Managing filter scripts from files
    description: The P(nodeum.data_archiving.callbacks_as_code#role) role brings the callbacks of many tasks to a state
      listed in one
      variable, with the scripts kept in files beside the playbook; how files are read, and the last line break.
    link:
      https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#managing-filter-scripts-from-files
  - name: User guide of nodeum.data_archiving
    description: Authentication and scopes, check and diff mode, AWX and execution environments, troubleshooting.
    link: https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst
'''

EXAMPLES = r'''
# Connection settings come from the NODEUM_* environment variables here; they can also be given
# as options or once for all modules with module_defaults (group/nodeum.data_archiving.nodeum).

# Scripts follow the vendor's page "Hook service (callback)": run(req) reads the file's details with
# utils.getNodeInfo(req) (getPath(), getSize(), ...) and returns false to cancel the request.

- name: Skip temporary files in the migration task (the task is found by its name)
  nodeum.data_archiving.task_callback:
    task: Migrate cold data
    type: filter
    script: |
      function run(req) {
        const info = utils.getNodeInfo(req);
        return !/\.tmp$/.test(info?.getPath() ?? '');
      }
    state: present

- name: Same, with the script kept in files/skip_tmp.js beside the playbook, sent byte for byte
  nodeum.data_archiving.task_callback:
    task: Migrate cold data
    script_file: skip_tmp.js

- name: Refuse a script that does not parse, before any request (needs esprima2 on the controller)
  nodeum.data_archiving.task_callback:
    task: Migrate cold data
    syntax: javascript
    script: |
      function run(req) {
        const id = req.getId();
        const info = utils.getNodeInfo(req);
        console.log(id, info?.getPath(), info?.getMode());
        return true;
      }

- name: A Python filter, compiled on the controller first (nothing is run), then checked again by a command of yours
  nodeum.data_archiving.task_callback:
    task: Restore requests
    syntax: python
    validate: python3 -m py_compile %s
    script: |
      import utils


      def run(req):
          info = utils.get_node_info(req)
          return not info.path.endswith('.tmp')

- name: A script file checked by Node.js on the controller (node --check parses, it does not run the file)
  nodeum.data_archiving.task_callback:
    task: Migrate cold data
    script_file: skip_tmp.js
    validate: node --check %s

- name: Update the one filter callback of task 2 (given by id) if its script differs
  nodeum.data_archiving.task_callback:
    task: 2
    script: |
      function run(req) {
        const info = utils.getNodeInfo(req);
        return (info?.getSize() ?? 0) < 20 * 1024 * 1024 * 1024;
      }

- name: Task 1 holds two filter callbacks, so name the one to manage
  nodeum.data_archiving.task_callback:
    task: 1
    callback_id: 10
    script: |
      function run(req) {
        const info = utils.getNodeInfo(req);
        return !/\.(tmp|swp)$/.test(info?.getPath() ?? '');
      }

- name: Task 3 shares its name with task 1, so it is given by id, with the name it must have on this server
  nodeum.data_archiving.task_callback:
    task: 3
    task_name: Archive projects   # on a server where task 3 has another name, the task fails and names both
    script: |
      function run(req) {
        return (utils.getNodeInfo(req)?.getSize() ?? 0) > 0;
      }

- name: Remove one callback by id (nothing happens if it is already gone)
  nodeum.data_archiving.task_callback:
    task: 1
    callback_id: 11
    state: absent

- name: Remove every filter callback of the migration task
  nodeum.data_archiving.task_callback:
    task: Migrate cold data
    state: absent

- name: Connection options given on the task itself
  nodeum.data_archiving.task_callback:
    url: "{{ lookup('ansible.builtin.env', 'NODEUM_URL') }}"
    api_key: "{{ lookup('ansible.builtin.env', 'NODEUM_API_KEY') or omit }}"
    username: "{{ lookup('ansible.builtin.env', 'NODEUM_USERNAME') or omit }}"
    password: "{{ lookup('ansible.builtin.env', 'NODEUM_PASSWORD') or omit }}"
    task: Restore requests
    script: "function run(req) { return true; }"
  register: result

- name: Show what the server holds now
  ansible.builtin.debug:
    var: result.task_callback
'''

RETURN = r'''
task_callback:
  description:
    - The callback as the server answered after the write, or as it is when nothing changed.
    - In check mode, the callback as it would be; a callback that would be created has RV(task_callback.id) C(null).
    - C(null) after a removal, or when O(state=absent) found nothing.
    - Attributes of the callback that the module does not manage (such as C(language)) are not returned.
  returned: always
  type: dict
  contains:
    id:
      description: The callback's id, C(null) for a create in check mode.
      type: int
      sample: 12
    task_id:
      description: The id of the task that owns the callback.
      type: int
      sample: 3
    type:
      description: The callback's type.
      type: str
      sample: filter
    script:
      description: The callback's script, byte for byte.
      type: str
      sample: "function run(req) { return true; }"
diff:
  description:
    - With C(--diff), one entry per callback touched, each a unified diff of the script headed with the
      task and the callback, for example C(task 3 / filter callback 12). A create diffs against empty, a
      removal against empty.
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

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection_options, module_run, task_callback


def main():
    module = AnsibleModule(
        argument_spec=connection_options.module_argument_spec(task_callback.OPTIONS),
        supports_check_mode=True,
        **connection_options.module_constraints(task_callback.CONSTRAINTS)
    )
    module_run.run(module, task_callback.ensure_task_callback)


if __name__ == '__main__':
    main()
