# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many task callbacks in one run: the logic of the task_callbacks module, free of AnsibleModule.

Each item is decided by the same pure functions as task_callback (matching_callbacks, plan_change,
plan_diff) and applied by the same apply_plan, with its lost-POST check and race rule. What this
module adds is the sharing of the reads: every item is validated before any request, each task
name is looked up once, each task's callbacks are read once (every page), and the reads and the
writes run at most MAX_CONCURRENT_REQUESTS at a time over the client's one session.

Items are independent: an item that fails (at its look-up, its read, its decision or its write)
is reported in its own result, and every other item is still applied. Exclusive mode leaves alone
every task where an item failed before its write, since what that item meant to keep is unknown.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import POOL_MAXSIZE, NodeumError, NodeumNotFound, api_path
from ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run import failure
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (
    CALLBACK_TYPES, Plan, apply_plan, callback_label, callback_record, callbacks_path, desired_state, matching_callbacks,
    plan_change, plan_diff, settled_matches,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import is_task_id, resolve_task_id, task_id_by_name, task_not_found

EXCLUSIVE_SCOPES = ('listed_tasks', 'all_tasks')

# Requests in flight at once: enough to hide the round trip, few enough not to crowd the server.
MAX_CONCURRENT_REQUESTS = POOL_MAXSIZE

# Up to this many distinct task names, one GET /tasks?name= each; above it one listing of every
# task (one request per 1000 tasks) is cheaper.
NAME_LOOKUP_LIMIT = 5

ITEM_OPTIONS = dict(
    task=dict(type='str'),
    callback_id=dict(type='int'),
    type=dict(type='str', default='filter', choices=list(CALLBACK_TYPES)),
    script=dict(type='raw'),
    script_file=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)

OPTIONS = dict(
    callbacks=dict(type='list', elements='dict', required=True, options=ITEM_OPTIONS),
    exclusive=dict(type='bool', default=False),
    exclusive_scope=dict(type='str', default='listed_tasks', choices=list(EXCLUSIVE_SCOPES)),
    allow_empty=dict(type='bool', default=False),
)

CONSTRAINTS = dict()

# One write to make: item is the index in callbacks (None for a removal by exclusive mode).
Job = namedtuple('Job', 'item task_id desired plan')


def ensure_task_callbacks(client, params, check_mode=False):
    """Bring every listed callback to its desired state; return changed, results, drift and diff."""
    items = desired_items(params.get('callbacks'))
    exclusive, all_tasks = exclusive_settings(params, items)
    with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_REQUESTS) as pool:
        task_ids, listed = resolve_tasks(client, pool, items, all_tasks)
        tasks_to_read = sorted(set(task_id for task_id in task_ids if isinstance(task_id, int)) | set(listed or ()))
        server = read_callbacks(client, pool, tasks_to_read)
        decisions = [_decide_item(client, desired, task_ids[index], server, exclusive) for index, desired in enumerate(items)]
        decisions = flag_conflicts(items, decisions)
        removals = exclusive_removals(decisions, server, tasks_to_read) if exclusive else []
        jobs = [Job(index, decision[0], items[index], decision[1]) for index, decision in enumerate(decisions) if _is_write(decision)]
        jobs += [Job(None, task_id, None, plan) for task_id, plan in removals]
        written = [_planned(job) for job in jobs] if check_mode else list(pool.map(lambda job: _apply(client, job), jobs))
    return bulk_result(items, decisions, jobs, written, check_mode)


# -- validation, before any request ------------------------------------------------------------

def desired_items(callbacks):
    """Every item validated (task_callback's rules), or NodeumError naming the first bad item."""
    if not isinstance(callbacks, list):
        raise NodeumError('callbacks must be a list of items with task, script and the other keys of task_callback.')
    items = []
    for index, item in enumerate(callbacks):
        try:
            items.append(desired_state(item if isinstance(item, dict) else {}))
        except NodeumError as error:
            raise NodeumError('%s: %s' % (item_label(index, item if isinstance(item, dict) else {}), error.message)) from None
    _refuse_repeated_items(items)
    return items


def _refuse_repeated_items(items):
    seen = {}
    for index, desired in enumerate(items):
        key = (desired['task'], identity_key(desired))
        if key in seen:
            raise NodeumError('%s manages the same callback as callbacks[%d]; keep one of the two items.'
                              % (item_label(index, desired), seen[key]))
        seen[key] = index


def identity_key(desired):
    return ('id', desired['callback_id']) if desired['callback_id'] is not None else ('type', desired['type'])


def item_label(index, item):
    task = item.get('task')
    return 'callbacks[%d] (task %r)' % (index, str(task)) if task is not None and str(task).strip() else 'callbacks[%d]' % index


def exclusive_settings(params, items):
    """(exclusive, all_tasks), or NodeumError for settings that would remove what the user cannot have meant to."""
    exclusive = bool(params.get('exclusive'))
    all_tasks = params.get('exclusive_scope') == 'all_tasks'  # unset is listed_tasks, the option's default
    if all_tasks and not exclusive:
        raise NodeumError('exclusive_scope all_tasks removes the undeclared callbacks of every task only together with exclusive true; '
                          'set exclusive: true, or leave exclusive_scope out.')
    if exclusive and all_tasks and not params.get('allow_empty') and not any(item['state'] == 'present' for item in items):
        # An empty list here is far more often a misspelled or unloaded variable than a wish to wipe the server.
        raise NodeumError('callbacks declares no callback, so exclusive mode on all_tasks would remove every callback of the server; '
                          'nothing was sent. Check that the list is the one you meant, or set allow_empty: true to empty the server.')
    return exclusive, all_tasks


# -- reading the server: each name looked up once, each task read once ---------------------------

def resolve_tasks(client, pool, items, all_tasks):
    """(task id or NodeumError per item, every task id of the server with all_tasks, else None)."""
    names = sorted(set(desired['task'] for desired in items if not is_task_id(desired['task'])))
    listing = None
    if all_tasks or len(names) > NAME_LOOKUP_LIMIT:
        listing, _count = client.paginate(api_path('tasks'), 'tasks')
        by_name = dict((name, _value_or_error(task_id_by_name, name, listing)) for name in names)
    else:
        by_name = dict(zip(names, pool.map(lambda name: _value_or_error(resolve_task_id, client, name), names)))
    listed = set(task['id'] for task in listing) if listing is not None else None
    task_ids = [by_name[desired['task']] if desired['task'] in by_name else _known_id(int(desired['task']), listed) for desired in items]
    # A listing made only to resolve names does not widen the reach of exclusive mode.
    return task_ids, (sorted(listed) if all_tasks else None)


def _known_id(task_id, listed):
    """An id is used as it is (a missing task answers 404 to its read); against a listing it is checked at once."""
    if listed is not None and task_id not in listed:
        return task_not_found(task_id)
    return task_id


def read_callbacks(client, pool, task_ids):
    """{task id: every callback of the task, or the NodeumError its read raised}."""
    return dict(zip(task_ids, pool.map(lambda task_id: _value_or_error(_task_callbacks, client, task_id), task_ids)))


def _task_callbacks(client, task_id):
    try:
        found, _count = client.paginate(callbacks_path(task_id), 'task_callbacks')
    except NodeumNotFound:
        raise task_not_found(task_id) from None
    return found


def _value_or_error(function, *args):
    """The function's value, or the NodeumError it raised: one item's failure must not stop the others."""
    try:
        return function(*args)
    except NodeumError as error:
        return error


# -- deciding, per item with task_callback's decision ----------------------------------------------

def _decide_item(client, desired, task_id, server, exclusive=False):
    """(task id, plan, matches) for an item, or (task id or None, NodeumError, []) when it cannot be decided.

    In exclusive mode the list is the whole truth: of several callbacks of the item's type, the item
    keeps one (keeper) and leaves the others undeclared, so that exclusive mode removes them.
    """
    if isinstance(task_id, NodeumError):
        return None, task_id, []
    callbacks = server[task_id]
    if isinstance(callbacks, NodeumError):
        return task_id, callbacks, []
    matches = matching_callbacks(callbacks, desired)
    try:
        matches = keeper(desired, matches) if exclusive else settled_matches(client, task_id, desired, matches)
        return task_id, plan_change(desired, matches, task_id), matches
    except NodeumError as error:
        return task_id, error, matches


def keeper(desired, matches):
    """Of several callbacks an item without callback_id matches, the one to keep: the one whose script matches, else the lowest id."""
    if len(matches) < 2 or desired['callback_id'] is not None or desired['state'] != 'present':
        return matches
    same = [match for match in matches if match.get('script') == desired['script']]
    return (same or matches)[:1]


def flag_conflicts(items, decisions):
    """Fail every item that manages a callback another item manages too: applying both would undo one of them."""
    claims = {}
    for index, (task_id, _plan, matches) in enumerate(decisions):
        if task_id is None:
            continue
        for claim in [identity_key(items[index])] + [('id', match['id']) for match in matches]:
            claims.setdefault((task_id, claim), set()).add(index)
    rivals = dict((index, set()) for index in range(len(items)))
    for indexes in claims.values():
        for index in indexes:
            rivals[index] |= indexes - {index}
    flagged = []
    for index, decision in enumerate(decisions):
        if rivals[index] and not isinstance(decision[1], NodeumError):
            others = ', '.join('callbacks[%d]' % other for other in sorted(rivals[index]))
            decision = (decision[0], NodeumError('It manages the same callback of task %s as %s; keep one of the items.'
                                                 % (decision[0], others)), decision[2])
        flagged.append(decision)
    return flagged


def exclusive_removals(decisions, server, task_ids):
    """(task id, delete plan) for each callback no item declares, on the given tasks whose items all succeeded."""
    declared = {}
    spoiled = set()
    for task_id, plan, matches in decisions:
        if isinstance(plan, NodeumError):
            spoiled.add(task_id)
        declared.setdefault(task_id, set()).update(match['id'] for match in matches)
    removals = []
    for task_id in task_ids:
        callbacks = server.get(task_id)
        if task_id in spoiled or isinstance(callbacks, NodeumError):
            continue
        for callback in sorted(callbacks, key=lambda item: item['id']):
            if callback['id'] not in declared.get(task_id, ()):
                removals.append((task_id, Plan('delete', [callback], None)))
    return removals


def _is_write(decision):
    return not isinstance(decision[1], NodeumError) and decision[1].action != 'none'


# -- applying ----------------------------------------------------------------------------------

def _planned(job):
    """What check mode reports: the plan's own result, as task_callback reports it."""
    return True, job.plan.after


def _apply(client, job):
    """(changed, callback) after the write, or the NodeumError it raised."""
    return _value_or_error(apply_plan, client, job.task_id, job.desired, job.plan)


# -- the result ----------------------------------------------------------------------------------

def bulk_result(items, decisions, jobs, written, check_mode):
    """The module's result; failed, with one sentence counting the failures, when any item or removal failed."""
    by_item = dict((job.item, write) for job, write in zip(jobs, written) if job.item is not None)
    results = [_item_result(decision, by_item.get(index)) for index, decision in enumerate(decisions)]
    done = [(job, write) for job, write in zip(jobs, written) if _changed(write)]
    failed_items = ['%s: %s' % (item_label(index, items[index]), result['msg']) for index, result in enumerate(results) if result.get('failed')]
    removals = [(job, write) for job, write in zip(jobs, written) if job.item is None]
    failed_removals = ['removing %s: %s' % (callback_label(job.task_id, job.plan.before[0]), write.message)
                       for job, write in removals if isinstance(write, NodeumError)]
    result = dict(changed=bool(done), results=results, drift=drift_report(done),
                  diff=[diff for job, _written in done for diff in plan_diff(job.plan, job.task_id)])
    if failed_items or failed_removals:
        counts = ['%d of %d items' % (len(failed_items), len(items))] if failed_items else []
        counts += ['%d of %d removals by exclusive mode' % (len(failed_removals), len(removals))] if failed_removals else []
        result.update(failed=True, msg='%s failed, every other change %s; the first failure: %s'
                      % (' and '.join(counts), 'would be made (check mode)' if check_mode else 'was made', (failed_items + failed_removals)[0]))
    return result


def _item_result(decision, write):
    task_id, plan, _matches = decision
    if isinstance(plan, NodeumError):
        return dict(failure(plan), task_callback=None)
    if write is None:
        write = (False, plan.after)
    if isinstance(write, NodeumError):
        return dict(failure(write), task_callback=None)
    return dict(changed=write[0], task_callback=callback_record(write[1], task_id))


def _changed(write):
    return not isinstance(write, NodeumError) and write[0]


# The drift report's key for each kind of write. Not create/update/remove: Jinja reads entry.update as
# the dict's own method, so ansible-test (2.21) refuses a returned key named like one.
DRIFT_KEYS = dict(create='created', update='updated', delete='removed')


def drift_report(done):
    """Per task, ascending: the callbacks created, updated and removed."""
    report = {}
    for job, write in done:
        entry = report.setdefault(job.task_id, dict([('task_id', job.task_id)] + [(key, []) for key in DRIFT_KEYS.values()]))
        if job.plan.action == 'delete':
            entry['removed'].extend(dict(id=callback['id'], type=callback['type'], item=job.item) for callback in job.plan.before)
        else:
            callback = write[1] or job.plan.after
            entry[DRIFT_KEYS[job.plan.action]].append(dict(id=callback.get('id'), type=callback.get('type'), item=job.item))
    return [report[task_id] for task_id in sorted(report)]
