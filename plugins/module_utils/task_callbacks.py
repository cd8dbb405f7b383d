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

Here: the options, the validation and the decisions, and the run from end to end; the reads are in
bulk_reads.py, the writes in bulk_writes.py, the result in bulk_result.py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.nodeum.data_archiving.plugins.module_utils.bulk_reads import (
    names_of_changed_tasks, read_callbacks, readable, resolve_tasks, task_references,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.bulk_result import RunFacts, bulk_result
from ansible_collections.nodeum.data_archiving.plugins.module_utils.bulk_writes import (
    Job,
    apply_jobs,
    held,
    planned,
    run_ending,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import MAX_CONCURRENT_REQUESTS
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.plan import (
    fingerprint_refusal,
    state_fingerprint,
    valid_fingerprint,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (
    CALLBACK_TYPES, SCRIPT_SYNTAXES, CreateCheck, Plan, desired_state, match_by_script, matching_callbacks, plan_change,
    refuse_controller_options,
)

EXCLUSIVE_SCOPES = ('listed_tasks', 'all_tasks')

ITEM_OPTIONS = dict(
    task=dict(type='str'),
    task_name=dict(type='str'),
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

# What was decided for one item. task_id: the item's task (None when it could not be found); plan: what to
# do (None when the item failed); matches: the callbacks the item manages; error: the NodeumError that
# stopped the item, or None; meant: the TaskLookup's, the tasks exclusive mode spares when the item fails.
Decision = namedtuple('Decision', 'task_id plan matches error meant')


def ensure_task_callbacks(client, params, context):
    """Bring every listed callback to its desired state (context: module_run.RunContext); return changed, results,
    plan, drift and diff."""
    refuse_controller_options(params)
    items = desired_items(params.get('callbacks'))
    exclusive, all_tasks = exclusive_settings(params, items)
    expected = expected_fingerprint(params.get('expect_fingerprint'))
    with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_REQUESTS) as pool:
        lookups, listed, listing_names = resolve_tasks(client, pool, items, all_tasks)
        tasks_to_read = sorted(
            set(lookup.task_id for lookup in lookups if lookup.task_id is not None) | set(listed or ()))
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
    facts = RunFacts(client.base_url, ending, scope, names, fingerprint, expected, bool(params.get('fail_on_change')),
                     exclusive and spared_tasks(decisions) is None)
    labels = [item_label(index, desired) for index, desired in enumerate(items)]
    return bulk_result(labels, decisions, list(zip(jobs, outcomes)), facts)


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
    """A Job deleting each callback no item declares, on the given tasks but those spared_tasks() spares; none when it
    spares all."""
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
    there is unknown). None when a failed item's tasks are unknown (its name's look-up failed): then it removes nothing
    at all."""
    spared = set()
    for decision in decisions:
        if decision.error is None:
            continue
        if decision.meant is None:
            return None
        spared.update(decision.meant)
    return spared
