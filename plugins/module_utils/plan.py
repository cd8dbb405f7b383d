# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of a task_callbacks run, as a reviewer and a pipeline read it: pure functions, no request.

plan_report() turns the changes a run decided (Change records) into the returned `plan`: its
format version, the server, the summary (counts and one line), the changes in a stable order with
an address and a reason, and the fingerprint of the server state the plan was computed from
(state_fingerprint). change_diffs() heads each diff with the server, the task's id and name and the
action. The sentences of a failed run (failed items, the drift gate, a stale plan) are written here too.

Text from the server (task names) is data in the plan; in a sentence or a diff header it is quoted
(shown_text), and every header and script of a diff has its control characters shown, not obeyed
(terminal_safe), so that nothing the server holds can act on a terminal.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import json
import re
from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.terminal_safe import visible, visible_script

# The plan's format. The minor number grows when keys are added (a reader ignores keys it does not know);
# the major number grows when a key is removed or changes meaning (a reader refuses a major it does not know).
FORMAT_VERSION = '1.0'

FINGERPRINT_PATTERN = re.compile(r'^sha256:[0-9a-f]{64}$')

# How many failures or changes a failure message names before it says "and N more".
MESSAGE_SAMPLE_SIZE = 10

# How many characters of a task name a sentence or a diff header shows.
SHOWN_NAME_LENGTH = 60

# One callback that the run creates, updates or removes (in check mode, would).
# action: create, update or remove; callback_id: None for a create not made (check mode); item: the index
# in callbacks, None for a removal by exclusive mode; before, after: the scripts (None where there is none);
# exclusive_scope: for a removal by exclusive mode its scope (listed_tasks or all_tasks), else None.
Change = namedtuple('Change', 'action task_id type callback_id item before after exclusive_scope')

# How a run ends, as its summary line says it: check (check mode), apply (a real run), gate (fail_on_change
# found changes, nothing sent) or stale (expect_fingerprint differs from the server, nothing sent).
RUN_ENDINGS = dict(
    check='(check mode: nothing was sent)',
    gate='(fail_on_change: nothing was sent)',
    stale='(the server changed since the plan was made: nothing was sent)',
)

# (summary key, action, word in a plan, word after a real run)
COUNTED_ACTIONS = (('created', 'create', 'to create', 'created'), ('updated', 'update', 'to update', 'updated'),
                   ('removed', 'remove', 'to remove', 'removed'))


def plan_report(server, changes, task_names, unchanged, failed, fingerprint, ending):
    """The returned plan. server: the API base URL; task_names: {task id: name} (a task missing from it
    is named by id alone); unchanged, failed: the numbers of items needing no change and of failures."""
    ordered = sorted(changes, key=change_order)
    summary = dict((key, sum(1 for change in ordered if change.action == action))
                   for key, action, _p, _d in COUNTED_ACTIONS)
    summary.update(unchanged=unchanged, failed=failed)
    summary['line'] = summary_line(server, summary, ending)
    return dict(
        format_version=FORMAT_VERSION,
        server=server,
        summary=summary,
        changes=[_change_entry(change, task_names.get(change.task_id)) for change in ordered],
        fingerprint=fingerprint,
    )


def change_order(change):
    """By task, type and callback id; creates after the callbacks that exist, in item order. A create keeps
    its place once made (its new id is not used), so a check run and the real run list the same order."""
    created = change.action == 'create'
    callback_id = change.callback_id if isinstance(change.callback_id, int) and not created else -1
    return (change.task_id, str(change.type), created, callback_id, change.item if change.item is not None else -1)


def _change_entry(change, task_name):
    return dict(action=change.action, task_id=change.task_id, task_name=task_name, type=change.type,
                callback_id=change.callback_id, item=change.item, reason=change_reason(change),
                address=change_address(change, task_name))


def change_reason(change):
    """Why the change is in the plan, in a few words."""
    if change.action == 'create':
        return 'not on the server'
    if change.action == 'remove':
        if change.exclusive_scope:
            return 'not declared (exclusive, %s)' % change.exclusive_scope
        return 'state absent'
    if change.before is not None and change.after is not None and change.before != change.after \
            and _one_line_ending(change.before) == _one_line_ending(change.after):
        return 'line endings differ'
    return 'script differs'


def change_address(change, task_name):
    """'task 4 "Migrate cold data" / filter callback 53': the task by id and name, the callback by type and id."""
    task = 'task %s' % change.task_id
    if task_name is not None:
        task += ' ' + shown_text(task_name)
    callback = change.callback_id if change.callback_id is not None else '(new)'
    return '%s / %s callback %s' % (task, shown_text(change.type) if not _plain(change.type) else change.type, callback)


def summary_line(server, summary, ending):
    """'Plan for https://nodeum.example.com: 1 to create, 2 to update, 1 to remove, 7 unchanged, 0 failed (check mode:
    ...).'"""
    planned = ending != 'apply'
    counts = ['%d %s' % (summary[key], plan_word if planned else done_word)
              for key, _a, plan_word, done_word in COUNTED_ACTIONS]
    counts += ['%d unchanged' % summary['unchanged'], '%d failed' % summary['failed']]
    if planned:
        return 'Plan for %s: %s %s.' % (server_root(server), ', '.join(counts), RUN_ENDINGS[ending])
    return 'Applied to %s: %s.' % (server_root(server), ', '.join(counts))


def server_root(server):
    """The server as users give it: the API base URL without its /api/v2."""
    return server[:-len('/api/v2')] if server.endswith('/api/v2') else server


# -- the fingerprint of the server state ----------------------------------------------------------

def state_fingerprint(server, task_references, callbacks_by_task):
    """'sha256:<64 hex digits>' of the state a plan is computed from: the server, what each task name the
    items give resolved to ({name: task id, or None when it found no task or several}), and each task read
    with its callbacks' id, type and script ({task id: callbacks, or None when the read failed}).

    The same state gives the same fingerprint in any run: every part is sorted, and the other
    attributes of a callback, which the run does not manage, are left out."""
    tasks = []
    for task_id in sorted(callbacks_by_task):
        callbacks = callbacks_by_task[task_id]
        if callbacks is not None:
            callbacks = sorted(
                ([callback.get('id'), callback.get('type'), callback.get('script')] for callback in callbacks),
                key=_canonical,
            )
        tasks.append([task_id, callbacks])
    state = dict(server=server, names=sorted(task_references.items()), tasks=tasks)
    return 'sha256:' + hashlib.sha256(_canonical(state).encode('ascii')).hexdigest()


def _canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(',', ':'), default=repr)


def valid_fingerprint(value):
    """Whether value has the form state_fingerprint gives."""
    return isinstance(value, str) and FINGERPRINT_PATTERN.match(value) is not None


# -- diffs ------------------------------------------------------------------------------------------

def change_diffs(server, change, task_name):
    """The Ansible diff of a change, headed with the server, the task's id and name and the action:
    'https://nodeum.example.com task 4 "Migrate cold data" / filter callback 53' and, for a removal,
    '(removed)'. A note in the header says when the two sides end their lines differently."""
    before_header, after_header = diff_headers(server, change, task_name)
    return dict(before=visible_script(change.before or ''), after=visible_script(change.after or ''),
                before_header=visible(before_header), after_header=visible(after_header))


def diff_headers(server, change, task_name):
    """(before header, after header) of a change's diff: the one place that writes them."""
    where = '%s %s' % (server_root(server), change_address(change, task_name))
    reason = change_reason(change)
    if change.action == 'create':
        return '(none)', '%s (create: %s)' % (where, reason)
    if change.action == 'remove':
        return '%s (remove: %s)' % (where, reason), '(removed)'
    return where, '%s (update: %s%s)' % (where, reason, _line_endings_note(change.before, change.after))


def _line_endings_note(before, after):
    endings = (line_endings(before), line_endings(after))
    if endings[0] == endings[1] or 'none' in endings:
        return ''
    return '; line endings %s before, %s after' % endings


def line_endings(script):
    """'CRLF', 'LF', 'CR', 'mixed', or 'none' for a script without a line break."""
    kinds = set(re.findall(r'\r\n|\r|\n', script or ''))
    if not kinds:
        return 'none'
    if len(kinds) > 1:
        return 'mixed'
    return {'\r\n': 'CRLF', '\n': 'LF', '\r': 'CR'}[kinds.pop()]


def _one_line_ending(script):
    return re.sub(r'\r\n|\r', '\n', script)


# -- the sentences of a failed run -------------------------------------------------------------------

# What a failure sentence says of the other changes, by how the run ends (a run that sent nothing says so in its
# summary line).
OTHER_CHANGES = dict(check=', and every other change would be made (check mode)', apply=', and every other change was '
                                                                                        'made',
                     gate='', stale='')


# What a failure sentence adds when exclusive mode removed nothing because the tasks a failed item meant are unknown.
REMOVALS_WITHHELD = (' but the removals of exclusive mode, which wait until the task of every item is known (a look-up '
                     'of a task '
                     'name failed)')


def failures_sentence(failed_items, item_count, failed_removals, removal_count, ending, removals_withheld=False):
    """'2 of 4 items failed, and every other change would be made (check mode): callbacks[1] (task 'x'): ... .'
    failed_items and failed_removals are (label, sentence) pairs; None when there is no failure. removals_withheld:
    exclusive mode removed nothing, because the tasks a failed item meant are unknown."""
    if not failed_items and not failed_removals:
        return None
    counts = ['%d of %d items' % (len(failed_items), item_count)] if failed_items else []
    counts += ['%d of %d removals by exclusive mode' % (len(failed_removals), removal_count)] if failed_removals else []
    named = ['%s: %s' % (label, sentence if sentence.endswith('.') else sentence + '.')
             for label, sentence in failed_items + failed_removals]
    rest = len(named) - MESSAGE_SAMPLE_SIZE
    more = [' And %d more %s.' % (rest, 'failure' if rest == 1 else 'failures')] if rest > 0 else []
    others = OTHER_CHANGES[ending] if len(named) < item_count + removal_count else ''
    if others and removals_withheld:
        others += REMOVALS_WITHHELD
    return '%s failed%s: %s' % (' and '.join(counts), others, ' '.join(named[:MESSAGE_SAMPLE_SIZE])) + ''.join(more)


def gate_sentence(plan):
    """The failure of fail_on_change when the plan holds changes."""
    addresses = ['%s %s (%s)' % (change['action'], change['address'], change['reason']) for change in plan['changes']]
    return (
        'fail_on_change is set and the server differs from the list in %d %s: %s; apply the plan, or change the '
        'list '
        'to match the server.' % (len(addresses), 'change' if len(addresses) == 1 else 'changes', sample(addresses))
    )


def stale_sentence(expected, found):
    """The refusal of expect_fingerprint when the server state differs from the approved plan's."""
    return ('The server changed since the plan was made: its callbacks now give the fingerprint %s, not %s as '
            'expected; '
            'nothing was sent. Run the check again and review it.' % (found, expected))


def fingerprint_refusal(value):
    """The refusal of an expect_fingerprint that no plan can have given, before any request."""
    return (
        'expect_fingerprint must be the plan.fingerprint of a check run, sha256: and 64 hexadecimal digits, got '
        '%s; '
        'nothing was sent. Pass the fingerprint the check published, or leave the option out.' % shown_text(value, 80)
    )


def sample(texts):
    """The first MESSAGE_SAMPLE_SIZE texts joined with '; ', then 'and N more'."""
    shown = '; '.join(texts[:MESSAGE_SAMPLE_SIZE])
    rest = len(texts) - MESSAGE_SAMPLE_SIZE
    return shown + (' and %d more' % rest if rest > 0 else '')


# -- text from the server, shown safely ----------------------------------------------------------------

def shown_text(value, length=SHOWN_NAME_LENGTH):
    """value as a double-quoted string that a terminal shows as it is: its quotes and backslashes escaped, its
    control characters shown (terminal_safe.visible), at most `length` characters before '...'."""
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    cut = text[:length] + ('...' if len(text) > length else '')
    return '"%s"' % visible(cut.replace('\\', '\\\\').replace('"', '\\"'))


def _plain(text):
    return isinstance(text, str) and re.match(r'^[A-Za-z0-9_]+$', text) is not None
