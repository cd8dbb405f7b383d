# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of nodeum.data_archiving.task_callback: what only the controller can do, then the module.

Three things happen on the controller before the module runs, as ansible.builtin.template and copy do:
a misspelled option is named with the closest valid one; a script_file is found (the role's and
the play's templates/ and files/, then the path as given), read byte for byte, or rendered when it
ends in .j2; and the script is checked when syntax or validate asks for it (plugin_utils/_script_check).
The module then runs as any module does, with script in place of script_file and without the checks.

PreparedModuleAction is the base of every action plugin of the collection; those of modules without script_file
only check the option names.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection_options, task_callback
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils._unknown_options import unknown_options_message
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils import _script_check

try:  # ansible-core 2.19 and later template only text that is marked as trusted, and convert none of it
    from ansible.template import trust_as_template
    TEMPLATE_OPTIONS = dict(escape_backslashes=False)
except ImportError:  # before 2.19 every text is templated, and convert_data=False keeps a rendered "[1]" text
    trust_as_template = str
    TEMPLATE_OPTIONS = dict(escape_backslashes=False, convert_data=False)


class ArgumentsRefused(Exception):
    """Arguments the module is not run with: an unknown option or item key, a script_file that cannot be used, a script
    that fails its check, a check asked for wrongly. Its text is the sentence for the user."""


class PreparedModuleAction(ActionBase):
    """An action plugin that prepares its module's arguments on the controller (option names checked, every
    script_file read, scripts checked where asked), then runs the module with them."""

    _supports_check_mode = True
    _supports_async = True

    MODULE_OPTIONS = ()  # the module's own options, beside the connection options

    def run(self, tmp=None, task_vars=None):
        del tmp  # tmp no longer has any effect
        super(PreparedModuleAction, self).run()  # refuses async or check mode where the plugin does not support them
        task_vars = task_vars or {}
        module_name = self._task.resolved_action or self._task.action
        try:
            args = self.module_arguments(module_name, dict(self._task.args), task_vars)
        except ArgumentsRefused as error:
            return dict(failed=True, changed=False, msg=str(error))
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        try:
            return self._execute_module(module_name=module_name, module_args=args, task_vars=task_vars,
                                        wrap_async=wrap_async)
        finally:
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)

    def module_arguments(self, module_name, args, task_vars):
        """The arguments to hand the module, or ArgumentsRefused: option names checked, then read_scripts."""
        known = set(self.MODULE_OPTIONS) | set(name for name, _type, _env,
                                               _default, _no_log in connection_options.CONNECTION_OPTIONS)
        refusal = unknown_options_message(module_name, args, known)
        if refusal:
            raise ArgumentsRefused(refusal)
        return self.read_scripts(args, task_vars)

    def read_scripts(self, args, task_vars):
        """The task's arguments with each script_file replaced by the script it holds (a module without one: as
        given)."""
        return replace_script_file(self, args, task_vars, 'The task')

    def read_script_file(self, name, task_vars, owner):
        """The script in the file `name`: byte for byte, or rendered with the task's variables when it ends in .j2."""
        if not isinstance(name, str) or not name.strip():
            raise ArgumentsRefused(
                '%s gives script_file %r, which is not a file name; give the path of the script file.' % (owner, name))
        path = self._find_script(name, owner)
        try:
            real = self._loader.get_real_file(path)  # a vault-encrypted file: a decrypted copy, removed once read
            try:
                with open(real, 'rb') as handle:
                    data = handle.read()
            finally:
                self._loader.cleanup_tmp_file(real)
        except (AnsibleError, OSError) as error:
            raise ArgumentsRefused('%s gives script_file %s, found at %s, which cannot be read (%s); check its '
                                   'permissions, and its vault password if it is encrypted.'
                                   % (owner, name, path, error)) from None
        try:
            text = data.decode()  # UTF-8
        except UnicodeDecodeError:
            raise ArgumentsRefused(
                '%s gives script_file %s, found at %s, which is not UTF-8 text; save it as UTF-8.' % (owner, name, path)
            ) from None
        if not name.endswith('.j2'):
            return text
        return self._render(text, path, task_vars, owner, name)

    def _find_script(self, name, owner):
        for directory in ('templates', 'files'):
            try:
                return self._find_needle(directory, name)
            except AnsibleError:
                continue
        # Where _find_needle looked: the task's search path (the role's directories first), then the playbook's.
        places = ', '.join(dict.fromkeys(list(self._task.get_search_path()) + [self._loader.get_basedir()]))
        raise ArgumentsRefused(
            '%s gives script_file %s, which was not found: looked in the templates/ and files/ '
            'directories of %s, and '
            'at the path as given; check the name, or give a path relative to the playbook.' % (owner, name, places)
        )

    def _render(self, text, path, task_vars, owner, name):
        searchpath = [os.path.dirname(path)] + list(task_vars.get('ansible_search_path', []))
        templar = self._templar.copy_with_new_env(searchpath=searchpath, available_variables=task_vars)
        try:
            rendered = templar.template(trust_as_template(text), **TEMPLATE_OPTIONS)
        except AnsibleError as error:
            raise ArgumentsRefused('%s gives script_file %s, a template that cannot be rendered: %s' %
                                   (owner, name, error.message)) from None
        return '' if rendered is None else str(rendered)


def replace_script_file(action, args, task_vars, owner):
    """args with script_file replaced by the script it holds; script and script_file together are refused."""
    if args.get('script_file') is None:
        args.pop('script_file', None)
        return args
    if args.get('script') is not None:
        raise ArgumentsRefused('%s gives both script and script_file; give one of the two.' % owner)
    args = dict(args)
    args['script'] = action.read_script_file(args.pop('script_file'), task_vars, owner)
    return args


def script_subject(base, script_file):
    """What a check's sentence calls a script: base, with the script_file it came from."""
    if script_file is None:
        return base
    rendered = ', as rendered' if str(script_file).endswith('.j2') else ''
    return '%s (script_file %s%s)' % (base, script_file, rendered)


def wants_check(check, args):
    """Whether the script of args is to be checked: a check is asked for, and there is a script to send."""
    script = args.get('script')
    return (not _script_check.asks_nothing(check) and (args.get('state') or 'present') == 'present'
            and isinstance(script, str) and bool(script.strip()))


class ActionModule(PreparedModuleAction):
    """nodeum.data_archiving.task_callback."""

    MODULE_OPTIONS = tuple(task_callback.OPTIONS)

    def read_scripts(self, args, task_vars):
        """The script read, then checked as syntax and validate ask; the module gets neither."""
        try:
            check = _script_check.script_check(args.pop('syntax', None), args.pop('validate', None), 'The task')
            script_file = args.get('script_file')
            args = super(ActionModule, self).read_scripts(args, task_vars)
            if wants_check(check, args):
                subject = script_subject('The script of task %r' % str(args.get('task')), script_file)
                _script_check.check_script(check, args['script'], subject,
                                           'nothing was sent', script_file, C.DEFAULT_LOCAL_TMP)
        except (_script_check.CheckSettingError, _script_check.ScriptRefused) as error:
            raise ArgumentsRefused(str(error)) from None
        return args
