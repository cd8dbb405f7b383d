#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: task_callback_info
short_description: List the callbacks (filter scripts) of a Nodeum task, or of every task
version_added: '0.1.0'
description:
  - Lists the callbacks of one Nodeum task, or without O(task) of every task of the server (each with the name of its
    task, RV(task_callbacks[].task_name)), through the Nodeum REST API v2, with the API's filters, sorting and paging.
  - Without O(limit) and O(offset) it follows every page until it holds all matching callbacks, however
    small the server's page size is; the result is never cut at the first page.
  - It never changes anything and reports no change.
author:
  - Nodeum collection contributors (@nodeum)
extends_documentation_fragment:
  - nodeum.data_archiving.connection
  - nodeum.data_archiving.connection.ATTRIBUTES
attributes:
  check_mode:
    description: The module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description: The module changes nothing, so there is no diff.
    support: none
  async:
    description: The module runs as an C(async) job on the host.
    support: full
options:
  task:
    description:
      - The task whose callbacks to list, by numeric id or by name.
      - A value of digits only is an id. Anything else is a name, looked up with C(GET /tasks?name=); it must
        match exactly one task, otherwise the module fails and lists the ids it found.
      - Leave it out to list the callbacks of every task of the server.
    type: str
  callback_id:
    description:
      - Return only this callback. The module fails when the task (without O(task), every task) has no callback with
        this id.
    type: int
  id:
    description:
      - Filter on the callback id. Like every filter, the value may start with an operator
        C(=) (the default), C(!=), C(>), C(>=), C(<), C(<=), C(><) (in a list separated by C(|)),
        C(!><) (not in the list), C(~) (pattern, C(%) any characters and C(_) one character) or C(!~).
      - For example V(>=100) or V(><10|11|12).
    type: str
  type:
    description:
      - Filter on the callback type, with the operators described for O(id), for example V(filter).
    type: str
  script:
    description:
      - Filter on the script, with the operators described for O(id), for example V(~%.tmp%) for the
        scripts that mention C(.tmp). Patterns are case-sensitive.
      - To match a value that itself starts with an operator character, prefix it with C(=).
    type: str
  sort_by:
    description:
      - Attributes to sort by, each optionally followed by V(:asc) (the default) or V(:desc), for example
        V([type, id:desc]). Without it the server's order is by ascending id.
    type: list
    elements: str
  limit:
    description:
      - Return at most this many callbacks. Without it, every matching callback is returned.
      - Only with O(task).
    type: int
  offset:
    description:
      - Skip this many matching callbacks first.
      - Only with O(task).
    type: int
notes:
  - "B(Every task.) Without O(task) the module reads every page of C(GET /tasks), then every page of each task's
    callbacks (at most 8 requests at a time), with the filters and O(sort_by) applied to each task's callbacks. The
    callbacks come by ascending task id. O(limit) and O(offset) page one task's list, so this form refuses them;
    RV(count) is the number of matching callbacks over all tasks."
  - "API key scopes: C(task_callbacks/index), and C(tasks/index) when O(task) is a name or is left out. A read-only key
    is enough."
seealso:
  - module: nodeum.data_archiving.task_callback
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

- name: List every callback of task 1
  nodeum.data_archiving.task_callback_info:
    task: 1
  register: task_1

- name: Show their ids and how many there are
  ansible.builtin.debug:
    msg: "{{ task_1.count }} callbacks: {{ task_1.task_callbacks | map(attribute='id') | list }}"

- name: Find the task by its name and keep the filters that mention .tmp
  nodeum.data_archiving.task_callback_info:
    task: Nightly backup
    type: filter
    script: "~%.tmp%"
  register: tmp_filters

- name: Read one callback by id
  nodeum.data_archiving.task_callback_info:
    task: 1
    callback_id: 10
  register: one

- name: Newest callbacks first, two at a time
  nodeum.data_archiving.task_callback_info:
    task: 1
    sort_by: ["id:desc"]
    limit: 2
    offset: 0
  register: newest

- name: Every callback but one, with a list filter
  nodeum.data_archiving.task_callback_info:
    task: 1
    id: "!><10"

- name: The inventory of the server, every callback of every task
  nodeum.data_archiving.task_callback_info:
  register: inventory

- name: Which tasks have a filter that mentions .tmp
  ansible.builtin.debug:
    msg: "{{ inventory.task_callbacks | selectattr('script', 'search', '[.]tmp') | map(attribute='task_name') | unique |
      list }}"
'''

RETURN = r'''
task_callbacks:
  description:
    - The matching callbacks, in the server's order.
    - Without O(task), by ascending task id, and within a task in the server's order.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The callback's id.
      type: int
      sample: 10
    task_id:
      description: The id of the task that owns the callback.
      type: int
      sample: 1
    task_name:
      description: The name of the task that owns the callback.
      returned: when O(task) is left out
      type: str
      sample: Archive projects
    type:
      description: The callback's type.
      type: str
      sample: filter
    script:
      description: The callback's script, byte for byte.
      type: str
      sample: "function run(req) { return true; }"
count:
  description:
    - The number of callbacks that match the filters on the server, before O(limit) and O(offset) apply.
    - Without O(task), the number of matching callbacks over every task.
  returned: success
  type: int
  sample: 2
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
      sample: 403
    method:
      description: The HTTP method of the failed request.
      type: str
      sample: GET
    path:
      description: The path of the failed request, below the API root C(/api/v2).
      type: str
      sample: tasks/3/task_callbacks
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
    connection_options,
    module_run,
    task_callback_info,
)


def main():
    module = AnsibleModule(
        argument_spec=connection_options.module_argument_spec(task_callback_info.OPTIONS),
        supports_check_mode=True,
        **connection_options.module_constraints(task_callback_info.CONSTRAINTS)
    )
    module_run.run(module, task_callback_info.read_task_callbacks)


if __name__ == '__main__':
    main()
