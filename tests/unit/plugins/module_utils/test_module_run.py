# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_run: execute() and run(), with the logic and the module replaced."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.nodeum.data_archiving.plugins.module_utils import module_run
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError

URL = 'https://nodeum.example.com'


class Ended(Exception):
    """What exit_json and fail_json raise here, as AnsibleModule's end the process."""


class FakeModule:
    """The few AnsibleModule attributes run() uses."""

    def __init__(self, params, check_mode=False, diff=False):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.no_log_values = set()
        self.warnings = []
        self.ended = None

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **result):
        self.ended = ('exit', result)
        raise Ended()

    def fail_json(self, **result):
        self.ended = ('fail', result)
        raise Ended()


MASK_CANDIDATES = (
    'url-pass-secret',
    'admin:url-pass-secret',
    'https://admin:url-pass-secret@nodeum.example.com',
    'env-key-secret',
    'admin',
    'nodeum.example.com',
)


def masked(module, candidates=MASK_CANDIDATES):
    """The candidates Ansible will mask in what the run shows: registered secrets from ansible-core 2.22 on, else the
    module's no_log values."""
    if module_run.register_secrets is None:
        return set(module.no_log_values)
    from ansible.module_utils.secrets import mask_secrets
    return set(value for value in candidates if mask_secrets(value) != value)


def run(logic, params, environ, check_mode=False, diff_mode=False):
    """execute(), as (result, warnings)."""
    return module_run.execute(logic, params, environ, check_mode=check_mode, diff_mode=diff_mode)


def recording_logic(seen, result=None):
    def logic(client, params, context):
        seen.update(client=client, params=params, check_mode=context.check_mode)
        context.warn('Retried.')
        return dict(result or dict(changed=True, diff=[{'before': 'a', 'after': 'b'}]))
    return logic


def test_run_builds_the_client_from_the_params_and_passes_check_mode():
    seen = {}
    result, warnings = run(recording_logic(seen), dict(url=URL, api_key='k', timeout=4.0),
                           check_mode=True, diff_mode=True, environ={})
    assert result == dict(changed=True, diff=[{'before': 'a', 'after': 'b'}])
    assert warnings == ['Retried.']
    assert seen['check_mode'] is True and seen['client'].base_url == URL + '/api/v2' and seen['client'].timeout == 4.0
    assert seen['client']._session.headers['Authorization'] == 'k'


def test_run_drops_the_diff_outside_diff_mode():
    result, _warnings = run(recording_logic({}), dict(url=URL, api_key='k'), environ={})
    assert result == dict(changed=True)


def test_run_takes_credentials_from_the_environment_it_is_given():
    seen = {}
    run(recording_logic(seen), dict(url=URL), environ={'NODEUM_TOKEN': 'jwt'})
    assert seen['client']._session.headers['Authorization'] == 'Bearer jwt'


def test_run_closes_the_client_also_when_the_logic_fails(mocker):
    closed = mocker.patch('ansible_collections.nodeum.data_archiving.plugins.module_utils.client.NodeumClient.close')

    def failing(client, params, context):
        context.warn('Retried.')
        raise NodeumError('It broke; do this.')
    result, warnings = run(failing, dict(url=URL, api_key='k'), environ={})
    assert result == dict(failed=True, changed=False, msg='It broke; do this.')
    assert warnings == ['Retried.'] and closed.call_count == 1


def test_run_reports_bad_connection_settings_as_a_failed_result():
    result, warnings = run(recording_logic({}), dict(url='ftp://x', api_key='k'), environ={})
    assert result['failed'] is True and result['msg'].startswith(
        "The Nodeum url 'ftp://x' is not an http:// or https:// URL")
    assert warnings == []


def test_run_module_answers_with_the_result_and_the_warnings():
    module = FakeModule(dict(url='http://nodeum.example.com', api_key='k'), check_mode=True, diff=True)
    seen = {}
    with pytest.raises(Ended):
        module_run.run(module, recording_logic(seen))
    assert module.ended == ('exit', dict(changed=True, diff=[{'before': 'a', 'after': 'b'}]))
    assert seen['check_mode'] is True
    assert module.warnings[0].startswith(
        'The credentials are sent over plain http://') and module.warnings[1:] == ['Retried.']


def test_run_module_fails_with_the_sentence_and_without_the_failed_key():
    def failing(client, params, context):
        raise NodeumError('It broke; do this.')
    module = FakeModule(dict(url=URL, api_key='k'))
    with pytest.raises(Ended):
        module_run.run(module, failing)
    assert module.ended == ('fail', dict(changed=False, msg='It broke; do this.'))


def test_run_module_masks_a_url_password_and_environment_secrets(monkeypatch):
    monkeypatch.setenv('NODEUM_API_KEY', 'env-key-secret')
    module = FakeModule(dict(url='https://admin:url-pass-secret@nodeum.example.com'))
    with pytest.raises(Ended):
        module_run.run(module, recording_logic({}))
    assert masked(module) == {'url-pass-secret', 'admin:url-pass-secret', module.params['url'], 'env-key-secret'}
    assert module.ended[0] == 'fail' and 'url-pass-secret' not in module.ended[1]['msg']


def test_run_module_without_requests_fails_with_the_standard_message(monkeypatch):
    monkeypatch.setattr('ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run.HAS_REQUESTS', False)
    module = FakeModule(dict(url=URL, api_key='k'))
    with pytest.raises(Ended):
        module_run.run(module, recording_logic({}))
    assert module.ended[0] == 'fail' and 'Failed to import the required Python library (requests)' in module.ended[
        1]['msg']
    assert module.ended == ('fail', dict(changed=False, msg=missing_required_lib('requests')))


def test_run_is_neither_in_check_mode_nor_in_diff_mode_unless_told():
    seen = {}
    result, _warnings = module_run.execute(recording_logic(seen), dict(url=URL, api_key='k'), {})
    assert seen['check_mode'] is False
    assert result == dict(changed=True)


def test_a_failed_api_call_keeps_its_facts_beside_the_sentence():
    def failing(client, params, context):
        raise NodeumError(
            'The Nodeum API refused PUT x (422): Script is invalid',
            status=422,
            method='PUT',
            path='tasks/3/task_callbacks/12',
            messages=['Script is invalid'],
            details={'script': ['is invalid']},
        )
    result, _warnings = run(failing, dict(url=URL, api_key='k'), environ={})
    assert result['api_error'] == dict(status=422, method='PUT', path='tasks/3/task_callbacks/12', messages=['Script '
                                                                                                             'is '
                                                                                                             'invalid'],
                                       details={'script': ['is invalid']})


def test_a_failure_before_any_request_has_no_api_error():
    result, _warnings = run(recording_logic({}), dict(url='ftp://x', api_key='k'), environ={})
    assert result['failed'] is True and 'api_error' not in result


def test_an_unreadable_environment_variable_stops_the_run_before_the_logic():
    seen = {}
    result, _warnings = run(recording_logic(seen), dict(url=URL, api_key='k',
                            timeout=30.0), environ=dict(NODEUM_TIMEOUT='x'))
    assert result['msg'] == ("The environment variable NODEUM_TIMEOUT holds 'x', which is not a number of seconds; "
                             "correct it or unset it.")
    assert seen == {}


def test_what_the_server_wrote_leaves_with_its_control_characters_shown():
    def hostile(client, params, context):
        context.warn('Retried after status 503 \x1b]0;owned\x07.')
        raise NodeumError(
            'The Nodeum API refused POST x (422): \x1b[2JScript \x9b31mforged',
            status=422,
            method='POST',
            path='tasks/3/task_callbacks',
            messages=['\x1b[2JScript \x9b31mforged'],
            details={'s\x1b': ['\x07']},
        )
    result, warnings = run(hostile, dict(url=URL, api_key='k'), environ={})
    assert result['msg'] == 'The Nodeum API refused POST x (422): \\x1b[2JScript \\x9b31mforged'
    assert result['api_error']['messages'] == [
        '\\x1b[2JScript \\x9b31mforged'] and result['api_error']['details'] == {'s\\x1b': ['\\x07']}
    assert warnings == ['Retried after status 503 \\x1b]0;owned\\x07.']


def test_a_msg_the_logic_returns_leaves_with_its_control_characters_shown():
    result, _warnings = run(recording_logic(
        {}, dict(failed=True, msg='1 of 1 items failed: \x1b[2J')), dict(url=URL, api_key='k'), {})
    assert result['msg'] == '1 of 1 items failed: \\x1b[2J'
