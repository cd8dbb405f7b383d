# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller-side adapter that every action plugin of this collection is.

FOR INTERNAL COLLECTION USE ONLY: the names here may change in any release of this collection.

A task that runs on the controller itself (local connection, no become, no async) does not need
a module: the adapter validates the arguments against the module's own argument spec and calls
the same execution core (module_utils/runner.execute) in this process, which saves the AnsiballZ
payload, a new Python and its imports on every task. Any other task runs the module, through
ansible-core's own `normal` action, and so does every task when the controller's environment
holds NODEUM_FORCE_MODULE=1 (or the variable nodeum_force_module is true).

Either way, the arguments are first checked here for options the module does not have, so that
a misspelled option is named as such (with the closest valid name) on both paths, before any
other complaint and before any request.

Why the imports below are at the top and not deferred: the strategy imports an action plugin
once in the main process (it looks for BYPASS_HOST_LOOP before queueing the task), and every
task's worker is a fork of that process, so what is imported here is paid once per playbook.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib
import json
import os
import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client, connection, runner
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils import _core_compat

FORCE_MODULE_ENVIRONMENT_VARIABLE = 'NODEUM_FORCE_MODULE'
FORCE_MODULE_VARIABLE = 'nodeum_force_module'

# Characters that JSON writes as escapes, and the words str() gives bool and None: a no_log value
# holding one of them, or part of one of them, is not looked for in the JSON text of a result.
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')
_SCALAR_WORDS = ('True', 'False', 'None')


def force_module_path(environ, task_vars):
    """Whether the user asked for the classic module path (controller environment, or a variable)."""
    value = environ.get(FORCE_MODULE_ENVIRONMENT_VARIABLE)
    if value in (None, ''):  # an empty variable is unset, as for every NODEUM_* variable
        value = (task_vars or {}).get(FORCE_MODULE_VARIABLE)
    # Not strict: None, '' and any word that is not a true one give False (the in-process path), never an error.
    return boolean(value, strict=False)


def unsupported_options_message(module_name, args, argument_spec):
    """One sentence naming the options a task gives that the module does not have, or None.

    Ansible's own validation reports a misspelled required-by-state option as a missing one
    ("state is present but all of the following are missing: script"); naming the unknown
    option first, with the closest valid name, tells the user what to fix.
    """
    known = sorted(argument_spec)
    unknown = sorted(name for name in args if name not in argument_spec)
    if not unknown:
        return None
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        parts.append('%s (did you mean %s?)' % (name, close[0]) if close else name)
    return '%s has no option %s; its options are %s.' % (module_name, ', '.join(parts), ', '.join(known))


def module_result(result, params, warnings, no_log_values, with_invocation):
    """What AnsibleModule.exit_json (or fail_json, when result holds failed) would print, in the same order.

    The module masks every no_log value anywhere in its output with remove_values, and so does
    this; only the walk over the result is skipped when no such value can be in it.
    """
    formatted = dict(result)
    if formatted.pop('failed', False):
        formatted.update(failed=True, msg=formatted.pop('msg', None))
    if with_invocation:
        formatted['invocation'] = dict(module_args=params)
    if warnings:
        formatted['warnings'] = list(warnings)
    if not may_hold_no_log_value(formatted, no_log_values):
        return formatted
    # As the module does: booleans and None at the top stay, every no_log value is masked elsewhere.
    preserved = dict((key, value) for key, value in formatted.items() if value is None or isinstance(value, bool))
    formatted = remove_values(formatted, no_log_values)
    formatted.update(preserved)
    return formatted


def may_hold_no_log_value(data, no_log_values):
    """False only when remove_values(data, no_log_values) would change nothing.

    remove_values walks and copies every item, which takes seconds on a list of 100,000
    callbacks. One JSON dump and a substring search per value tell the same: a value whose
    JSON form could differ from its text (quotes, backslashes, control characters, or part of
    the words True, False and None) is left to remove_values.
    """
    if not no_log_values:
        return False
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return True
    for value in no_log_values:
        if not isinstance(value, str) or _JSON_ESCAPED.search(value) or any(value in word for word in _SCALAR_WORDS) or value in text:
            return True
    return False


def plain_arguments(args):
    """The task's arguments as the module would receive them: plain JSON values, no longer Ansible's own types.

    The module gets its arguments as JSON, so strings from YAML or from templating arrive as plain
    str. In-process they would keep ansible-core's own str and dict subclasses (tagged with their
    origin from 2.19), and each of them is copied and pickled the slow way: argument validation
    deep-copies every parameter, and the result goes back to the strategy through pickle. Over a
    list of 500 callbacks that is most of the task's own time. Arguments that JSON cannot hold (a
    date, bytes) are kept as they are; validation then converts or refuses them as the module would.
    """
    try:
        return json.loads(json.dumps(args, ensure_ascii=False))
    except (TypeError, ValueError):
        return dict(args)


class InProcessModuleAction(ActionBase):
    """Run a module of this collection in-process on the controller when it would run there anyway."""

    _supports_check_mode = True
    _supports_async = True

    # Set by each action plugin: the module's full argument spec and constraints (built once, at
    # import, from the same tables as the module's), and its resource logic function.
    ARGUMENT_SPEC = None
    CONSTRAINTS = None
    RESOURCE_LOGIC = None

    def run(self, tmp=None, task_vars=None):
        result = super(InProcessModuleAction, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}
        refusal = unsupported_options_message(self._task.resolved_action or self._task.action, self._task.args, self.ARGUMENT_SPEC)
        if refusal is not None:
            args = dict(self._task.args)
            answer = self._format(dict(failed=True, msg=refusal), args, [], connection.secrets_to_mask(args, self._module_environment()), task_vars)
        elif self.module_path_reason(task_vars) is not None:
            answer = self._run_module(task_vars)
        else:
            answer = self._run_in_process(task_vars)
        return merge_hash(result, answer)

    def module_path_reason(self, task_vars):
        """Why this task must run as a module (a short text), or None when it can run in-process."""
        if force_module_path(os.environ, task_vars):
            return '%s is set' % FORCE_MODULE_ENVIRONMENT_VARIABLE
        if self._connection.transport != 'local':
            return 'the connection is not local'
        if self._play_context.become:
            return 'become is on'
        if self._task.async_val:
            return 'the task is async'
        if not client.HAS_REQUESTS:
            return 'requests is missing on the controller'
        return None

    def _run_module(self, task_vars):
        """The classic path: ansible-core's own `normal` action runs the module (payload, async, temporary files)."""
        normal = self._shared_loader_obj.action_loader.get(
            'ansible.legacy.normal', task=self._task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj)
        return normal.run(task_vars=task_vars)

    def _run_in_process(self, task_vars):
        args = plain_arguments(self._task.args)
        environment = self._module_environment()
        validation = ArgumentSpecValidator(self.ARGUMENT_SPEC, **self.CONSTRAINTS).validate(args)
        params = dict(args)
        params.update(validation.validated_parameters)
        if validation.error_messages:
            return self._format(dict(failed=True, msg=validation.errors.msg), params, [], connection.secrets_to_mask(params, environment), task_vars)
        outcome = runner.execute(self.RESOURCE_LOGIC, params, environment, check_mode=bool(self._task.check_mode), diff_mode=bool(self._task.diff))
        return self._format(outcome.result, params, outcome.warnings, outcome.secrets, task_vars)

    def _format(self, result, params, warnings, secrets, task_vars):
        """The module-shaped answer: invocation where this ansible-core adds it, every secret masked, failures marked as a module's."""
        formatted = module_result(result, params, warnings, secrets, _core_compat.inject_invocation(task_vars))
        if formatted.get('failed'):
            _core_compat.mark_module_failure(formatted)
        return formatted

    def _module_environment(self):
        """os.environ of the module's process, had it run: the controller's plus the task's `environment:`."""
        task_environment = {}
        self._compute_environment_string(task_environment)
        environment = dict(os.environ)
        environment.update((str(name), to_text(value)) for name, value in task_environment.items())
        return environment
