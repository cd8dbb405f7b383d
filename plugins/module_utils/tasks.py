# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding the Nodeum task a callback belongs to, by id or by name."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.plan import server_root
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.terminal_safe import visible

# How many ids a failure lists before it says "and N more".
ID_SAMPLE_SIZE = 10

# How many characters of a task name a failure shows.
NAME_SHOWN_LENGTH = 80

# How many task ids one GET /tasks?id=><... asks the names of (a URL stays far below common limits).
NAMES_PER_REQUEST = 100


def validate_task_reference(task):
    """Reject a task reference that cannot name anything, before any request is sent."""
    if task is None or not str(task).strip():
        raise NodeumError('task is empty; give the numeric id or the exact name of a Nodeum task.')


def is_task_id(task):
    """Digits only is an id; anything else is a name (the same rule the API applies in paths)."""
    return str(task).isdigit() and str(task).isascii()


def resolve_task_id(client, task):
    """Return the numeric id of the task, looking a name up through GET /tasks?name=.

    A name must match exactly one task: names are not unique on a Nodeum server, and guessing
    would write to the wrong task. An id is used as it is; a list request on it fails with 404
    when it does not exist, which costs no extra request.
    """
    validate_task_reference(task)
    if is_task_id(task):
        return int(task)
    # '=' makes the name a literal value even when it starts with an operator such as '>' or '!='.
    return task_id_by_name(task, tasks_by_name(client, task))


def tasks_by_name(client, name):
    """The tasks the server lists for a name filter (which a server may ignore: task_id_by_name checks the name
    again)."""
    found, _count = list_tasks(client, params={'name': '=' + name})
    return found


def tasks_named(name, tasks):
    """The ids of the tasks in `tasks` (a checked listing) named exactly `name`, ascending."""
    return sorted(item['id'] for item in tasks if item['name'] == name)


def task_id_by_name(task, tasks):
    """The id of the one task in `tasks` (a checked listing) named exactly `task`, or NodeumError."""
    ids = tasks_named(task, tasks)
    if not ids:
        raise NodeumError(
            'No Nodeum task is named %r; check the name (it is case-sensitive) or give the task\'s numeric id.' % task)
    if len(ids) > 1:
        raise NodeumError('%d Nodeum tasks are named %r (ids %s); give the numeric id of the one you mean.' %
                          (len(ids), task, id_sample(ids)))
    return ids[0]


def task_names(client, task_ids, map_function=map):
    """{task id: name} of the given tasks, NAMES_PER_REQUEST ids a request (GET /tasks?id=><1|2|...), the
    requests sent through map_function (a pool's map sends them at once). A task the server does not list is
    left out, and so is any task that was not asked for; a listing that is not one of tasks fails (list_tasks)."""
    chunks = [task_ids[start:start + NAMES_PER_REQUEST] for start in range(0, len(task_ids), NAMES_PER_REQUEST)]
    names = {}
    for found in map_function(lambda chunk: _named_tasks(client, chunk), chunks):
        names.update(found)
    return names


def _named_tasks(client, task_ids):
    found, _count = list_tasks(client, params={'id': '><' + '|'.join(str(task_id) for task_id in task_ids)})
    wanted = set(task_ids)
    return dict((task['id'], task['name']) for task in found if task['id'] in wanted)


def id_sample(ids):
    """'1, 2, 3' or '1, 2, ... and 40 more': enough to act on, short enough to read."""
    shown = ', '.join(str(item) for item in ids[:ID_SAMPLE_SIZE])
    rest = len(ids) - ID_SAMPLE_SIZE
    return shown + (' and %d more' % rest if rest > 0 else '')


def check_task_name(client, task_id, expected):
    """NodeumError unless the task task_id of the server is named exactly `expected` (one GET /tasks?id=><id)."""
    names = task_names(client, [task_id])
    if task_id not in names:
        raise task_not_found(task_id)
    if names[task_id] != expected:
        raise task_name_differs(client.base_url, task_id, names[task_id], expected)


def task_name_differs(server, task_id, actual, expected):
    """The failure of an item whose task, given by id with task_name, has another name on this server."""
    return NodeumError('task %s on %s is %s, the export expected %s (task_name); edit callbacks.yml to name the task '
                       'on this server, by its id (task_info lists the tasks) or by a name that finds only it.'
                       % (task_id, server_root(server), quoted_name(actual), quoted_name(expected)))


def quoted_name(name):
    """A task name in a sentence: in single quotes, its control characters shown and at most 80 characters."""
    shown = visible(name[:NAME_SHOWN_LENGTH]) + ('...' if len(name) > NAME_SHOWN_LENGTH else '')
    return "'%s'" % shown


def task_not_found(task_id):
    """The failure of a task id the server does not know. Names are resolved to ids first (a missing
    name fails in task_id_by_name), and digits are always an id, so the sentence offers no name."""
    return NodeumError('Nodeum task %s does not exist; give the id of an existing task (digits are always read as an '
                       'id, so a name of '
                       'digits only cannot be used).' % task_id)
