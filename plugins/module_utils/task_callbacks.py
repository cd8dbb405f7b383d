# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many task callbacks in one run: the logic of the task_callbacks module, free of AnsibleModule.

Each item is decided by the same pure functions as task_callback (matching_callbacks, match_by_script,
plan_change) and applied by the same apply_plan, with its lost-POST check and race rule; the items
without callback_id of one task and type are matched together (managed_by_item). What this
module adds is the sharing of the reads: every item is validated before any request, each task
name is looked up once, each task's callbacks are read once (every page), and the reads and the
writes run at most MAX_CONCURRENT_REQUESTS (client) at a time over the client's one session.

Items are independent: an item that fails (at its look-up, its read, its decision or its write)
is reported in its own result, and every other item is still applied. Exclusive mode leaves alone
every task that an item which failed before its write may have meant (what it meant to keep there
is unknown), and removes nothing at all when the tasks such an item meant are unknown.

The run's plan (module_utils/plan.py) is computed from the reads alone, before any write: with
expect_fingerprint a run whose reads give another fingerprint, and with fail_on_change a run whose
plan holds a change, send no write.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import MAX_CONCURRENT_REQUESTS
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError, NodeumNotFound
from ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run import failure
from ansible_collections.nodeum.data_archiving.plugins.module_utils.plan import (
    Change, change_address, change_diffs, change_order, failures_sentence, fingerprint_refusal, gate_sentence, plan_report,
    stale_sentence, state_fingerprint, valid_fingerprint,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import list_callbacks, list_tasks
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (
    CALLBACK_TYPES, SCRIPT_SYNTAXES, CreateCheck, Plan, apply_plan, callback_record, desired_state,
    match_by_script, matching_callbacks, plan_change, refuse_controller_options,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import (
    is_task_id, task_id_by_name, task_names, task_not_found, tasks_by_name, tasks_named,
)

EXCLUSIVE_SCOPES = ('listed_tasks', 'all_tasks')

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
    syntax=dict(type='str', choices=list(SCRIPT_SYNTAXES)),
    validate=dict(type='str'),
    # Set by the action plugin alone: the sentence of the item's failed check on the controller.
    refusal=dict(type='str'),
)

# The item keys a playbook may give: refusal is the action plugin's hand-over to the module.
PLAYBOOK_ITEM_KEYS = tuple(name for name in ITEM_OPTIONS if name != 'refusal')

OPTIONS = dict(
    callbacks=dict(type='list', elements='dict', required=True, options=ITEM_OPTIONS),
    exclusive=dict(type='bool', default=False),
    exclusive_scope=dict(type='str', default='listed_tasks', choices=list(EXCLUSIVE_SCOPES)),
    allow_empty=dict(type='bool', default=False),
    fail_on_change=dict(type='bool', default=False),
    expect_fingerprint=dict(type='str'),
    # The checks of every item that sets none of its own, made on the controller by the action plugin.
    syntax=dict(type='str', choices=list(SCRIPT_SYNTAXES)),
    validate=dict(type='str'),
)

CONSTRAINTS = dict()

# What an item's task found. task_id: the one task it names (None when it names not exactly one); error: the
# NodeumError that says why not, or None; meant: the ids of the tasks the item may mean (each task of a name that
# several tasks share, none for a name no task has), or None when they are unknown (the name's look-up failed).
TaskLookup = namedtuple('TaskLookup', 'task_id error meant')

# What was decided for one item. task_id: the item's task (None when it could not be found); plan: what to
# do (None when the item failed); matches: the callbacks the item manages; error: the NodeumError that
# stopped the item, or None; meant: the TaskLookup's, the tasks exclusive mode spares when the item fails.
Decision = namedtuple('Decision', 'task_id plan matches error meant')

# One write to make: item is the index in callbacks (None for a removal by exclusive mode); check: the
# CreateCheck of a create, else None.
Job = namedtuple('Job', 'item task_id desired plan check')

# What a job did. changed and callback as apply_plan returns them; error: the NodeumError the write
# raised (then changed is False and callback None), or None.
Outcome = namedtuple('Outcome', 'changed callback error')

# What the result needs of the run besides its items: server, the API base URL; ending, how the run ends
# (plan.RUN_ENDINGS, or apply); exclusive_scope, the scope of exclusive mode (None without it); task_names,
# {task id: name} of the tasks with a change; fingerprint, of the state read; expected, expect_fingerprint
# (None when unset); fail_on_change, the option; removals_withheld, whether exclusive mode removed nothing
# because the tasks a failed item meant are unknown.
Run = namedtuple('Run', 'server ending exclusive_scope task_names fingerprint expected fail_on_change removals_withheld')


def ensure_task_callbacks(client, params, context):
    """Bring every listed callback to its desired state (context: module_run.RunContext); return changed, results,
    plan, drift and diff."""
    refuse_controller_options(params)
    items = desired_items(params.get('callbacks'))
    exclusive, all_tasks = exclusive_settings(params, items)
    expected = expected_fingerprint(params.get('expect_fingerprint'))
    with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_REQUESTS) as pool:
        lookups, listed, listing_names = resolve_tasks(client, pool, items, all_tasks)
        tasks_to_read = sorted(set(lookup.task_id for lookup in lookups if lookup.task_id is not None) | set(listed or ()))
        server = read_callbacks(client, pool, tasks_to_read)
        fingerprint = state_fingerprint(client.base_url, task_references(items, lookups), readable(server))
        decisions = flag_conflicts(items, decide_items(items, lookups, server))
        jobs = write_jobs(items, decisions, server)
        jobs += exclusive_removals(decisions, server, tasks_to_read) if exclusive else []
        ending = run_ending(context.check_mode, params, expected, fingerprint, jobs)
        names = names_of_changed_tasks(client, pool, items, lookups, listing_names, jobs, context.warn)
        if ending == 'apply':
            outcomes = apply_jobs(client, pool, jobs, context)
        else:
            outcomes = [planned(job) if context.check_mode else held(job) for job in jobs]
    scope = ('all_tasks' if all_tasks else 'listed_tasks') if exclusive else None
    run = Run(client.base_url, ending, scope, names, fingerprint, expected, bool(params.get('fail_on_change')),
              exclusive and spared_tasks(decisions) is None)
    return bulk_result(items, decisions, list(zip(jobs, outcomes)), run)


# -- validation, before any request ------------------------------------------------------------

def desired_items(callbacks):
    """Every item validated (task_callback's rules), or NodeumError naming the first bad item."""
    if not isinstance(callbacks, list):
        raise NodeumError('callbacks must be a list of items with task, script and the other keys of task_callback.')
    items = []
    for index, item in enumerate(callbacks):
        try:
            items.append(dict(desired_state(item if isinstance(item, dict) else {}), refusal=_refusal(item)))
        except NodeumError as error:
            label = item_label(index, item if isinstance(item, dict) else {})
            raise NodeumError('%s: %s' % (label, error.message)) from None
    _refuse_repeated_items(items)
    return items


def _refusal(item):
    """The sentence of the item's failed check on the controller, or None."""
    refusal = item.get('refusal') if isinstance(item, dict) else None
    return None if refusal is None else str(refusal)


def _refuse_repeated_items(items):
    """Before any request: an item that manages what an earlier item of the same task (as written) manages."""
    rivals = _rivals([(desired['task'],) + identity_keys(desired, []) for desired in items])
    for index, desired in enumerate(items):
        earlier = [other for other in rivals[index] if other < index]
        if earlier:
            raise NodeumError('%s manages the same callback as callbacks[%d]; keep one of the two items.'
                              % (item_label(index, desired), min(earlier)))


def identity_keys(desired, matches):
    """(claims, shares): what an item takes for itself, and what it works within beside other items.

    Two items of one task conflict when one claims what the other claims or shares. An item with
    callback_id claims that id; one without claims the callbacks it manages, and with state absent
    also its type (it removes all of them), while items with state present share their type.
    """
    if desired['callback_id'] is not None:
        return {('id', desired['callback_id'])}, set()
    own = set(('id', match['id']) for match in matches)
    kind = ('type', desired['type'])
    if desired['state'] == 'absent':
        return own | {kind}, set()
    return own, {kind}


def _rivals(keyed):
    """[the indexes of the other items each one conflicts with], from (task, claims, shares) per item, or None."""
    claimed, shared = {}, {}
    for index, (task, claims, shares) in _entries(keyed):
        for key in claims:
            claimed.setdefault((task, key), set()).add(index)
        for key in shares:
            shared.setdefault((task, key), set()).add(index)
    rivals = [set() for _entry in keyed]
    for index, (task, claims, shares) in _entries(keyed):
        for key in claims:
            rivals[index] |= claimed[(task, key)] | shared.get((task, key), set())
        for key in shares:
            rivals[index] |= claimed.get((task, key), set())
        rivals[index].discard(index)
    return rivals


def _entries(keyed):
    return [(index, entry) for index, entry in enumerate(keyed) if entry is not None]


def item_label(index, item):
    task = item.get('task')
    if task is not None and str(task).strip():
        return 'callbacks[%d] (task %r)' % (index, str(task))
    return 'callbacks[%d]' % index


def exclusive_settings(params, items):
    """(exclusive, all_tasks), or NodeumError for settings that would remove what the user cannot have meant to."""
    exclusive = bool(params.get('exclusive'))
    all_tasks = params.get('exclusive_scope') == 'all_tasks'  # unset is listed_tasks, the option's default
    if all_tasks and not exclusive:
        raise NodeumError('exclusive_scope all_tasks removes the undeclared callbacks of every task only together with '
                          'exclusive true; set exclusive: true, or leave exclusive_scope out.')
    declares_none = not any(item['state'] == 'present' for item in items)
    if exclusive and all_tasks and not params.get('allow_empty') and declares_none:
        # An empty list here is far more often a misspelled or unloaded variable than a wish to wipe the server.
        raise NodeumError('callbacks declares no callback, so exclusive mode on all_tasks would remove every callback '
                          'of the server; nothing was sent. Check that the list is the one you meant, or set '
                          'allow_empty: true to empty the server.')
    return exclusive, all_tasks


def expected_fingerprint(value):
    """expect_fingerprint as given, None when unset, or NodeumError for a value no plan gives."""
    if value is None:
        return None
    if not valid_fingerprint(value):
        raise NodeumError(fingerprint_refusal(value))
    return value


# -- reading the server: each name looked up once, each task read once ---------------------------

def resolve_tasks(client, pool, items, all_tasks):
    """(a TaskLookup per item, every task id of the server with all_tasks else None, {task id: name} from the
    listing of every task when one was made)."""
    names = sorted(set(desired['task'] for desired in items if not is_task_id(desired['task'])))
    listing = None
    if all_tasks or len(names) > NAME_LOOKUP_LIMIT:
        listing, _count = list_tasks(client)
        by_name = dict((name, lookup_in(name, listing)) for name in names)
    else:
        by_name = dict(zip(names, pool.map(lambda name: _look_up(client, name), names)))
    listed = set(task['id'] for task in listing) if listing is not None else None
    lookups = [by_name[desired['task']] if desired['task'] in by_name else _known_id(int(desired['task']), listed)
               for desired in items]
    names = dict((task['id'], task['name']) for task in listing or ())
    # A listing made only to resolve names does not widen the reach of exclusive mode.
    return lookups, (sorted(listed) if all_tasks else None), names


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


def _known_id(task_id, listed):
    """An id is used as it is (a missing task answers 404 to its read); against a listing it is checked at once."""
    if listed is not None and task_id not in listed:
        return TaskLookup(None, task_not_found(task_id), frozenset())
    return TaskLookup(task_id, None, frozenset([task_id]))


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
    return dict((desired['task'], lookup.task_id) for desired, lookup in zip(items, lookups) if not is_task_id(desired['task']))


def readable(server):
    """{task id: its callbacks, or None when its read failed}."""
    return dict((task_id, None if isinstance(callbacks, NodeumError) else callbacks) for task_id, callbacks in server.items())


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


# -- deciding: the items without callback_id of one task and type together, then task_callback's decision --

def decide_items(items, lookups, server):
    """The Decision of every item (its TaskLookup given): its plan, or the error that keeps it from being decided."""
    managed = managed_by_item(items, [lookup.task_id for lookup in lookups], server)
    return [_decision(desired, lookups[index], server, managed.get(index, [])) for index, desired in enumerate(items)]


def _decision(desired, lookup, server, managed):
    if desired['refusal'] is not None:  # refused on the controller: nothing is decided, so nothing is sent for it
        return Decision(lookup.task_id, None, [], NodeumError(desired['refusal']), lookup.meant)
    if lookup.error is not None:
        return Decision(None, None, [], lookup.error, lookup.meant)
    task_id = lookup.task_id
    if isinstance(server[task_id], NodeumError):
        return Decision(task_id, None, [], server[task_id], lookup.meant)
    try:
        return Decision(task_id, plan_change(desired, managed, task_id), managed, None, lookup.meant)
    except NodeumError as error:
        return Decision(task_id, None, managed, error, lookup.meant)


def managed_by_item(items, task_ids, server):
    """{item index: the callbacks it manages}, for every item whose task's callbacks were read.

    An item with callback_id manages that callback. The items without one work on the task's callbacks
    of their type that no item names by callback_id: with state absent on every one of them, with state
    present on the one match_by_script gives each, the items of one task and type matched together.
    """
    readable = [index for index, task_id in enumerate(task_ids) if isinstance(server.get(task_id), list)]
    named = set((task_ids[index], items[index]['callback_id'])
                for index in readable if items[index]['callback_id'] is not None)
    managed, groups = {}, {}
    for index in readable:
        desired, task_id = items[index], task_ids[index]
        matches = matching_callbacks(server[task_id], desired)
        if desired['callback_id'] is None:
            matches = [match for match in matches if (task_id, match['id']) not in named]
        if desired['callback_id'] is None and desired['state'] == 'present':
            groups.setdefault((task_id, desired['type']), ([], matches))[0].append(index)
        else:
            managed[index] = matches
    for indexes, unnamed in groups.values():
        found = match_by_script([items[index]['script'] for index in indexes], unnamed)
        managed.update((index, [callback] if callback is not None else [])
                       for index, callback in zip(indexes, found.managed))
    return managed


def flag_conflicts(items, decisions):
    """Fail every item that manages a callback another item manages too: applying both would undo one of them."""
    rivals = _rivals([(decision.task_id,) + identity_keys(items[index], decision.matches)
                      if decision.task_id is not None else None for index, decision in enumerate(decisions)])
    return [_conflict(decision, rivals[index]) if rivals[index] and decision.error is None else decision
            for index, decision in enumerate(decisions)]


def _conflict(decision, rivals):
    others = ', '.join('callbacks[%d]' % other for other in sorted(rivals))
    error = NodeumError('It manages the same callback of task %s as %s; keep one of the items.'
                        % (decision.task_id, others))
    return decision._replace(plan=None, error=error)


def write_jobs(items, decisions, server):
    """A Job for each item decided on a change."""
    return [Job(index, decision.task_id, items[index], decision.plan,
                create_check(items, decisions, server, index) if decision.plan.action == 'create' else None)
            for index, decision in enumerate(decisions) if decision.error is None and decision.plan.action != 'none']


def create_check(items, decisions, server, index):
    """The CreateCheck of item index's create: the items of its task that declare its type and script, and the
    callbacks of its type the task held when it was read."""
    desired, task_id = items[index], decisions[index].task_id
    copies = sum(1 for other, decision in zip(items, decisions)
                 if decision.task_id == task_id and other['callback_id'] is None and other['state'] == 'present'
                 and (other['type'], other['script']) == (desired['type'], desired['script']))
    return CreateCheck(copies, frozenset(callback['id'] for callback in matching_callbacks(server[task_id], desired)))


def exclusive_removals(decisions, server, task_ids):
    """A Job deleting each callback no item declares, on the given tasks but those spared_tasks() spares; none when it spares all."""
    spared = spared_tasks(decisions)
    if spared is None:
        return []
    declared = {}
    for decision in decisions:
        declared.setdefault(decision.task_id, set()).update(match['id'] for match in decision.matches)
    removals = []
    for task_id in task_ids:
        callbacks = server.get(task_id)
        if task_id in spared or isinstance(callbacks, NodeumError):
            continue
        for callback in sorted(callbacks, key=lambda item: item['id']):
            if callback['id'] not in declared.get(task_id, ()):
                removals.append(Job(None, task_id, None, Plan('delete', [callback], None), None))
    return removals


def spared_tasks(decisions):
    """The tasks on which exclusive mode removes nothing: every task a failed item may have meant (what it meant to keep
    there is unknown). None when a failed item's tasks are unknown (its name's look-up failed): then it removes nothing at all."""
    spared = set()
    for decision in decisions:
        if decision.error is None:
            continue
        if decision.meant is None:
            return None
        spared.update(decision.meant)
    return spared


# -- applying ----------------------------------------------------------------------------------

def run_ending(check_mode, params, expected, fingerprint, jobs):
    """How the run ends (plan.RUN_ENDINGS, or apply when it writes), decided before any write."""
    if expected is not None and expected != fingerprint:
        return 'stale'
    if check_mode:
        return 'check'
    if params.get('fail_on_change') and jobs:
        return 'gate'
    return 'apply'


def planned(job):
    """What check mode reports: the plan's own result, as task_callback reports it."""
    return Outcome(True, job.plan.after, None)


def held(job):
    """What a real run that sends nothing reports (fail_on_change, a stale plan): no change, the callback as it is."""
    return Outcome(False, job.plan.before[0] if job.plan.before else None, None)


def apply_jobs(client, pool, jobs, context):
    """The Outcome of each job, in order. The creates on one task and type are sent one after another, each
    knowing the callbacks made before it (so that its lost-answer check and race rule do not take a sibling's
    callback for its own); the other jobs are sent at once, up to the pool's size."""
    batches = {}
    for position, job in enumerate(jobs):
        key = (job.task_id, job.desired['type']) if job.plan.action == 'create' else position
        batches.setdefault(key, []).append(position)
    outcomes = [None] * len(jobs)
    in_turn = pool.map(lambda positions: _apply_in_turn(client, [jobs[position] for position in positions], context),
                       batches.values())
    for positions, batch_outcomes in zip(batches.values(), in_turn):
        for position, outcome in zip(positions, batch_outcomes):
            outcomes[position] = outcome
    return outcomes


def _apply_in_turn(client, jobs, context):
    made = set()
    outcomes = []
    for job in jobs:
        check = job.check._replace(known_ids=job.check.known_ids | made) if job.check is not None else None
        outcome = apply_job(client, job._replace(check=check), context)
        if outcome.callback is not None:
            made.add(outcome.callback['id'])
        outcomes.append(outcome)
    return outcomes


def apply_job(client, job, context):
    """The Outcome of the job's write."""
    try:
        changed, callback = apply_plan(client, job.task_id, job.desired, job.plan, context, job.check)
    except NodeumError as error:
        return Outcome(False, None, error)
    return Outcome(changed, callback, None)


# -- the result ----------------------------------------------------------------------------------

def bulk_result(items, decisions, done, run):
    """The module's result from the decisions, the (job, outcome) pairs and the run; failed, with the plan's
    summary line and one sentence per kind of failure, when an item or removal failed, the plan is stale, or
    fail_on_change meets a change."""
    results = item_results(decisions, done)
    changes = plan_changes(done, run)
    unchanged, failed_items = item_counts(decisions, done, run.ending)
    failed_removals = removal_failures(done, run)
    plan = plan_report(run.server, changes, run.task_names, unchanged, failed_items + len(failed_removals), run.fingerprint,
                       run.ending)
    result = dict(changed=bool(changes) and run.ending in ('check', 'apply'), results=results, plan=plan, drift=drift_report(plan),
                  diff=[change_diffs(run.server, change, run.task_names.get(change.task_id)) for change in sorted(changes, key=change_order)])
    message = failure_message(items, results, done, run, plan, failed_removals)
    if message:
        result.update(failed=True, msg=message)
    return result


def item_results(decisions, done):
    """Each item's own result: changed and task_callback, or failed and msg."""
    by_item = dict((job.item, outcome) for job, outcome in done if job.item is not None)
    return [_item_result(decision, by_item.get(index)) for index, decision in enumerate(decisions)]


def _item_result(decision, outcome):
    if decision.error is not None:
        return dict(failure(decision.error), task_callback=None)
    if outcome is None:  # nothing to write
        outcome = Outcome(False, decision.plan.after, None)
    if outcome.error is not None:
        return dict(failure(outcome.error), task_callback=None)
    return dict(changed=outcome.changed, task_callback=callback_record(outcome.callback, decision.task_id))


def item_counts(decisions, done, ending):
    """(items that need no change, items that failed). After a real run an item whose write changed
    nothing (another run had made the same callback) counts as needing none."""
    by_item = dict((job.item, outcome) for job, outcome in done if job.item is not None)
    unchanged = failed = 0
    for index, decision in enumerate(decisions):
        outcome = by_item.get(index)
        if decision.error is not None or (outcome is not None and outcome.error is not None):
            failed += 1
        elif outcome is None or (ending == 'apply' and not outcome.changed):
            unchanged += 1
    return unchanged, failed


# What a decided action is called in the plan.
PLAN_ACTIONS = dict(create='create', update='update', delete='remove')


def plan_changes(done, run):
    """The plan's Change records: every job of a run that sends nothing, the jobs that changed something after a real run."""
    changes = []
    for job, outcome in done:
        if run.ending == 'apply' and not outcome.changed:
            continue
        changes.extend(job_changes(job, outcome, run.exclusive_scope))
    return changes


def job_changes(job, outcome, exclusive_scope):
    """One Change per callback the job touches (a removal by an item may remove several)."""
    plan = job.plan
    if plan.action == 'delete':
        scope = exclusive_scope if job.item is None else None
        return [Change('remove', job.task_id, callback.get('type'), callback.get('id'), job.item, callback.get('script'), None, scope)
                for callback in plan.before]
    before = plan.before[0] if plan.before else None
    if before is not None:
        callback_id = before.get('id')
    else:  # a create: the id the server gave, once made
        callback_id = (outcome.callback or {}).get('id') if outcome.changed else None
    return [Change(PLAN_ACTIONS[plan.action], job.task_id, plan.after['type'], callback_id, job.item,
                   before.get('script') if before else None, plan.after['script'], None)]


def removal_failures(done, run):
    """(label, sentence) of each removal by exclusive mode whose write failed."""
    failures = []
    for job, outcome in done:
        if job.item is None and outcome.error is not None:
            callback = job.plan.before[0]
            change = Change('remove', job.task_id, callback.get('type'), callback.get('id'), None, None, None, run.exclusive_scope)
            failures.append(('removing ' + change_address(change, run.task_names.get(job.task_id)), outcome.error.message))
    return failures


def failure_message(items, results, done, run, plan, failed_removals):
    """The summary line, then a sentence for each kind of failure; None when the run did not fail."""
    failed_items = [(item_label(index, items[index]), result['msg']) for index, result in enumerate(results) if result.get('failed')]
    removal_count = sum(1 for job, _outcome in done if job.item is None)
    sentences = [stale_sentence(run.expected, run.fingerprint)] if run.ending == 'stale' else []
    sentences.append(failures_sentence(failed_items, len(items), failed_removals, removal_count, run.ending, run.removals_withheld))
    if run.fail_on_change and plan['changes'] and run.ending in ('check', 'gate'):
        sentences.append(gate_sentence(plan))
    sentences = [sentence for sentence in sentences if sentence]
    return ' '.join([plan['summary']['line']] + sentences) if sentences else None


# The drift report's key for each action of the plan. Not create/update/remove: Jinja reads entry.update as
# the dict's own method, so ansible-test (2.21) refuses a returned key named like one.
DRIFT_KEYS = dict(create='created', update='updated', remove='removed')


def drift_report(plan):
    """Per task, ascending: the callbacks created, updated and removed, from the plan's changes."""
    report = {}
    for change in plan['changes']:
        entry = report.setdefault(change['task_id'], _task_drift(change['task_id']))
        entry[DRIFT_KEYS[change['action']]].append(dict(id=change['callback_id'], type=change['type'], item=change['item']))
    return [report[task_id] for task_id in sorted(report)]


def _task_drift(task_id):
    return dict([('task_id', task_id)] + [(key, []) for key in DRIFT_KEYS.values()])
