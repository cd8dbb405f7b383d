# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task callback resource: what a task_callback task must do, and doing it.

The decision is a pure function (plan_change) of the desired state and the callbacks found on the
server, tested without HTTP. ensure_task_callback() reads the server, asks for the decision and
applies it through the transport client. Nothing here touches AnsibleModule: the module and the
action plugin run the same code.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import PostNotConfirmed
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError, NodeumNotFound
from ansible_collections.nodeum.data_archiving.plugins.module_utils.server_data import (
    answer_sentence, callback_problem, callbacks_path, checked_callback, list_callbacks,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import (
    check_task_name, is_task_id, resolve_task_id, task_not_found, validate_task_reference,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.terminal_safe import shown_diff

CALLBACK_TYPES = ('filter',)

# The languages a script can be checked in on the controller (syntax), none for no check.
SCRIPT_SYNTAXES = ('javascript', 'python', 'none')

OPTIONS = dict(
    task=dict(type='str', required=True),
    task_name=dict(type='str'),
    callback_id=dict(type='int'),
    type=dict(type='str', default='filter', choices=list(CALLBACK_TYPES)),
    # raw, so that a dict or a list is refused (desired_state) rather than sent as its Python text
    script=dict(type='raw'),
    script_file=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    # Checked on the controller by the action plugin, which hands the module the script without them.
    syntax=dict(type='str', choices=list(SCRIPT_SYNTAXES)),
    validate=dict(type='str'),
)

# The checks of a script that the action plugin makes on the controller, before the module runs.
CONTROLLER_CHECKS = ('syntax', 'validate')

CONSTRAINTS = dict(required_if=[('state', 'present', ['script'])], mutually_exclusive=[('script', 'script_file')])

# action: 'none', 'create', 'update' or 'delete'; before: the callbacks it changes or removes;
# after: the callback as it will be (None when it is removed or was never there).
Plan = namedtuple('Plan', 'action before after')

# What the identity rule decided for the items without callback_id of one task and type: managed, per item in
# list order, the callback it manages (None: the item is created); unmanaged, the callbacks no item manages.
ScriptMatch = namedtuple('ScriptMatch', 'managed unmanaged')

# What a create checks its outcome against: copies, how many callbacks of its type with its script the run
# declares on the task; known_ids, the ids of the task's callbacks of the type that the create cannot have made.
CreateCheck = namedtuple('CreateCheck', 'copies known_ids')


def desired_state(params):
    """The validated desired state, or NodeumError before any request is sent."""
    validate_task_reference(params.get('task'))
    task_name = params.get('task_name')
    if task_name is not None and not is_task_id(params['task']):
        raise NodeumError('task_name is the name that the task given by its id must have, but task %r is a name '
                          'already; leave task_name out, or give the task\'s id in task.' % str(params['task']))
    callback_type = params.get('type') or 'filter'
    if callback_type not in CALLBACK_TYPES:
        raise NodeumError('type must be one of %s, got %r.' % (', '.join(CALLBACK_TYPES), callback_type))
    callback_id = params.get('callback_id')
    if callback_id is not None and callback_id < 1:
        raise NodeumError('callback_id must be a positive number from the server, got %s.' % callback_id)
    refuse_controller_options(params)
    state = params.get('state') or 'present'
    script = params.get('script')
    if state == 'present':
        _validate_script(script)
    return dict(task=str(params['task']), task_name=task_name if task_name is None else str(task_name),
                callback_id=callback_id, type=callback_type, script=script, state=state)


def refuse_controller_options(params):
    """NodeumError for an option that the action plugin carries out on the controller and keeps from the module."""
    if params.get('script_file') is not None:
        # The action plugin reads script_file on the controller and hands the module script instead.
        raise NodeumError('script_file reached the module unread, which happens only when the module runs without its '
                          'action plugin; '
                          'give script, or run the module by its name nodeum.data_archiving.task_callback.')
    for name in CONTROLLER_CHECKS:
        if params.get(name) is not None:
            raise NodeumError('%s reached the module unchecked, which happens only when the module runs without its '
                              'action plugin '
                              '(the check runs on the controller); run the module by its name '
                              'nodeum.data_archiving.task_callback, '
                              'or leave %s out.' % (name, name))


def _validate_script(script):
    if script is None:
        raise NodeumError(
            'script is required with state present; give the filter\'s source, or the file that holds it as '
            'script_file.')
    if not isinstance(script, str):
        raise NodeumError('script must be text, got %s; quote it, or keep the script in a file and give script_file.'
                          % _type_word(script))
    if not script.strip():
        raise NodeumError('script is empty or only white space, which the Nodeum API refuses; give the filter\'s '
                          'source.')


def _type_word(value):
    words = ((bool, 'a boolean'), (int, 'a number'), (float, 'a number'), (dict, 'a dictionary'), (list, 'a list'))
    return next((word for kind, word in words if isinstance(value, kind)), 'a value of type %s' % type(value).__name__)


def plan_change(desired, matches, task_id):
    """Decide what must happen, from the desired state and the callbacks it manages (managed_callbacks):
    with state present, at most one."""
    if desired['state'] == 'absent':
        return Plan('delete', list(matches), None) if matches else Plan('none', [], None)
    if not matches and desired['callback_id'] is not None:
        raise NodeumError(
            'Nodeum task %s has no callback %s; the module never creates a callback with a chosen id: '
            'check '
            'callback_id, or leave it out to manage the task\'s %s callback.'
            % (task_id, desired['callback_id'], desired['type'])
        )
    wanted = dict(type=desired['type'], script=desired['script'])
    if not matches:
        return Plan('create', [], dict(id=None, **wanted))
    current = matches[0]
    after = dict(current, **wanted)
    return Plan('none' if after == current else 'update', [current], after)


def plan_diff(plan, task_id):
    """Ansible diffs, one per callback touched, each headed 'task 3 / filter callback 12'."""
    if plan.action == 'none':
        # Nothing there and nothing wanted: no diff at all (Ansible fails on a diff of two empty texts).
        return [shown_diff(plan.after['script'], plan.after['script'])] if plan.after else []
    if plan.action == 'delete':
        return [_diff(task_id, callback, callback['script'], '') for callback in plan.before]
    before = plan.before[0]['script'] if plan.before else ''
    return [_diff(task_id, plan.after, before, plan.after['script'])]


def _diff(task_id, callback, before, after):
    return shown_diff(before, after, callback_label(task_id, callback))


def callback_label(task_id, callback):
    return 'task %s / %s callback %s' % (
        task_id,
        callback['type'],
        callback['id'] if callback['id'] is not None else '(new)',
    )


def ensure_task_callback(client, params, context):
    """Bring one task callback to its desired state; return changed, task_callback and diff.

    context: module_run.RunContext, whether to change nothing (check_mode), where warnings go and how to wait.
    """
    desired = desired_state(params)
    task_id = resolve_task_id(client, desired['task'])
    if desired['task_name'] is not None:
        check_task_name(client, task_id, desired['task_name'])
    of_identity = find_matches(client, task_id, desired)
    plan = plan_change(desired, managed_callbacks(desired, of_identity), task_id)
    diff = plan_diff(plan, task_id)
    if context.check_mode or plan.action == 'none':
        return _result(plan.action != 'none', plan.after, task_id, diff)
    check = CreateCheck(1, frozenset(callback['id'] for callback in of_identity))
    changed, callback = apply_plan(client, task_id, desired, plan, context, check)
    return _result(changed, callback, task_id, diff)


def apply_plan(client, task_id, desired, plan, context, check=None):
    """Carry out a plan other than 'none'; return (changed, the callback as the server holds it, or None).
    A create needs its CreateCheck, and warns and waits through context."""
    if plan.action == 'create':
        return _create(client, task_id, desired, check, context)
    apply = {'update': _update, 'delete': _delete}[plan.action]
    return apply(client, task_id, desired, plan)


def matching_callbacks(callbacks, desired):
    """Of a task's callbacks, those that share the desired identity (its callback_id, else its type), by id."""
    if desired['callback_id'] is not None:
        return [item for item in callbacks if item.get('id') == desired['callback_id']]
    return sorted((item for item in callbacks if item.get('type') == desired['type']), key=lambda item: item['id'])


def managed_callbacks(desired, matches):
    """The callbacks one item manages, of those that share its identity (matching_callbacks): with callback_id
    that callback, with state absent all of them, else the one match_by_script gives it, if any."""
    if desired['callback_id'] is not None or desired['state'] == 'absent':
        return list(matches)
    managed = match_by_script([desired['script']], matches).managed[0]
    return [managed] if managed is not None else []


def match_by_script(scripts, callbacks):
    """The identity rule of the items without callback_id on one task and type, as a ScriptMatch.

    scripts: the items' scripts, in list order; callbacks: the task's callbacks of that type that no
    item names by callback_id. An item manages a callback whose script is byte-identical to its own
    (the lowest id first, so two identical items manage two identical callbacks). Of what is left,
    one item and one callback make an update; any other item left is created, and any other callback
    left is no item's (exclusive mode removes it, otherwise it stays).
    """
    unmanaged = sorted(callbacks, key=lambda callback: callback['id'])
    managed = []
    for script in scripts:
        same = next((callback for callback in unmanaged if callback.get('script') == script), None)
        if same is not None:
            unmanaged.remove(same)
        managed.append(same)
    left = [position for position, callback in enumerate(managed) if callback is None]
    if len(left) == 1 and len(unmanaged) == 1:
        managed[left[0]] = unmanaged.pop()
    return ScriptMatch(managed, unmanaged)


def find_matches(client, task_id, desired):
    """The task's callbacks that share the desired identity, read with the server filtering on it."""
    if desired['callback_id'] is not None:
        server_filter = {'id': '=%d' % desired['callback_id']}
    else:
        server_filter = {'type': '=' + desired['type']}
    try:
        found, _count = list_callbacks(client, task_id, params=server_filter)
    except NodeumNotFound:
        raise task_not_found(task_id) from None
    # The server filtered already; checking again costs nothing and guards against one that ignores filters.
    return matching_callbacks(found, desired)


def _create(client, task_id, desired, check, context):
    body = dict(type=desired['type'], script=desired['script'])
    created = _post_without_duplicate(client, task_id, desired, check, body, context)
    created = _usable_created(client, task_id, desired, check, created, context.warn)
    return _resolve_create_race(client, task_id, desired, check, created, context.warn)


def _usable_created(client, task_id, desired, check, created, warn):
    """The callback a create made: its answer when that is a callback, else the one the task's callbacks show
    with the script."""
    problem = callback_problem(created) if created is not None else 'an empty body instead of the callback it created'
    if not problem:
        return created
    path = callbacks_path(task_id)
    found = _callback_with_the_script(client, task_id, desired, check)
    if found is None:
        raise NodeumError(answer_sentence(client, 'POST', path, problem, 'the server created the callback, but none '
                                                                         'with this script '
                                          'shows among the task\'s callbacks: list them with task_callback_info before '
                                          'running the task '
                                          'again'), method='POST', path=path)
    warn(answer_sentence(client, 'POST', path, problem, 'the callback it created was found among the task\'s '
                         'callbacks (id %s) and is the one used' % found['id']))
    return found


# The end of a create that failed without a trusted answer, by whether any attempt may have reached the server.
_CREATE_GIVE_UP_ADVICE = {
    False: 'nothing reached the server, so no callback was created; check url, the network and that the server is up',
    True: 'the callback may have been created: run the task again, it finds and keeps the one created',
}


def _post_without_duplicate(client, task_id, desired, check, body, context):
    """POST the callback; after an answer that may be lost, read the task first and keep the callback the
    lost request created, if it did; send it again (at once, within the client's retry budget) only if not."""
    resume = None
    while True:
        try:
            return client.post(callbacks_path(task_id), body, resume=resume)
        except PostNotConfirmed as lost:
            created = _created_despite(client, task_id, desired, check, lost,
                                       context.wait) if lost.check_after is not None else None
            if created is not None:
                context.warn('%s; the server had created it all the same, so it was not sent again.' %
                             lost.reason.message)
                return created
            if lost.resume is None:
                raise lost.given_up(
                    _CREATE_GIVE_UP_ADVICE[lost.may_have_been_handled], lost.check_after or 0.0) from None
            resume = lost.resume


def _created_despite(client, task_id, desired, check, lost, wait):
    """After a lost POST answer, and a wait for the server to finish: the callback the lost request created, if it did
    (else None)."""
    wait(lost.check_after)
    try:
        return _callback_with_the_script(client, task_id, desired, check)
    except NodeumError:
        raise NodeumError('%s, and the check whether the server had created the callback failed as well; the callback '
                          'may exist: '
                          'run the task again, it finds and keeps the one created.' % lost.reason.message,
                          method='POST', path=lost.reason.path) from None


def _callback_with_the_script(client, task_id, desired, check):
    """The callback this run's create made, or None: one with the desired type and script that the task did not hold
    before (check.known_ids)."""
    return next((match for match in _same_script(client, task_id, desired) if match['id'] not in check.known_ids), None)


def _same_script(client, task_id, desired):
    """The task's callbacks of the desired type and script, by id."""
    return [match for match in find_matches(client, task_id, desired) if match.get('script') == desired['script']]


def _resolve_create_race(client, task_id, desired, check, created, warn):
    """Resolve a race this run took part in: several runs saw too few callbacks with the script and each created one.

    Every run re-reads after its create. The lowest ids win (created first, so every later creator
    sees them): of the callbacks with the script, the first check.copies stay, and a run whose callback
    is not among them (or is gone while they are all there) removes its own and adopts one of those the run
    did not know before.
    """
    same = _same_script(client, task_id, desired)
    kept = same[:check.copies]
    if created['id'] in [callback['id'] for callback in kept] or (created not in same and len(same) < check.copies):
        return True, created  # among those that stay, or not read back yet where the others do not fill the copies
    winner = next((callback for callback in kept if callback['id'] not in check.known_ids), kept[-1])
    try:
        client.delete(callbacks_path(task_id, created['id']))
    except NodeumNotFound:
        pass
    warn('Another run created a %s callback on task %s at the same time (id %s); this run removed its own '
         'duplicate (id %s).' % (desired['type'], task_id, winner['id'], created['id']))
    return False, winner


def _update(client, task_id, desired, plan):
    current = plan.before[0]
    body = dict(type=desired['type'], script=desired['script'])
    path = callbacks_path(task_id, current['id'])
    try:
        updated = client.put(path, body)
    except NodeumNotFound:
        raise NodeumError('Nodeum callback %s of task %s was removed while this run was updating it; run the task '
                          'again.'
                          % (current['id'], task_id)) from None
    updated = checked_callback(updated, client, 'PUT', path) if updated is not None else dict(current, **body)
    # changed follows what the server answered, not what was sent.
    return (updated.get('script'), updated.get('type')) != (current['script'], current['type']), updated


def _delete(client, task_id, desired, plan):
    for callback in plan.before:
        try:
            client.delete(callbacks_path(task_id, callback['id']))
        except NodeumNotFound:
            pass  # gone already: removed by another run, or by our own retried request whose first answer was lost
    return True, None


def _result(changed, callback, task_id, diff):
    return dict(changed=changed, task_callback=callback_record(callback, task_id), diff=diff)


def callback_record(callback, task_id):
    """The returned shape of a callback: {id, task_id, type, script}, or None."""
    if callback is None:
        return None
    return dict(id=callback.get('id'), task_id=task_id, type=callback.get('type'), script=callback.get('script'))
