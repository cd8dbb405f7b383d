#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: task_info
short_description: List the tasks of a Nodeum server, with their ids and names
version_added: '0.1.0'
description:
  - Lists the tasks of a Nodeum server through the Nodeum REST API v2, each as the API returns it (its C(id), its
    C(name) and the task's other attributes), optionally filtered on the id or the name with the API's filter
    operators, and sorted.
  - Use it to map task names to ids, for example before moving callbacks to another server, where the same names
    have other ids, or to find the tasks that share a name.
  - It follows every page until it holds all matching tasks, however small the server's page size is.
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
  id:
    description:
      - Filter on the task id. Like every filter, the value may start with an operator
        C(=) (the default), C(!=), C(>), C(>=), C(<), C(<=), C(><) (in a list separated by C(|)),
        C(!><) (not in the list), C(~) (pattern, C(%) any characters and C(_) one character) or C(!~).
      - For example V(3), V(>=100) or V(><1|3|5).
    type: str
  name:
    description:
      - Filter on the task name, with the operators described for O(id). Names are case-sensitive and not unique.
      - For example V(Nightly backup), V(~Archive%) for the names that start with C(Archive), or V(!=Restore requests).
      - To match a name that itself starts with an operator character (such as C(>) or C(~)), prefix it with C(=).
    type: str
  sort_by:
    description:
      - Attributes to sort by, V(id) or V(name), each optionally followed by V(:asc) (the default) or V(:desc),
        for example V([name, id:desc]). Without it the server's order is by ascending id.
    type: list
    elements: str
notes:
  - "API key scopes: C(tasks/index). A read-only key is enough."
seealso:
  - module: nodeum.data_archiving.task_callback_info
  - name: Which callback is managed
    description: How a task is named in the other modules (an id, or a name that one task has), and which of its
      callbacks an item manages.
    link: https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst#which-callback-is-managed
  - name: User guide of nodeum.data_archiving
    description: Authentication and scopes, check and diff mode, AWX and execution environments, troubleshooting.
    link: https://github.com/nodeum/data_archiving/blob/main/docs/docsite/rst/user_guide.rst
'''

EXAMPLES = r'''
# Connection settings come from the NODEUM_* environment variables here; they can also be given
# as options or once for all modules with module_defaults (group/nodeum.data_archiving.nodeum).

- name: List every task of the server
  nodeum.data_archiving.task_info:
  register: every_task

- name: Show each task's id and name
  ansible.builtin.debug:
    msg: "{{ every_task.tasks | map(attribute='id') | zip(every_task.tasks | map(attribute='name')) | list }}"

- name: The tasks named exactly "Nightly backup"
  nodeum.data_archiving.task_info:
    name: Nightly backup
  register: nightly

- name: Its id, when exactly one task has that name
  ansible.builtin.debug:
    msg: "{{ nightly.tasks[0].id if nightly.count == 1 else 'no single task is named Nightly backup' }}"

- name: The tasks whose name starts with "Archive", newest first
  nodeum.data_archiving.task_info:
    name: "~Archive%"
    sort_by: ["id:desc"]

- name: Tasks 1, 2 and 5
  nodeum.data_archiving.task_info:
    id: "><1|2|5"
'''

RETURN = r'''
tasks:
  description:
    - The matching tasks, in the server's order (O(sort_by), else ascending id), each as the API returns it.
    - Beside C(id) and C(name), a task holds the other attributes the server returns, for example C(comment),
      C(workflow_type), C(status) or C(priority), as the server gives them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The task's id, what the other modules take as O(nodeum.data_archiving.task_callback#module:task).
      type: int
      sample: 1
    name:
      description: The task's name, as the server holds it.
      type: str
      sample: Archive projects
  sample: [{"id": 1, "name": "Archive projects"}, {"id": 3, "name": "Archive projects"}]
count:
  description: The number of tasks that match the filters on the server.
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
      sample: tasks
    messages:
      description: The messages of the server's error answer, empty when it gave none.
      type: list
      elements: str
      sample: ["API key lacks the scope tasks/index"]
    details:
      description: The C(details) object of the server's error answer, empty when it gave none.
      type: dict
      sample: {}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection_options, module_run, task_info


def main():
    module = AnsibleModule(
        argument_spec=connection_options.module_argument_spec(task_info.OPTIONS),
        supports_check_mode=True,
        **connection_options.module_constraints(task_info.CONSTRAINTS)
    )
    module_run.run(module, task_info.read_tasks)


if __name__ == '__main__':
    main()
