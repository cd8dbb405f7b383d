# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reads of a task_callbacks run: each task name looked up once, each task's callbacks read once.

Every read runs on the pool it is given (at most MAX_CONCURRENT_REQUESTS at a time), and a read that
fails is kept as the NodeumError it raised, for the items it concerns alone.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError, NodeumNotFound
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_callbacks, list_tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import (
    is_task_id, task_id_by_name, task_name_differs, task_names, task_not_found, tasks_by_name, tasks_named,
)

# Up to this many distinct task names, one GET /tasks?name= each; above it one listing of every
# task (one request per 1000 tasks) is cheaper.
NAME_LOOKUP_LIMIT = 5

# What an item's task found. task_id: the one task it names (None when it names not exactly one); error: the
# NodeumError that says why not, or None; meant: the ids of the tasks the item may mean (each task of a name that
# several tasks share, none for a name no task has), or None when they are unknown (the name's look-up failed).
TaskLookup = namedtuple('TaskLookup', 'task_id error meant')


def resolve_tasks(client, pool, items, all_tasks):
    """(a TaskLookup per item, every task id of the server with all_tasks else None, {task id: name} from the
    listing of every task when one was made)."""
    names = sorted(set(desired['task'] for desired in items if not is_task_id(desired['task'])))
    listing = None
    # An item with task_name needs the name of its task, and the tasks of that name should the two differ.
    if all_tasks or len(names) > NAME_LOOKUP_LIMIT or any(desired['task_name'] is not None for desired in items):
        listing, _count = list_tasks(client)
        by_name = dict((name, lookup_in(name, listing)) for name in names)
    else:
        by_name = dict(zip(names, pool.map(lambda name: _look_up(client, name), names)))
    names = dict((task['id'], task['name']) for task in listing) if listing is not None else None
    lookups = [by_name[desired['task']] if desired['task'] in by_name
               else _known_id(client.base_url, int(desired['task']), desired['task_name'], names)
               for desired in items]
    # A listing made only to resolve names does not widen the reach of exclusive mode.
    return lookups, (sorted(names) if all_tasks else None), names or {}


def _look_up(client, name):
    """The TaskLookup of a name through its own GET /tasks?name=; when that fails, the tasks it meant are unknown."""
    try:
        found = tasks_by_name(client, name)
    except NodeumError as error:
        return TaskLookup(None, error, None)
    return lookup_in(name, found)


def lookup_in(name, tasks):
    """The TaskLookup of a name in a checked listing: every task of that name is one the item may mean."""
    meant = frozenset(tasks_named(name, tasks))
    try:
        return TaskLookup(task_id_by_name(name, tasks), None, meant)
    except NodeumError as error:
        return TaskLookup(None, error, meant)


def _known_id(server, task_id, task_name, names):
    """An id is used as it is (a missing task answers 404 to its read). Against the listing's {task id: name} it is
    checked at once, and so is its task_name (the listing is made for every item with one): a task missing or of
    another name fails the item, which may then have meant that task or any task of its task_name."""
    if names is None:
        return TaskLookup(task_id, None, frozenset([task_id]))
    if task_id in names and task_name in (None, names[task_id]):
        return TaskLookup(task_id, None, frozenset([task_id]))
    meant = set(other for other, name in names.items() if task_name is not None and name == task_name)
    if task_id not in names:
        return TaskLookup(None, task_not_found(task_id), frozenset(meant))
    return TaskLookup(None, task_name_differs(server, task_id, names[task_id], task_name), frozenset(meant | {task_id}))


def read_callbacks(client, pool, task_ids):
    """{task id: every callback of the task, or the NodeumError its read raised}."""
    return dict(zip(task_ids, pool.map(lambda task_id: _value_or_error(_task_callbacks, client, task_id), task_ids)))


def _task_callbacks(client, task_id):
    try:
        found, _count = list_callbacks(client, task_id)
    except NodeumNotFound:
        raise task_not_found(task_id) from None
    return found


def task_references(items, lookups):
    """{task name an item gives: the task id it resolved to, or None}: the name look-ups a plan rests on."""
    return dict(
        (desired['task'], lookup.task_id) for desired, lookup in zip(items, lookups) if not is_task_id(desired['task'])
    )


def readable(server):
    """{task id: its callbacks, or None when its read failed}."""
    return dict(
        (task_id, None if isinstance(callbacks, NodeumError) else callbacks) for task_id, callbacks in server.items()
    )


def names_of_changed_tasks(client, pool, items, lookups, listing_names, jobs, warn):
    """{task id: name} of every task a job changes: the name an item gave, the listing's, else one look-up
    (GET /tasks?id=><...) for the others. A failed look-up leaves those tasks named by id, with a warning."""
    names = dict(listing_names)
    names.update((lookup.task_id, desired['task']) for desired, lookup in zip(items, lookups)
                 if lookup.task_id is not None and not is_task_id(desired['task']))
    missing = sorted(set(job.task_id for job in jobs) - set(names))
    if missing:
        try:
            names.update(task_names(client, missing, pool.map))
        except NodeumError as error:
            warn('The plan names tasks %s by id only, since their names could not be read: %s'
                 % (', '.join(str(task_id) for task_id in missing), error.message))
    return names


def _value_or_error(function, *args):
    """The function's value, or the NodeumError it raised: one item's failure must not stop the others."""
    try:
        return function(*args)
    except NodeumError as error:
        return error
