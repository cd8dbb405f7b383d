# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The result of a task_callbacks run: each item's result, the plan, the drift, the diff and the failure sentence."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.bulk_writes import Outcome
from ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run import failure
from ansible_collections.nodeum.data_archiving.plugins.module_utils.plan import (
    Change, change_address, change_diffs, change_order, failures_sentence, gate_sentence, plan_report, stale_sentence,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import callback_record

# What the result needs of the run besides its items and decisions: server, the API base URL; ending, how the run ends
# (plan.RUN_ENDINGS, or apply); exclusive_scope, the scope of exclusive mode (None without it); task_names,
# {task id: name} of the tasks with a change; fingerprint, of the state read; expected, expect_fingerprint
# (None when unset); fail_on_change, the option; removals_withheld, whether exclusive mode removed nothing
# because the tasks a failed item meant are unknown.
RunFacts = namedtuple(
    'RunFacts', 'server ending exclusive_scope task_names fingerprint expected fail_on_change removals_withheld')


def bulk_result(labels, decisions, done, run):
    """The module's result from the items' labels (item_label), the decisions, the (job, outcome) pairs and the
    RunFacts; failed, with the plan's
    summary line and one sentence per kind of failure, when an item or removal failed, the plan is stale, or
    fail_on_change meets a change."""
    results = item_results(decisions, done)
    changes = plan_changes(done, run)
    unchanged, failed_items = item_counts(decisions, done, run.ending)
    failed_removals = removal_failures(done, run)
    plan = plan_report(
        run.server, changes, run.task_names, unchanged, failed_items + len(failed_removals), run.fingerprint, run.ending
    )
    result = dict(
        changed=bool(changes) and run.ending in ('check', 'apply'),
        results=results,
        plan=plan,
        drift=drift_report(plan),
        diff=[
            change_diffs(run.server, change, run.task_names.get(change.task_id))
            for change in sorted(changes, key=change_order)
        ],
    )
    message = failure_message(labels, results, done, run, plan, failed_removals)
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
    """The plan's Change records: every job of a run that sends nothing, the jobs that changed something after a real
    run."""
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
        return [
            Change(
                'remove',
                job.task_id,
                callback.get('type'),
                callback.get('id'),
                job.item,
                callback.get('script'),
                None,
                scope,
            )
            for callback in plan.before
        ]
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
            change = Change('remove', job.task_id, callback.get('type'),
                            callback.get('id'), None, None, None, run.exclusive_scope)
            failures.append(
                ('removing ' + change_address(change, run.task_names.get(job.task_id)), outcome.error.message)
            )
    return failures


def failure_message(labels, results, done, run, plan, failed_removals):
    """The summary line, then a sentence for each kind of failure; None when the run did not fail."""
    failed_items = [(labels[index], result['msg']) for index, result in enumerate(results) if result.get('failed')]
    removal_count = sum(1 for job, _outcome in done if job.item is None)
    sentences = [stale_sentence(run.expected, run.fingerprint)] if run.ending == 'stale' else []
    sentences.append(failures_sentence(failed_items, len(labels), failed_removals,
                     removal_count, run.ending, run.removals_withheld))
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
        entry[DRIFT_KEYS[change['action']]].append(
            dict(id=change['callback_id'], type=change['type'], item=change['item']))
    return [report[task_id] for task_id in sorted(report)]


def _task_drift(task_id):
    return dict([('task_id', task_id)] + [(key, []) for key in DRIFT_KEYS.values()])
