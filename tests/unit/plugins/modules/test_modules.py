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


from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.modules import task_callback, task_callback_info
from ansible_collections.nodeum.data_archiving.tests.unit.module_args import patch_module_args

SECRET = 'pa55-not-to-be-seen'
ENV_SECRET = 'env-pa55-not-to-be-seen'
CONNECTION = dict(url='https://nodeum.example.com', username='admin', password=SECRET)


def shown(answer):
    """What Ansible shows of a module's answer. From ansible-core 2.22 on, the answer carries the secrets the module
    registered (_ansible_new_secrets), and the controller masks them wherever the result is shown; before, the module
    masked them itself."""
    new_secrets = json.loads(answer).pop('_ansible_new_secrets', [])
    text = json.dumps(dict((key, value) for key, value in json.loads(answer).items() if key != '_ansible_new_secrets'))
    for secret in sorted(new_secrets, key=len, reverse=True):
        text = text.replace(secret, '********')
    return text


def run_main(module, args, capsys):
    """Run a module's main(): its exit code, and its answer as Ansible shows it, parsed and as text."""
    with patch_module_args(args):
        with pytest.raises(SystemExit) as ended:
            module.main()
    output = shown(capsys.readouterr().out)
    return ended.value.code, json.loads(output), output


def test_result_and_warnings_reach_the_answer(monkeypatch, capsys):
    seen = {}

    def logic(client, params, context):
        seen.update(params=params, check_mode=context.check_mode)
        context.warn('Retried once.')
        return dict(changed=True, task_callback={'id': 1}, diff=[{'before': 'a', 'after': 'b'}])
    monkeypatch.setattr(task_callback.task_callback, 'ensure_task_callback', logic)
    warned = []
    # Recorded at the module: how Ansible then carries warnings depends on process-wide state.
    monkeypatch.setattr('ansible.module_utils.basic.AnsibleModule.warn', lambda module, warning: warned.append(warning))
    code, result, output = run_main(task_callback, dict(
        CONNECTION, task='3', script='x', _ansible_check_mode=True), capsys)
    assert code == 0 and result['changed'] is True and result['task_callback'] == {'id': 1}
    assert 'diff' not in result  # diff mode is off
    assert 'Retried once.' in warned
    assert seen['check_mode'] is True and seen['params']['type'] == 'filter'
    assert SECRET not in output


def test_a_nodeum_error_becomes_a_failure_with_its_sentence(monkeypatch, capsys):
    def logic(client, params, context):
        raise NodeumError('A sentence of the logic.')
    monkeypatch.setattr(task_callback_info.task_callback_info, 'read_task_callbacks', logic)
    code, result, output = run_main(task_callback_info, dict(CONNECTION, task='3'), capsys)
    assert code == 1 and result['failed'] is True
    assert result['msg'] == 'A sentence of the logic.'
    assert SECRET not in output


def test_missing_script_with_present_is_refused_by_the_argument_spec(capsys):
    code, result, _output = run_main(task_callback, dict(CONNECTION, task='3'), capsys)
    assert code == 1 and 'script' in result['msg']


def test_two_kinds_of_credential_on_the_task_are_refused(capsys):
    code, result, output = run_main(task_callback_info, dict(CONNECTION, task='3', token='jwt'), capsys)
    assert code == 1 and 'mutually exclusive' in result['msg']
    assert SECRET not in output


def test_missing_requests_gives_the_standard_message(monkeypatch, capsys):
    monkeypatch.setattr('ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run.HAS_REQUESTS', False)
    code, result, _output = run_main(task_callback_info, dict(CONNECTION, task='3'), capsys)
    assert code == 1 and 'requests' in result['msg'] and 'Traceback' not in result['msg']


def test_settings_fall_back_to_their_environment_variables_and_the_defaults(monkeypatch, capsys):
    monkeypatch.setenv('NODEUM_URL', 'https://env.example.com')
    monkeypatch.setenv('NODEUM_TIMEOUT', '4')
    monkeypatch.setenv('NODEUM_TOKEN', 'jwt')
    seen = {}

    def logic(client, params, context):
        seen.update(base_url=client.base_url, timeout=client.timeout, verify=client._verify,
                    authorization=client._session.headers.get('Authorization'))
        return dict(changed=False)
    monkeypatch.setattr(task_callback_info.task_callback_info, 'read_task_callbacks', logic)
    code, _result, _output = run_main(task_callback_info, dict(task='1'), capsys)
    assert code == 0
    assert seen == dict(base_url='https://env.example.com/api/v2', timeout=4.0, verify=True, authorization='Bearer jwt')


def test_an_unreadable_environment_variable_fails_in_one_sentence_naming_it(monkeypatch, capsys):
    monkeypatch.setenv('NODEUM_VALIDATE_CERTS', 'maybe')
    code, result, _output = run_main(task_callback_info, dict(CONNECTION, task='1'), capsys)
    assert code == 1 and 'NODEUM_VALIDATE_CERTS' in result['msg'] and 'api_error' not in result


def test_a_password_in_the_url_is_masked_in_the_module_answer(capsys):
    code, result, output = run_main(task_callback_info, dict(
        url='https://admin:' + SECRET + '@nodeum.example.com', task='3', token='a-jwt-value'), capsys)
    assert code == 1 and result['msg'].startswith('The Nodeum url holds credentials')
    assert SECRET not in output


def test_credentials_from_the_environment_are_masked_in_the_module_answer(monkeypatch, capsys):
    # A value no other test gives: from ansible-core 2.22 on, a module reports only the secrets new to its process.
    monkeypatch.setenv('NODEUM_URL', 'https://nodeum.example.com')
    monkeypatch.setenv('NODEUM_USERNAME', 'admin')
    monkeypatch.setenv('NODEUM_PASSWORD', ENV_SECRET)

    def logic(client, params, context):
        return dict(changed=False, task_callback=dict(script='echo ' + ENV_SECRET))
    monkeypatch.setattr(task_callback.task_callback, 'ensure_task_callback', logic)
    code, result, output = run_main(task_callback, dict(task='3', script='x'), capsys)
    assert code == 0 and result['task_callback']['script'] == 'echo ********'
    assert ENV_SECRET not in output
