# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The writes of a task_callbacks run: whether it writes at all, and each job applied with task_callback's
apply_plan."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import apply_plan

# One write to make: item is the index in callbacks (None for a removal by exclusive mode); check: the
# CreateCheck of a create, else None.
Job = namedtuple('Job', 'item task_id desired plan check')

# What a job did. changed and callback as apply_plan returns them; error: the NodeumError the write
# raised (then changed is False and callback None), or None.
Outcome = namedtuple('Outcome', 'changed callback error')


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
