# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the action plugins: what the module is handed, and what the task answers when the controller refuses.

The plugins run with Ansible's own DataLoader and Templar over files of the test's own; only the hand-over to the
module (_execute_module) and the removal of the remote temporary directory are recorded instead of run.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import sys

import pytest

from ansible import constants as C
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.template import Templar

from ansible_collections.nodeum.data_archiving.plugins.action import (
    task_callback, task_callback_export, task_callback_info, task_callbacks, task_info,
)

SCRIPT = 'function filter(request) { return request.copy.info.size > 0; }\n'
BROKEN = 'function filter(request) { return request.copy.info.size < ; }\n'
CONNECTION = dict(url='https://nodeum.example', username='admin', password='secret')


class Shell:
    tmpdir = '/remote/.ansible/tmp/ansible-tmp-1'


class Connection:
    has_native_async = False
    _shell = Shell()


class Task:
    """What an action plugin reads of its task."""

    def __init__(self, action, args, search_path, async_val=0, check_mode=False):
        self.action = self.resolved_action = 'nodeum.data_archiving.' + action
        self.args, self.async_val, self.check_mode = args, async_val, check_mode
        self._search_path = search_path

    def get_search_path(self):
        return list(self._search_path)


def action(plugin, args, basedir, answer=None, search_path=None, vault_password=None, **task):
    """The ActionModule of `plugin`, whose hand-over to the module is recorded in .handed (and answers `answer`)."""
    class Recorded(plugin.ActionModule):
        handed, removed = [], []

        def _execute_module(self, module_name=None, module_args=None, task_vars=None, wrap_async=False, **_ignored):
            self.handed.append(dict(module_name=module_name, module_args=module_args, wrap_async=wrap_async))
            self.task_vars = task_vars
            return dict(answer or {'changed': False})

        def _remove_tmp_path(self, tmp_path, force=False):
            self.removed.append(tmp_path)

    loader = DataLoader()
    loader.set_basedir(str(basedir))
    if vault_password is not None:
        loader.set_vault_secrets([('default', VaultSecret(vault_password))])
    name = plugin.__name__.rpartition('.')[2]
    task = Task(name, args, search_path or [str(basedir)], **task)
    return Recorded(task, Connection(), None, loader, Templar(loader=loader), None)


def run(plugin, args, basedir, task_vars=None, **options):
    plugin_action = action(plugin, args, basedir, **options)
    return plugin_action.run(task_vars=task_vars or {}), plugin_action


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode('utf-8'))
    return path


# -- every plugin: option names ------------------------------------------------------------------------------------

@pytest.mark.parametrize('plugin', [task_callback, task_callbacks, task_callback_info, task_info])
def test_a_misspelled_option_fails_the_task_before_the_module_runs(tmp_path, plugin):
    result, plugin_action = run(plugin, dict(CONNECTION, pasword='x'), tmp_path)
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('nodeum.data_archiving.%s has no option pasword (did you mean password?); its '
                                    'options are ' % plugin.__name__.rpartition('.')[2])
    assert plugin_action.handed == []


@pytest.mark.parametrize('plugin, name, args', [(task_callback_info, 'task_callback_info', dict(task=3)),
                                                (task_info, 'task_info', dict(name='Archive'))])
def test_a_module_without_script_file_gets_its_arguments_as_given(tmp_path, plugin, name, args):
    host_vars = dict(ansible_python_interpreter='/usr/bin/python3')
    result, plugin_action = run(plugin, dict(CONNECTION, **args), tmp_path, task_vars=host_vars)
    assert result == {'changed': False}
    module_name = 'nodeum.data_archiving.' + name
    handed = dict(module_name=module_name, module_args=dict(CONNECTION, **args), wrap_async=False)
    assert plugin_action.handed == [handed] and plugin_action.task_vars == host_vars
    assert plugin_action.removed == [Shell.tmpdir]


def test_the_module_run_is_the_one_the_action_resolved_to(tmp_path):
    plugin_action = action(task_info, dict(CONNECTION), tmp_path)
    plugin_action._task.action = 'task_info'  # as written in a play with collections: [nodeum.data_archiving]
    plugin_action.run(task_vars={})
    assert plugin_action.handed[0]['module_name'] == 'nodeum.data_archiving.task_info'


def test_async_wraps_the_module_and_leaves_its_directory_to_the_job(tmp_path):
    result, plugin_action = run(task_info, dict(CONNECTION), tmp_path, async_val=30)
    assert result == {'changed': False}
    assert plugin_action.handed[0]['wrap_async'] is True and plugin_action.removed == []


def test_the_answer_of_the_module_is_the_answer_of_the_task(tmp_path):
    answer = dict(changed=True, callback=dict(id=7), diff=dict(before='', after=SCRIPT))
    result, _plugin_action = run(task_info, dict(CONNECTION), tmp_path, answer=answer)
    assert result == answer


# -- task_callback: script_file -----------------------------------------------------------------------------------

def handed_script(result, plugin_action):
    assert result.get('failed') is not True, result
    args = plugin_action.handed[0]['module_args']
    assert 'script_file' not in args
    return args['script']


@pytest.mark.parametrize('directory', ['files', 'templates', ''])
def test_a_script_file_is_read_byte_for_byte_from_files_templates_or_the_path_given(tmp_path, directory):
    data = 'function filter(r) {\r\n  return "été";\t}\r\n'
    write(tmp_path / directory / 'filter.js', data)
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js'), tmp_path)
    assert handed_script(result, plugin_action) == data


def test_templates_is_searched_before_files(tmp_path):
    write(tmp_path / 'templates' / 'filter.js', 'from templates\n')
    write(tmp_path / 'files' / 'filter.js', 'from files\n')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js'), tmp_path)
    assert handed_script(result, plugin_action) == 'from templates\n'


def test_a_j2_script_file_is_rendered_with_the_task_variables_keeping_its_last_newline(tmp_path):
    write(tmp_path / 'templates' / 'filter.js.j2', 'function filter(r) { return r.size > {{ limit }}; } // \\n\n\n')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js.j2'), tmp_path,
                                task_vars=dict(limit=42))
    assert handed_script(result, plugin_action) == 'function filter(r) { return r.size > 42; } // \\n\n\n'


def test_a_script_file_that_is_not_j2_is_not_rendered(tmp_path):
    write(tmp_path / 'files' / 'filter.js', 'return "{{ limit }}";\n')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js'), tmp_path,
                                task_vars=dict(limit=42))
    assert handed_script(result, plugin_action) == 'return "{{ limit }}";\n'


def test_a_template_that_cannot_be_rendered_is_named(tmp_path):
    write(tmp_path / 'templates' / 'filter.js.j2', 'return {{ undefined_variable }};\n')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js.j2'), tmp_path)
    assert result['failed'] is True and plugin_action.handed == []
    assert result['msg'].startswith('The task gives script_file filter.js.j2, a template that cannot be rendered: ')
    assert 'undefined_variable' in result['msg']


def refusal(plugin, args, basedir, **options):
    result, plugin_action = run(plugin, dict(CONNECTION, **args), basedir, **options)
    assert result['failed'] is True and result['changed'] is False and plugin_action.handed == []
    return result['msg']


def test_a_script_file_not_found_names_where_it_was_looked_for(tmp_path):
    assert refusal(task_callback, dict(task=1, script_file='missing.js'), tmp_path) == (
        'The task gives script_file missing.js, which was not found: looked in the templates/ and files/ '
        'directories of %s, and at the path as given; check the name, or give a path relative to the playbook.'
        % tmp_path)


def test_a_script_file_not_found_in_a_role_names_the_role_and_the_playbook(tmp_path):
    role = tmp_path / 'roles' / 'archive'
    assert refusal(task_callback, dict(task=1, script_file='missing.js'), tmp_path,
                   search_path=[str(role), str(tmp_path)]) == (
        'The task gives script_file missing.js, which was not found: looked in the templates/ and files/ '
        'directories of %s, %s, and at the path as given; check the name, or give a path relative to the playbook.'
        % (role, tmp_path))


def vaulted(path, text, password):
    return write(path, VaultLib([('default', VaultSecret(password))]).encrypt(text.encode('utf-8')))


def test_a_vault_encrypted_script_file_is_decrypted_and_its_decrypted_copy_removed(tmp_path, local_tmp):
    vaulted(tmp_path / 'files' / 'filter.js', SCRIPT, b'vault-password')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js'), tmp_path,
                                vault_password=b'vault-password')
    assert handed_script(result, plugin_action) == SCRIPT
    assert list(local_tmp.iterdir()) == []  # where the loader put the decrypted copy


def test_a_vault_encrypted_script_file_without_its_password_is_refused(tmp_path):
    path = vaulted(tmp_path / 'files' / 'filter.js', SCRIPT, b'vault-password')
    assert refusal(task_callback, dict(task=1, script_file='filter.js'), tmp_path) == (
        'The task gives script_file filter.js, found at %s, which cannot be read (A vault password or secret must be '
        'specified to decrypt %s); check its permissions, and its vault password if it is encrypted.' % (path, path))


def test_a_j2_script_file_that_renders_to_nothing_gives_an_empty_script(tmp_path):
    write(tmp_path / 'templates' / 'filter.js.j2', '{{ nothing }}')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js.j2'), tmp_path,
                                task_vars=dict(nothing=None))
    assert handed_script(result, plugin_action) == ''


@pytest.mark.parametrize('name', ['', '   ', 5])
def test_a_script_file_that_is_not_a_name_is_refused(tmp_path, name):
    assert refusal(task_callback, dict(task=1, script_file=name), tmp_path) == (
        'The task gives script_file %r, which is not a file name; give the path of the script file.' % (name,))


def test_a_script_file_that_is_not_utf8_is_refused(tmp_path):
    path = write(tmp_path / 'files' / 'filter.js', b'return "\xe9t\xe9";\n')
    assert refusal(task_callback, dict(task=1, script_file='filter.js'), tmp_path) == (
        'The task gives script_file filter.js, found at %s, which is not UTF-8 text; save it as UTF-8.' % path)


def test_script_and_script_file_together_are_refused(tmp_path):
    write(tmp_path / 'files' / 'filter.js', SCRIPT)
    assert refusal(task_callback, dict(task=1, script=SCRIPT, script_file='filter.js'), tmp_path) == (
        'The task gives both script and script_file; give one of the two.')


def test_a_null_script_file_is_left_out_and_the_script_kept(tmp_path):
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script=SCRIPT, script_file=None), tmp_path)
    assert handed_script(result, plugin_action) == SCRIPT


# -- task_callback: syntax and validate ---------------------------------------------------------------------------

def test_a_script_that_fails_its_syntax_check_is_refused_naming_the_task_and_the_file(tmp_path):
    write(tmp_path / 'files' / 'filter.js', BROKEN)
    message = refusal(task_callback, dict(task='Archive', script_file='filter.js', syntax='javascript'), tmp_path)
    assert message.startswith("The script of task 'Archive' (script_file filter.js) is not valid JavaScript")
    assert 'nothing was sent' in message


def test_the_check_of_a_rendered_script_says_so(tmp_path):
    write(tmp_path / 'templates' / 'filter.js.j2', BROKEN)
    message = refusal(task_callback, dict(task=2, script_file='filter.js.j2', syntax='javascript'), tmp_path)
    assert message.startswith("The script of task '2' (script_file filter.js.j2, as rendered) is not valid JavaScript")


def test_a_script_given_inline_is_checked_under_the_task_name_alone(tmp_path):
    message = refusal(task_callback, dict(task='Archive', script=BROKEN, syntax='javascript'), tmp_path)
    assert message.startswith("The script of task 'Archive' is not valid JavaScript")


@pytest.mark.parametrize('args', [dict(state='absent', script=BROKEN), dict(script='  \n'),
                                  dict(state='present', script=SCRIPT)])
def test_no_check_where_no_script_is_sent_or_the_script_is_good(tmp_path, args):
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, syntax='javascript', **args), tmp_path)
    assert result.get('failed') is not True
    handed = plugin_action.handed[0]['module_args']
    assert handed == dict(CONNECTION, task=1, **args)  # neither syntax nor validate reaches the module


def test_a_wrong_check_setting_is_refused_before_any_file_is_read(tmp_path):
    message = refusal(task_callback, dict(task=1, script_file='missing.js', syntax='cobol'), tmp_path)
    assert message.startswith("The task gives syntax 'cobol', which is not one of ") and 'missing.js' not in message


def validate_command(tmp_path, status):
    """A validate command line that writes the path of the copy it checks (relative to Ansible's local temporary
    directory, which the test sets) and exits with status."""
    source = 'import os, sys\nsys.stderr.write(os.path.relpath(sys.argv[2], sys.argv[1]))\nsys.exit(%d)\n' % status
    checker = write(tmp_path / ('exit-%d.py' % status), source)
    return '%s %s %s %%s' % (sys.executable, checker, C.DEFAULT_LOCAL_TMP)


@pytest.fixture
def local_tmp(tmp_path, monkeypatch):
    local = tmp_path / 'local'
    local.mkdir()
    monkeypatch.setattr(C, 'DEFAULT_LOCAL_TMP', str(local))
    return local


def test_a_script_that_fails_validate_is_refused_and_its_copy_is_named_as_its_file(tmp_path, local_tmp):
    write(tmp_path / 'files' / 'filter.js', SCRIPT)
    validate = validate_command(tmp_path, 3)
    message = refusal(task_callback, dict(task='Archive', script_file='filter.js', validate=validate), tmp_path)
    assert re.match(r'^The script of task \'Archive\' \(script_file filter\.js\) fails its validate command %s '
                    r'\(exit status 3: "nodeum-validate-[^/"]+/filter\.js"\); nothing was sent: fix it, or correct '
                    r'validate\.$' % re.escape(validate), message), message
    assert list(local_tmp.iterdir()) == []


def test_a_script_that_passes_validate_is_sent_without_it(tmp_path, local_tmp):
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script=SCRIPT,
                                                    validate=validate_command(tmp_path, 0)), tmp_path)
    assert result.get('failed') is not True
    assert plugin_action.handed[0]['module_args'] == dict(CONNECTION, task=1, script=SCRIPT)


# -- task_callbacks -----------------------------------------------------------------------------------------------

def test_an_unknown_item_key_fails_the_task(tmp_path):
    message = refusal(task_callbacks, dict(callbacks=[dict(task=1, script=SCRIPT), dict(task=2, scirpt=SCRIPT)]),
                      tmp_path)
    assert message.startswith("callbacks[1] has no key scirpt (did you mean script?); an item's keys are ")


def test_each_item_gets_its_script_file_read_and_other_values_pass_as_given(tmp_path):
    write(tmp_path / 'files' / 'a.js', 'a\n')
    write(tmp_path / 'templates' / 'b.js.j2', '{{ word }}\n')
    items = [dict(task=1, script_file='a.js'), dict(task=2, script_file='b.js.j2'), 'not an item',
             dict(task=3, script=SCRIPT)]
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks=items), tmp_path, task_vars=dict(word='b'))
    assert result.get('failed') is not True
    assert plugin_action.handed[0]['module_args'] == dict(CONNECTION, callbacks=[
        dict(task=1, script='a\n'), dict(task=2, script='b\n'), 'not an item', dict(task=3, script=SCRIPT)])


def test_callbacks_that_is_not_a_list_is_left_to_the_module(tmp_path):
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks='oops', syntax='javascript'), tmp_path)
    assert result.get('failed') is not True
    assert plugin_action.handed[0]['module_args'] == dict(CONNECTION, callbacks='oops')


def test_a_script_file_an_item_cannot_use_fails_the_task_naming_the_item(tmp_path):
    message = refusal(task_callbacks, dict(callbacks=[dict(task='Archive', script_file='missing.js')]), tmp_path)
    assert message.startswith("callbacks[0] (task 'Archive') gives script_file missing.js, which was not found")


def test_an_item_failing_its_check_carries_the_refusal_and_the_others_are_sent(tmp_path):
    items = [dict(task=1, script=BROKEN), dict(task=2, script=SCRIPT), dict(task=3, script=BROKEN, syntax='none')]
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks=items, syntax='javascript'), tmp_path)
    assert result.get('failed') is not True
    handed = plugin_action.handed[0]['module_args']['callbacks']
    assert handed[0]['refusal'].startswith('The script is not valid JavaScript')
    assert 'nothing was sent for this item' in handed[0]['refusal']
    assert handed[1] == dict(task=2, script=SCRIPT) and handed[2] == dict(task=3, script=BROKEN)


def test_an_item_may_ask_for_a_check_the_task_does_not(tmp_path):
    write(tmp_path / 'files' / 'bad.js', BROKEN)
    items = [dict(task=1, script_file='bad.js', syntax='javascript'), dict(task=2, script=BROKEN)]
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks=items), tmp_path)
    handed = plugin_action.handed[0]['module_args']['callbacks']
    assert handed[0]['refusal'].startswith('The script (script_file bad.js) is not valid JavaScript')
    assert handed[1] == dict(task=2, script=BROKEN)


@pytest.mark.parametrize('setting, sentence', [
    (dict(syntax='cobol'), "The task gives syntax 'cobol', which is not one of "),
    (dict(validate='lint'), "The task gives validate 'lint', which has no %s; "),
    (dict(syntax='javascript', validate='lint'), "The task gives validate 'lint', which has no %s; ")])
def test_a_wrong_check_setting_of_the_task_fails_the_task_naming_the_task(tmp_path, setting, sentence):
    assert refusal(task_callbacks, dict(callbacks=[dict(task=1, script=SCRIPT)], **setting), tmp_path).startswith(
        sentence)


def test_a_wrong_check_setting_of_an_item_fails_the_task_naming_the_item(tmp_path):
    message = refusal(task_callbacks, dict(callbacks=[dict(task=1, script=SCRIPT, syntax='cobol')]), tmp_path)
    assert message.startswith("callbacks[0] (task '1') gives syntax 'cobol', which is not one of ")


def test_each_item_is_validated_by_its_own_command_else_the_task_s(tmp_path, local_tmp):
    write(tmp_path / 'files' / 'named.js', SCRIPT)
    failing, passing = validate_command(tmp_path, 3), validate_command(tmp_path, 0)
    items = [dict(task=1, script_file='named.js'), dict(task=2, script=SCRIPT, validate=passing),
             dict(task=3, script=BROKEN, validate=passing), dict(task=4, script=SCRIPT, syntax='javascript')]
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks=items, syntax='javascript',
                                                     validate=failing), tmp_path)
    assert result.get('failed') is not True
    handed = plugin_action.handed[0]['module_args']['callbacks']
    assert re.match(r'^The script \(script_file named\.js\) fails its validate command %s \(exit status 3: '
                    r'"nodeum-validate-[^/"]+/named\.js"\); nothing was sent for this item: fix it, or correct '
                    r'validate\.$' % re.escape(failing), handed[0]['refusal']), handed[0]
    assert handed[1] == dict(task=2, script=SCRIPT)
    assert handed[2]['refusal'].startswith('The script is not valid JavaScript')  # the task's syntax still applies
    assert handed[3]['refusal'].startswith('The script fails its validate command %s ' % failing)  # and its validate


def test_an_item_may_ask_for_validate_the_task_does_not(tmp_path, local_tmp):
    items = [dict(task=1, script=SCRIPT, validate=validate_command(tmp_path, 3)), dict(task=2, script=SCRIPT)]
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks=items), tmp_path)
    handed = plugin_action.handed[0]['module_args']['callbacks']
    assert handed[0]['refusal'].startswith('The script fails its validate command ')
    assert handed[1] == dict(task=2, script=SCRIPT)


def test_the_check_settings_of_the_task_are_checked_once_not_once_per_item(tmp_path, monkeypatch):
    probed = []  # the owners for which the JavaScript parser was looked for and tried
    look_for_parser = task_callbacks._script_check.javascript_parser

    def recorded(owner):
        probed.append(owner)
        return look_for_parser(owner)

    monkeypatch.setattr(task_callbacks._script_check, 'javascript_parser', recorded)
    items = [dict(task=index, script=SCRIPT) for index in range(3)] + [dict(task=3, script=SCRIPT, validate=None)]
    result, plugin_action = run(task_callbacks, dict(CONNECTION, callbacks=items, syntax='javascript'), tmp_path)
    assert result.get('failed') is not True and probed == ['The task']
    assert plugin_action.handed[0]['module_args']['callbacks'] == [dict(task=task, script=SCRIPT) for task in range(4)]


# -- task_callback_export -----------------------------------------------------------------------------------------

EXPORT = dict(files={'Archive-filter-1.js': SCRIPT},
              documents={'callbacks.yml': 'nodeum_task_callbacks: []\n', 'apply.yml': '- hosts: localhost\n'},
              left_out=['Callback 9 is left out: its script is empty.'])


def test_export_refuses_async_before_anything(tmp_path):
    result, plugin_action = run(task_callback_export, dict(CONNECTION, dest=str(tmp_path / 'out')),
                                tmp_path, async_val=30)
    assert result == dict(failed=True, changed=False, msg=task_callback_export.ASYNC_REFUSAL)
    assert plugin_action.handed == []


def test_export_refuses_a_bad_dest_before_the_module_runs(tmp_path):
    result, plugin_action = run(task_callback_export, dict(CONNECTION, dest=''), tmp_path)
    assert result['failed'] is True and result['changed'] is False and 'dest' in result['msg']
    assert plugin_action.handed == []


def test_export_writes_what_the_module_read_and_warns_of_what_it_left_out(tmp_path):
    dest = tmp_path / 'out'
    answer = dict(changed=False, warnings=['from the module'], export=EXPORT)
    host_vars = dict(ansible_python_interpreter='/usr/bin/python3')
    result, plugin_action = run(task_callback_export, dict(CONNECTION, dest=str(dest)), tmp_path, answer=answer,
                                task_vars=host_vars)
    assert plugin_action.task_vars == host_vars
    assert 'export' not in result and result['changed'] is True and result['dest'] == str(dest)
    assert result['written'] == ['apply.yml', 'callbacks.yml', 'files/Archive-filter-1.js'] and result['removed'] == []
    assert result['left_out'] == EXPORT['left_out']
    assert result['warnings'][:2] == ['from the module', 'Callback 9 is left out: its script is empty.']
    assert (dest / 'files' / 'Archive-filter-1.js').read_text() == SCRIPT


def test_export_again_is_unchanged_and_check_mode_writes_nothing(tmp_path):
    dest = tmp_path / 'out'
    args = dict(CONNECTION, dest=str(dest))
    run(task_callback_export, args, tmp_path, answer=dict(changed=False, export=EXPORT))
    again, _plugin_action = run(task_callback_export, args, tmp_path, answer=dict(changed=False, export=EXPORT))
    assert again['changed'] is False and again['written'] == []
    other = tmp_path / 'other'
    checked, _plugin_action = run(task_callback_export, dict(CONNECTION, dest=str(other)), tmp_path,
                                  answer=dict(changed=False, export=EXPORT), check_mode=True)
    assert checked['changed'] is True and not other.exists()


@pytest.mark.parametrize('export', [dict(export=EXPORT), {}])
def test_export_passes_on_the_failure_of_the_module_and_writes_nothing(tmp_path, export):
    dest = tmp_path / 'out'
    answer = dict(failed=True, msg='The server refused.', **export)
    result, _plugin_action = run(task_callback_export, dict(CONNECTION, dest=str(dest)), tmp_path, answer=answer)
    assert result == dict(failed=True, msg='The server refused.') and not dest.exists()


def test_export_of_a_file_name_it_does_not_make_fails_and_writes_nothing(tmp_path):
    dest = tmp_path / 'out'
    # changed: what was written decides it, whatever the module answered
    answer = dict(changed=True, warnings=['from the module'], export=dict(EXPORT, files={'../escape.js': SCRIPT}))
    result, _plugin_action = run(task_callback_export, dict(CONNECTION, dest=str(dest)), tmp_path, answer=answer)
    assert result == dict(changed=False, failed=True, warnings=['from the module'],
                          msg='The export holds file names it does not make (../escape.js); nothing was written.')
    assert not dest.exists()


def test_export_fails_when_the_directory_cannot_be_written(tmp_path):
    dest = write(tmp_path / 'a-file', 'not a directory\n')
    result, _plugin_action = run(task_callback_export, dict(CONNECTION, dest=str(dest)), tmp_path,
                                 answer=dict(changed=False, export=EXPORT))
    assert result['failed'] is True and result['changed'] is False and str(dest) in result['msg']
    assert dest.read_text() == 'not a directory\n' and os.path.isfile(str(dest))


def test_a_j2_script_file_includes_from_its_own_directory_and_the_play_search_path(tmp_path):
    write(tmp_path / 'templates' / 'filter.js.j2', "{% include 'head.js' %}{% include 'tail.js' %}")
    write(tmp_path / 'templates' / 'head.js', 'head;')
    write(tmp_path / 'play' / 'tail.js', 'tail;')
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js.j2'), tmp_path,
                                task_vars=dict(ansible_search_path=[str(tmp_path / 'play')]))
    assert handed_script(result, plugin_action) == 'head;tail;'


def test_a_backslash_in_a_j2_expression_is_rendered_as_written(tmp_path):
    write(tmp_path / 'templates' / 'filter.js.j2', "var re = /{{ '\\\\d+' }}/;\n")
    result, plugin_action = run(task_callback, dict(CONNECTION, task=1, script_file='filter.js.j2'), tmp_path)
    assert handed_script(result, plugin_action) == 'var re = /\\d+/;\n'
