# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callback, and the in-process base both action plugins share.

A task that runs on the controller itself (local connection, no become, no async) does not need
a module: the plugin validates the arguments against the module's own argument spec and calls
the same resource logic (module_utils/runner.run) in this process, which saves the AnsiballZ
payload, a new Python and its imports on every task. Any other task runs the module as usual,
and so does every task when the controller's environment holds NODEUM_FORCE_MODULE=1 (or the
variable nodeum_force_module is true). The result has the module's shape on both paths.

Why the imports below are at the top and not deferred: the strategy imports an action plugin
once in the main process (it looks for BYPASS_HOST_LOOP before queueing the task), and every
task's worker is a fork of that process, so what is imported here is paid once per playbook.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import env_fallback, remove_values
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.errors import AnsibleFallbackNotFound, UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client, connection, runner, task_callback

try:
    # ansible-core 2.19+ tells a module's failure ("Module failed: ...") from an action's; the
    # controller marks a module result this way when it reads it back, and so does the plugin.
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
except ImportError:  # older ansible-core: failures carry no origin
    AnsibleModuleCapturedError = None

FORCE_MODULE_ENVIRONMENT_VARIABLE = 'NODEUM_FORCE_MODULE'
FORCE_MODULE_VARIABLE = 'nodeum_force_module'

# Characters that JSON writes as escapes, and the words str() gives bool and None: a no_log value
# holding one of them, or part of one of them, is not looked for in the JSON text of a result.
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')
_SCALAR_WORDS = ('True', 'False', 'None')


def force_module_path(environ, task_vars):
    """Whether the user asked for the classic module path (controller environment, or a variable)."""
    value = environ.get(FORCE_MODULE_ENVIRONMENT_VARIABLE)
    if value is None:
        value = (task_vars or {}).get(FORCE_MODULE_VARIABLE)
    return boolean(value, strict=False) if value not in (None, '') else False


def spec_reading(spec, environment):
    """The argument spec with its environment fallbacks reading `environment` instead of os.environ.

    The module would read os.environ of its own process: the controller's environment plus the
    task's `environment:` keyword. The action plugin passes that same union here.
    """
    def from_environment(*names, **_kwargs):
        for name in names:
            if name in environment:
                return environment[name]
        raise AnsibleFallbackNotFound

    adapted = {}
    for name, entry in spec.items():
        fallback = entry.get('fallback')
        if fallback and fallback[0] is env_fallback:
            entry = dict(entry, fallback=(from_environment,) + tuple(fallback[1:]))
        adapted[name] = entry
    return adapted


def module_result(result, params, warnings, no_log_values):
    """What AnsibleModule.exit_json (or fail_json, when result holds failed) would print, in the same order.

    The module masks every no_log value anywhere in its output with remove_values, and so does
    this; only the walk over the result is skipped when no such value can be in it.
    """
    formatted = dict(result)
    if formatted.pop('failed', False):
        formatted.update(failed=True, msg=formatted.pop('msg', None))
    invocation = dict(module_args=params)
    if not may_hold_no_log_value([formatted, warnings, 'invocation', 'module_args', 'warnings'], no_log_values):
        formatted['invocation'] = remove_values(invocation, no_log_values)
        if warnings:
            formatted['warnings'] = list(warnings)
        return formatted
    formatted['invocation'] = invocation
    if warnings:
        formatted['warnings'] = list(warnings)
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
        if self.module_path_reason(task_vars) is not None:
            return merge_hash(result, self._run_module(task_vars))
        result = merge_hash(result, self._run_in_process())
        if AnsibleModuleCapturedError is not None:
            AnsibleModuleCapturedError.normalize_result_exception(result)
        return result

    def module_path_reason(self, task_vars):
        """Why this task must run as a module (a short text), or None when it can run in-process."""
        if force_module_path(os.environ, task_vars):
            return '%s is set' % FORCE_MODULE_ENVIRONMENT_VARIABLE
        if getattr(self._connection, 'transport', None) != 'local':
            return 'the connection is not local'
        if self._play_context.become:
            return 'become is on'
        if self._task.async_val:
            return 'the task is async'
        if not client.HAS_REQUESTS:
            return 'requests is missing on the controller'
        return None

    def _run_module(self, task_vars):
        """The classic path, as the normal action plugin runs a module."""
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = self._execute_module(task_vars=task_vars, wrap_async=wrap_async)
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _run_in_process(self):
        args = dict(self._task.args)
        environment = self._module_environment()
        spec = spec_reading(self.ARGUMENT_SPEC, environment)
        validator = ArgumentSpecValidator(spec, **self.CONSTRAINTS)
        validation = validator.validate(args)
        params = dict(args)
        params.update(validation.validated_parameters)
        # As the module does: a password written into the url is refused, and masked wherever the options show.
        no_log_values = set(validation._no_log_values) | connection.url_secrets(params.get('url'))  # pylint: disable=protected-access
        no_log_values |= connection.environment_secrets(params, environment)
        if validation.error_messages:
            return module_result(dict(failed=True, msg=self._validation_message(validation)), params, [], no_log_values)
        result, warnings = runner.run(self.RESOURCE_LOGIC, params, check_mode=bool(self._task.check_mode), diff_mode=bool(self._task.diff),
                                      environ=environment)
        return module_result(result, params, warnings, no_log_values)

    def _validation_message(self, validation):
        message = validation.errors.msg
        if isinstance(validation.errors[0], UnsupportedError):
            message = 'Unsupported parameters for (%s) module: %s' % (self._task.action, message)
        return message

    def _module_environment(self):
        """os.environ of the module's process, had it run: the controller's plus the task's environment."""
        task_environment = {}
        self._compute_environment_string(task_environment)
        environment = dict(os.environ)
        environment.update((str(name), to_text(value)) for name, value in getattr(self._connection._shell, 'env', {}).items())
        environment.update((str(name), to_text(value)) for name, value in task_environment.items())
        return environment


class ActionModule(InProcessModuleAction):
    """nodeum.data_archiving.task_callback: in-process on the controller, else the module."""

    ARGUMENT_SPEC = connection.module_argument_spec(task_callback.OPTIONS)
    CONSTRAINTS = connection.module_constraints(task_callback.CONSTRAINTS)
    RESOURCE_LOGIC = staticmethod(task_callback.ensure_task_callback)
