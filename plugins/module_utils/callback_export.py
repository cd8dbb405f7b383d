# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The export of a server's callbacks: which files hold what, as a pure function of what the server holds.

plan_export() turns every callback and every task of the server into the export directory's
files: files/task<task id>-<type>-<callback id>.js (each script byte for byte), callbacks.yml (the
role's nodeum_task_callbacks) and apply.yml. read_export() reads the server for it.

Everything taken from the server is data, never code: callbacks.yml writes each string the server
gave as a YAML double-quoted string, tagged !unsafe wherever it could hold Jinja, so Ansible never
templates it when apply.yml loads the file, and it reaches the modules exactly as the server holds it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import CALLBACK_TYPES
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import read_inventory
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import is_task_id

# The documents of an export directory, beside files/.
DOCUMENTS = ('callbacks.yml', 'apply.yml')

# Every name the export gives a file of files/ (<task>-<type>-<position>.js); the writer refuses any
# other, and removes as stale only the files so named. <task> is a name made file-safe (ASCII letters,
# digits and _, at most 40), with --<8 hex digits> where that alone would not tell tasks apart, or task-<id>.
EXPORTED_NAME = re.compile(
    r'^(?:[A-Za-z0-9](?:[A-Za-z0-9_]{0,38}[A-Za-z0-9])?(?:--[0-9a-f]{8})?|task-[0-9]+)-[A-Za-z0-9_]+-[0-9]+\.js$')

OPTIONS = dict(dest=dict(type='path', required=True))

CONSTRAINTS = dict()

APPLY_PLAYBOOK = '''---
# Brings the server to callbacks.yml with the role nodeum.data_archiving.callbacks_as_code.
# The connection comes from the environment: NODEUM_URL, and NODEUM_USERNAME and NODEUM_PASSWORD,
# NODEUM_API_KEY or NODEUM_TOKEN (what an AWX/Tower credential sets).
#   ansible-playbook apply.yml --check --diff                            # the drift, reading only
#   ansible-playbook apply.yml                                           # apply it
#   ansible-playbook apply.yml -e nodeum_task_callbacks_exclusive=true   # also remove every callback
#                                                                        # that it does not declare
#   ansible-playbook apply.yml -e nodeum_task_callbacks_fail_on_change=true  # fail on drift, no write
# A check run publishes its plan's fingerprint (set_stats, for the next job of an AWX workflow); a run given
# -e nodeum_task_callbacks_expect_fingerprint=<it> refuses to write if the server changed since.
- name: Bring the Nodeum callbacks to callbacks.yml
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files:
    - callbacks.yml
  vars:
    # The modules run on this machine, with the Python that runs Ansible (it needs requests).
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    # callbacks.yml holds every callback the server had: with exclusive mode on, a callback that it
    # does not declare is drift on any task, also on a task that had none.
    nodeum_task_callbacks_exclusive_scope: "{{ 'all_tasks' if nodeum_task_callbacks_exclusive | default(false) | bool else 'listed_tasks' }}"
  roles:
    - role: nodeum.data_archiving.callbacks_as_code
  post_tasks:
    - name: Publish the fingerprint of the plan for the apply job of a workflow
      ansible.builtin.set_stats:
        data:
          nodeum_task_callbacks_expect_fingerprint: "{{ callbacks_as_code_result.plan.fingerprint }}"
      when: ansible_check_mode
'''


def read_export(client, params, context):  # pylint: disable=unused-argument  # it changes nothing and never waits
    """Read the server once (every task, every callback) and return the planned export."""
    tasks, _count = list_tasks(client)
    inventory = read_inventory(client, params, dict(params={}), tasks=tasks)
    files, documents, left_out = plan_export(inventory['task_callbacks'], tasks)
    return dict(changed=False, export=dict(files=files, documents=documents, left_out=left_out), count=len(files))


def plan_export(callbacks, tasks):
    """(files {name: script}, documents {name: text}, left out [sentence]) for the callbacks and tasks of a server."""
    usable = []
    left_out = []
    for callback in sorted(callbacks, key=lambda item: (item['task_id'], item['id'])):
        problem = _unexportable(callback)
        if problem:
            left_out.append('Callback %s of task %s is left out of the export: %s.' %
                            (callback['id'], callback['task_id'], problem))
        else:
            usable.append(callback)
    names = unique_task_names(tasks)
    files = dict((exported_file(callback), callback['script']) for callback in usable)
    items = [_item(callback, names, usable) for callback in usable]
    documents = {'callbacks.yml': callbacks_document(items), 'apply.yml': APPLY_PLAYBOOK}
    return files, documents, left_out


def _unexportable(callback):
    """Why a callback cannot be exported so that apply.yml applies it, or None."""
    if callback.get('type') not in CALLBACK_TYPES:
        return 'its type %s is not one the collection manages (%s)' % (
            _quoted(callback.get('type')),
            ', '.join(CALLBACK_TYPES),
        )
    script = callback.get('script')
    if not isinstance(script, str) or not script.strip():
        return 'its script is empty, which the role would refuse to apply'
    if not _encodable(script):
        return 'its script holds characters that cannot be written as UTF-8'
    return None


def unique_task_names(tasks):
    """{task id: name} for the tasks whose name finds exactly that task (the rule the modules apply to a name)."""
    ids_by_name = {}
    for task in tasks:
        name = task.get('name')
        if isinstance(name, str) and name.strip() and not is_task_id(name) and _encodable(name):
            ids_by_name.setdefault(name, []).append(task['id'])
    return dict((ids[0], name) for name, ids in ids_by_name.items() if len(ids) == 1)


def exported_file(callback):
    return 'task%d-%s-%d.js' % (callback['task_id'], re.sub('[^A-Za-z0-9_]', '_', callback['type']), callback['id'])


def _item(callback, names, usable):
    item = [('task', names.get(callback['task_id'], str(callback['task_id']))), ('type', callback['type'])]
    # An id is needed, and kept, only where the task holds several callbacks of the type.
    if sum(1 for other in usable if (other['task_id'], other['type']) == (callback['task_id'], callback['type'])) > 1:
        item.append(('callback_id', callback['id']))
    item.append(('script_file', exported_file(callback)))
    return item


def callbacks_document(items):
    """callbacks.yml: every string from the server quoted (and !unsafe where it holds a '{'); the file names are the export's own."""
    lines = ['---',
             '# Every callback of the server at the time of the export (%d), written by the export entry point of' % len(
                 items),
             '# the role nodeum.data_archiving.callbacks_as_code; each script is in files/, byte for byte. Names are '
             'the',
             '# server\'s, and Ansible never templates them (!unsafe). apply.yml applies this file with the role.',
             'nodeum_task_callbacks:' + ('' if items else ' []')]
    for item in items:
        for position, (key, value) in enumerate(item):
            lines.append('%s%s: %s' % ('  - ' if position == 0 else '    ', key, _yaml_value(key, value)))
    return '\n'.join(lines) + '\n'


def _yaml_value(key, value):
    if isinstance(value, int):
        return str(value)
    if key == 'script_file':
        return value  # a name the export made: task<digits>-<word>-<digits>.js
    # Jinja needs a '{'. A value with one is tagged !unsafe; one without cannot be a template, and stays
    # untagged because ansible-core 2.19 reads an !unsafe '"true"' or '"12"' as a boolean or a number.
    return ('!unsafe ' if '{' in value else '') + yaml_quoted(value)


def yaml_quoted(text):
    """text as a YAML double-quoted scalar that any YAML 1.1 or 1.2 parser reads back exactly.

    Not json.dumps: PyYAML reads a JSON surrogate pair (an emoji) as two lone surrogates, and takes
    U+0085, U+2028 and U+2029 in a quoted scalar as line breaks to fold.
    """
    return '"' + ''.join(_yaml_character(char) for char in text) + '"'


def _yaml_character(char):
    code = ord(char)
    if char in '"\\':
        return '\\' + char
    if (
        0x20 <= code <= 0x7E
        or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or code >= 0x10000
    ):
        return char
    if code <= 0xFF:
        return '\\x%02x' % code
    return '\\u%04x' % code


def _encodable(text):
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def _quoted(value):
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + '...'
