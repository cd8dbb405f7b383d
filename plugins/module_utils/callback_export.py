# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The export of a server's callbacks: which files hold what, as a pure function of what the server holds.

plan_export() turns every callback and every task of the server into the export directory's
files: files/<task>-<type>-<n>.js (each script byte for byte), callbacks.yml (the role's
nodeum_task_callbacks) and apply.yml. read_export() reads the server for it. No name depends on
the ids the server gave its callbacks: <task> comes from the task's name (task-<id> for a task
named by id), <n> is the callback's place among its task's callbacks of its type by script.

Everything taken from the server is data, never code: callbacks.yml writes each string the server
gave as a YAML double-quoted string, tagged !unsafe wherever it could hold Jinja, so Ansible never
templates it when apply.yml loads the file, and it reaches the modules exactly as the server holds it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import re
import unicodedata
from collections import Counter, namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.plan import server_root
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import CALLBACK_TYPES
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import read_inventory
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import is_task_id
from ansible_collections.nodeum.data_archiving.plugins.module_utils.terminal_safe import visible

# The documents of an export directory, beside files/.
DOCUMENTS = ('callbacks.yml', 'apply.yml')

# The longest file-safe form of a task name in a file name, and how many hex digits of the SHA-256 of the
# name follow it where that form alone would not tell tasks apart.
STEM_LENGTH = 40
DIGEST_LENGTH = 8

# Every name the export gives a file of files/ (<task>-<type>-<n>.js); the writer refuses any other, and
# removes as stale only the files so named (those of earlier exports, task<id>-<type>-<callback id>.js, too).
EXPORTED_NAME = re.compile(
    r'^(?:[A-Za-z0-9](?:[A-Za-z0-9_]{0,%d}[A-Za-z0-9])?(?:--[0-9a-f]{%d})?|task-[0-9]+)-[A-Za-z0-9_]+-[0-9]+\.js$'
    % (STEM_LENGTH - 2, DIGEST_LENGTH))

# How an item of callbacks.yml names its script: below the export directory, where apply.yml sets
# nodeum_export_dir, so that no templates/ or files/ of a playbook beside it can stand in for it.
SCRIPT_PATH = '{{ nodeum_export_dir }}/files/%s'

# How callbacks.yml names a task. task: its name, or its id as text; task_name: with an id, the name the task
# has (None when it has none that can be written); file_name_from: the name its file names come from, None
# for a task named by id.
TaskReference = namedtuple('TaskReference', 'task task_name file_name_from')

# One file of files/: its callback's task and type, its name, its script, and its place in callbacks.yml.
ExportedFile = namedtuple('ExportedFile', 'task_id callback_type file_name script order')

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
    # callbacks.yml names each script below this directory, so that no templates/ or files/ beside it
    # holds a file of the same name in its place.
    nodeum_export_dir: "{{ playbook_dir }}"
    # The modules run on this machine, with the Python that runs Ansible (it needs requests).
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    # callbacks.yml holds every callback the server had: with exclusive mode on, a callback that it
    # does not declare is drift on any task, also on a task that had none.
    nodeum_task_callbacks_exclusive_scope: >-
      {{ 'all_tasks' if nodeum_task_callbacks_exclusive | default(false) | bool else 'listed_tasks' }}
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
    files, documents, left_out = plan_export(inventory['task_callbacks'], tasks, server_root(client.base_url))
    return dict(changed=False, export=dict(files=files, documents=documents, left_out=left_out), count=len(files))


def plan_export(callbacks, tasks, server):
    """(files {name: script}, documents {name: text}, left out [sentence]) for the callbacks and tasks of a server.

    Nothing in it depends on the ids the server gave its callbacks, and the ids of its tasks show only
    for the tasks named by id: two servers holding the same callbacks on tasks of the same names give
    the same files and the same callbacks.yml, but for its first comment line, which names the server.
    """
    usable = []
    left_out = []
    for callback in sorted(callbacks, key=lambda item: (item['task_id'], item['id'])):
        problem = _unexportable(callback)
        if problem:
            left_out.append('Callback %s of task %s is left out of the export: %s.' %
                            (callback['id'], callback['task_id'], problem))
        else:
            usable.append(callback)
    references = task_references(tasks)
    stems = task_file_stems(dict((task_id, references[task_id].file_name_from)
                                 for task_id in set(callback['task_id'] for callback in usable)))
    exported = exported_files(usable, stems)
    files = dict((entry.file_name, entry.script) for entry in exported)
    items = [_item(references[entry.task_id], entry) for entry in exported]
    documents = {'callbacks.yml': callbacks_document(items, server), 'apply.yml': APPLY_PLAYBOOK}
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


# -- how callbacks.yml names each task ----------------------------------------------------------

def unique_task_names(tasks):
    """{task id: name} for the tasks whose name finds exactly that task (the rule the modules apply to a name)."""
    ids_by_name = {}
    for task in tasks:
        name = task.get('name')
        if isinstance(name, str) and name.strip() and not is_task_id(name) and _encodable(name):
            ids_by_name.setdefault(name, []).append(task['id'])
    return dict((ids[0], name) for name, ids in ids_by_name.items() if len(ids) == 1)


def task_references(tasks):
    """{task id: its TaskReference}: by name where the name finds exactly that task, else by id and its name."""
    unique = unique_task_names(tasks)
    references = {}
    for task in tasks:
        name = task.get('name')
        if task['id'] in unique:
            references[task['id']] = TaskReference(name, None, name)
        else:
            kept = name if isinstance(name, str) and _encodable(name) else None
            references[task['id']] = TaskReference(str(task['id']), kept, None)
    return references


# -- the file names of files/ -------------------------------------------------------------------

def file_safe_name(name):
    """A task name made file-safe: accents dropped (NFKD), every other run of characters but ASCII letters and
    digits one _, no _ at either end, at most STEM_LENGTH characters; empty when nothing is left."""
    letters = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode('ascii')
    return re.sub('[^A-Za-z0-9]+', '_', letters).strip('_')[:STEM_LENGTH].rstrip('_')


def task_file_stems(names):
    """{task id: the <task> part of its files' names}, from {task id: its name, or None for a task named by id}.

    A name gives its file-safe form (file_safe_name); where that is empty or equal, ignoring case, to
    another task's, it is followed by --<the first digits of the SHA-256 of the whole name>. A task
    named by id gives task-<id>. The three forms cannot meet: a file-safe name holds no -. No two
    stems are equal ignoring case; should two digests' first digits ever meet, those tasks give task-<id>.
    """
    safe = dict((task_id, file_safe_name(name)) for task_id, name in names.items() if name is not None)
    seen = Counter(stem.lower() for stem in safe.values())
    stems = {}
    for task_id, name in names.items():
        if name is None:
            stems[task_id] = 'task-%d' % task_id
        elif safe[task_id] and seen[safe[task_id].lower()] == 1:
            stems[task_id] = safe[task_id]
        else:
            digest = hashlib.sha256(name.encode('utf-8')).hexdigest()[:DIGEST_LENGTH]
            stems[task_id] = '%s--%s' % (safe[task_id] or 'task', digest)
    taken = Counter(stem.lower() for stem in stems.values())
    return dict((task_id, stem if taken[stem.lower()] == 1 else 'task-%d' % task_id) for task_id, stem in stems.items())


def exported_files(callbacks, stems):
    """An ExportedFile per callback, in the order of callbacks.yml: <stem>-<type>-<n>.js, where n is the callback's
    place among its task's callbacks of its type by the bytes of their scripts (1 for the first)."""
    groups = {}
    for callback in callbacks:
        groups.setdefault((callback['task_id'], callback['type']), []).append(callback['script'])
    exported = []
    for (task_id, callback_type), scripts in groups.items():
        ordered = sorted(scripts, key=lambda script: script.encode('utf-8'))
        exported += [ExportedFile(task_id, callback_type, '%s-%s-%d.js' % (stems[task_id], _word(callback_type), place),
                                  script, (stems[task_id].lower(), stems[task_id], callback_type, place))
                     for place, script in enumerate(ordered, 1)]
    return sorted(exported, key=lambda entry: entry.order)


def _word(callback_type):
    return re.sub('[^A-Za-z0-9_]', '_', callback_type)


# -- callbacks.yml --------------------------------------------------------------------------------

def _item(reference, entry):
    item = [('task', reference.task)]
    if reference.task_name is not None:
        item.append(('task_name', reference.task_name))
    item += [('type', entry.callback_type), ('script_file', SCRIPT_PATH % entry.file_name)]
    return item


def callbacks_document(items, server):
    """callbacks.yml: every string from the server quoted (and !unsafe where it holds a '{'); the file names are the
    export's own. Its first comment line names the server, and is the one line that differs between the exports
    of two servers that hold the same callbacks on tasks of the same names."""
    lines = ['---',
             '# The callbacks of %s, exported by the role nodeum.data_archiving.callbacks_as_code.' % visible(server),
             '# Each script is in files/, byte for byte. Task names are the server\'s, never templated (!unsafe);',
             '# a task named by id carries task_name, the name it must have where this file is applied.',
             '# apply.yml applies this file with the role.',
             'nodeum_task_callbacks:' + ('' if items else ' []')]
    for item in items:
        for position, (key, value) in enumerate(item):
            lines.append('%s%s: %s' % ('  - ' if position == 0 else '    ', key, _yaml_value(key, value)))
    return '\n'.join(lines) + '\n'


def _yaml_value(key, value):
    if key == 'script_file':
        return '"%s"' % value  # a path the export made, of ASCII letters, digits, _, -, ., / and its {{ }}
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
