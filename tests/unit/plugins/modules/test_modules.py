# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the module layer: argument parsing, and how a plain result becomes the answer.

The resource logic is replaced, so these tests cover only what the modules themselves do.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.nodeum.data_archiving.plugins.module_utils import runner
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.modules import task_callback, task_callback_info

SECRET = 'pa55-not-to-be-seen'
CONNECTION = dict(url='https://nodeum.example.com', username='admin', password=SECRET)


def run_main(module, args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as ended:
            module.main()
    output = capsys.readouterr().out
    return ended.value.code, json.loads(output), output


def test_result_and_warnings_reach_the_answer(monkeypatch, capsys):
    seen = {}

    def logic(client, params, check_mode):
        seen.update(params=params, check_mode=check_mode)
        client.warnings.append('Retried once.')
        return dict(changed=True, task_callback={'id': 1}, diff=[{'before': 'a', 'after': 'b'}])
    monkeypatch.setattr(task_callback.task_callback, 'ensure_task_callback', logic)
    warned = []
    # Recorded at the module: how Ansible then carries warnings depends on process-wide state.
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda module, warning: warned.append(warning))
    code, result, output = run_main(task_callback, dict(CONNECTION, task='3', script='x', _ansible_check_mode=True), capsys)
    assert code == 0 and result['changed'] is True and result['task_callback'] == {'id': 1}
    assert 'diff' not in result  # diff mode is off
    assert 'Retried once.' in warned
    assert seen['check_mode'] is True and seen['params']['type'] == 'filter'
    assert SECRET not in output


def test_a_nodeum_error_becomes_a_failure_with_its_sentence(monkeypatch, capsys):
    def logic(client, params, check_mode):
        raise NodeumError('Nodeum task 3 does not exist; check the task id (or give its name).')
    monkeypatch.setattr(task_callback_info.task_callback_info, 'read_task_callbacks', logic)
    code, result, output = run_main(task_callback_info, dict(CONNECTION, task='3'), capsys)
    assert code == 1 and result['failed'] is True
    assert result['msg'] == 'Nodeum task 3 does not exist; check the task id (or give its name).'
    assert SECRET not in output


def test_missing_script_with_present_is_refused_by_the_argument_spec(capsys):
    code, result, _output = run_main(task_callback, dict(CONNECTION, task='3'), capsys)
    assert code == 1 and 'script' in result['msg']


def test_two_kinds_of_credential_on_the_task_are_refused(capsys):
    code, result, output = run_main(task_callback_info, dict(CONNECTION, task='3', token='jwt'), capsys)
    assert code == 1 and 'mutually exclusive' in result['msg']
    assert SECRET not in output


def test_missing_requests_gives_the_standard_message(monkeypatch, capsys):
    monkeypatch.setattr('ansible_collections.nodeum.data_archiving.plugins.module_utils.client.HAS_REQUESTS', False)
    code, result, _output = run_main(task_callback_info, dict(CONNECTION, task='3'), capsys)
    assert code == 1 and 'requests' in result['msg'] and 'Traceback' not in result['msg']


def test_run_turns_errors_into_a_failed_result_and_keeps_the_client_warnings():
    def logic(client, params, check_mode):
        client.warnings.append('Retried.')
        raise NodeumError('It broke; do this.')
    result, warnings = runner.run(logic, dict(url='http://h.example.com', timeout=1.0), environ={'NODEUM_TOKEN': 'jwt'})
    assert result == dict(failed=True, changed=False, msg='It broke; do this.')
    assert warnings[0].startswith('The credentials are sent over plain http://') and warnings[-1] == 'Retried.'
