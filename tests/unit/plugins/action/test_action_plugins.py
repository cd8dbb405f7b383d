# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the action plugins: when they run in-process, and that they answer as the module does.

The in-process path and the module's main() run the same scenarios against the bundled API
emulator (a real HTTP server, started once for this file), from the same server state, and
their results are compared whole.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import datetime
import io
import json
import sys
from pathlib import Path
from unittest import mock

import pytest

from ansible import constants
from ansible.errors import AnsibleError
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.common.parameters import remove_values
from ansible.parsing.dataloader import DataLoader
from ansible.plugins import action as action_base

from ansible_collections.nodeum.data_archiving.plugins.action import task_callback as task_callback_action
from ansible_collections.nodeum.data_archiving.plugins.action import task_callback_info as task_callback_info_action
from ansible_collections.nodeum.data_archiving.plugins.module_utils import client
from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callback as task_callback_logic
from ansible_collections.nodeum.data_archiving.plugins.modules import task_callback, task_callback_info
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils import _core_compat, _in_process
from ansible_collections.nodeum.data_archiving.tests.unit.module_args import patch_module_args

try:  # ansible-core 2.19+: a module knows whether it runs on the controller (it then displays its warnings)
    from ansible.module_utils import _internal as module_utils_internal
except ImportError:
    module_utils_internal = None
if not hasattr(module_utils_internal, 'is_controller'):  # 2.18 has the package, not the flag
    module_utils_internal = None


def core_knows_inject_invocation():
    try:
        constants.config.get_config_value('INJECT_INVOCATION')
    except AnsibleError:
        return False
    return True


def core_injects_invocation(task_vars):
    """Whether ansible-core adds `invocation` to a module's answer, read as ActionBase reads it for the module (2.21+)."""
    if not core_knows_inject_invocation():
        return True
    return constants.config.get_config_value('INJECT_INVOCATION', variables=task_vars)


# INJECT_INVOCATION as ansible-core 2.21 defines it (config/base.yml), lent to the config manager of
# older lines by the fixture below, so that how the adapter reads it is tested on every line.
INJECT_INVOCATION_DEFINITION = dict(name='Control task result injection of ``invocation``', type='boolean', default=False,
                                    env=[dict(name='ANSIBLE_INJECT_INVOCATION')], vars=[dict(name='ansible_inject_invocation')],
                                    version_added='2.21')


@pytest.fixture
def inject_invocation_setting(monkeypatch):
    """The setting INJECT_INVOCATION, unset: ansible-core's own on 2.21+, the same definition on older lines."""
    monkeypatch.delenv('ANSIBLE_INJECT_INVOCATION', raising=False)
    if not core_knows_inject_invocation():
        monkeypatch.setitem(constants.config._base_defs, 'INJECT_INVOCATION', INJECT_INVOCATION_DEFINITION)  # pylint: disable=protected-access


EMULATOR_DIR = Path(__file__).resolve().parents[3] / 'emulator'
sys.path.insert(0, str(EMULATOR_DIR))

from emulator_control import EmulatorControl, start_emulator, stop_emulator  # noqa: E402  pylint: disable=wrong-import-position

SECRET = 'nodeum-demo-password'
MODULE = 'nodeum.data_archiving.task_callback'
INFO = 'nodeum.data_archiving.task_callback_info'
SCRIPT = 'function filter(request) { return true; }\n'
STATE = dict(
    tasks=[dict(id=1, name='Archive projects'), dict(id=2, name='Nightly backup'), dict(id=3, name='Archive projects'), dict(id=4, name='Empty')],
    task_callbacks=[dict(id=10, task_id=1, type='filter', script=SCRIPT), dict(id=11, task_id=1, type='filter', script='other'),
                    dict(id=12, task_id=2, type='filter', script=SCRIPT)],
)
PLUGINS = {MODULE: (task_callback_action, task_callback), INFO: (task_callback_info_action, task_callback_info)}


@pytest.fixture(scope='module')
def emulator():
    url, process = start_emulator(lifetime=600)
    try:
        yield EmulatorControl(url)
    finally:
        stop_emulator(process)


@pytest.fixture
def server(emulator, monkeypatch):
    """The emulator, reset to STATE, with the connection in the environment as AWX would set it."""
    emulator.replace_state(STATE['tasks'], STATE['task_callbacks'])
    emulator.reset_requests()
    for name in ('NODEUM_FORCE_MODULE', 'NODEUM_API_KEY', 'NODEUM_TOKEN', 'NODEUM_API_KEY_PREFIX', 'NODEUM_TIMEOUT', 'NODEUM_VALIDATE_CERTS'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('NODEUM_URL', emulator.url)
    monkeypatch.setenv('NODEUM_USERNAME', 'admin')
    monkeypatch.setenv('NODEUM_PASSWORD', SECRET)
    # Several callbacks of a type are read again after waits, in case a concurrent run is between its
    # create and its clean-up. No other run races here: the re-reads still happen, without the waits.
    monkeypatch.setattr(task_callback_logic, 'SETTLE_WAITS', (0, 0, 0))
    return emulator


# -- stand-ins for what the task executor hands an action plugin --------------------------------

class FakeShell:
    tmpdir = None
    env = {}

    def env_prefix(self, **_environment):
        return ''


class FakeConnection:
    """A connection plugin as far as an action plugin sees it (every connection plugin names its transport)."""

    has_native_async = False

    def __init__(self, transport='local'):
        self.transport = transport
        self._shell = FakeShell()


class FakeTemplar:
    def template(self, value):
        return value


class FakePlayContext:
    def __init__(self, become=False):
        self.become = become


class FakeTask:
    """A task: action is the name as written (a short one under a play's `collections:`), resolved_action the full one."""

    def __init__(self, action, args, check_mode=False, diff=False, environment=None, async_val=0, written=None):
        self.action = written or action
        self.args = args
        self.check_mode = check_mode
        self.diff = diff
        self.environment = environment
        self.async_val = async_val
        self.no_log = False
        self.resolved_action = action


class FakeNormalAction:
    """ansible-core's `normal` action as the action loader would hand it over: it records how it was run."""

    def __init__(self):
        self.runs = []

    def run(self, task_vars=None):
        self.runs.append(task_vars)
        return dict(changed=False, from_the_module=True, task_vars=task_vars)


class FakeActionLoader:
    """The action loader: `normal` must get what the executor handed this plugin, each object itself."""

    def __init__(self):
        self.handed = None
        self.normal = []

    def get(self, name, **kwargs):
        assert name == 'ansible.legacy.normal'
        assert sorted(kwargs) == sorted(self.handed), kwargs
        for key, value in kwargs.items():
            assert value is self.handed[key], key
        self.normal.append(FakeNormalAction())
        return self.normal[-1]


class FakeSharedLoader:
    def __init__(self):
        self.action_loader = FakeActionLoader()


def make_action(action, args, transport='local', become=False, **task_options):
    """The action plugin, made as the task executor makes it (action_loader.get with these keywords)."""
    shared_loader_obj = FakeSharedLoader()
    handed = dict(task=FakeTask(action, dict(args), **task_options), connection=FakeConnection(transport), play_context=FakePlayContext(become),
                  loader=DataLoader(), templar=FakeTemplar(), shared_loader_obj=shared_loader_obj)
    shared_loader_obj.action_loader.handed = handed
    plugin = PLUGINS[action][0].ActionModule(**handed)
    # ansible-core 2.19+ keeps ansible.plugins.loader itself instead of what it is handed: the stand-in takes its place.
    plugin._shared_loader_obj = shared_loader_obj
    return plugin


def run_in_process(action, args, task_vars=None, **options):
    """The plugin's run, as the task executor calls it; the module path and any warning of ansible-core's are errors."""
    plugin = make_action(action, args, **options)

    def no_module(*_args, **_kwargs):
        raise AssertionError('the module path was taken')

    def no_core_warning(message, *_args, **_kwargs):
        raise AssertionError('ansible-core warned: %s' % message)
    plugin._execute_module = no_module
    with mock.patch.object(action_base.display, 'warning', no_core_warning):
        return plugin.run(task_vars=task_vars or {})


def run_module(monkeypatch, action, args, check_mode=False, diff=False, task_vars=None):
    """The module's main(), as the controller would start it; returns its JSON answer.

    Outside the controller a module returns its warnings in its answer; inside it (as here) it
    would display them, so the test makes it believe it is on a target.
    """
    if module_utils_internal is not None:
        monkeypatch.setattr(module_utils_internal, 'is_controller', False)
    module_warnings._global_warnings.clear()  # pylint: disable=protected-access
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_module_name=action)
    if core_knows_inject_invocation():  # as ActionBase hands it to every module on 2.21+
        module_args['_ansible_inject_invocation'] = core_injects_invocation(task_vars or {})
    output = io.StringIO()
    with patch_module_args(module_args), contextlib.redirect_stdout(output):
        with pytest.raises(SystemExit):
            PLUGINS[action][1].main()
    monkeypatch.undo()
    return json.loads(output.getvalue())


def comparable(result):
    """A result without what legitimately differs: the controller's error object, warning wrappers."""
    result = dict(result)
    result.pop('exception', None)
    result['warnings'] = [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]
    callback = result.get('task_callback')
    if isinstance(callback, dict) and callback.get('id', 0) > 12:
        result['task_callback'] = dict(callback, id='<new>')  # ids never repeat, so two creates get two ids
    return json.loads(json.dumps(result))


SCENARIOS = [
    ('present, nothing to do', MODULE, dict(task='2', script=SCRIPT), False, True),
    ('present, create', MODULE, dict(task='4', script=SCRIPT), False, True),
    ('present, update', MODULE, dict(task='2', script='new ' + SECRET), False, True),
    ('present, update, check mode', MODULE, dict(task='2', script='new'), True, True),
    ('absent, delete by name', MODULE, dict(task='Nightly backup', state='absent'), False, True),
    ('absent, two callbacks, check mode', MODULE, dict(task='1', state='absent'), True, False),
    ('absent, nothing to do', MODULE, dict(task='4', state='absent'), False, False),
    ('several callbacks of the type', MODULE, dict(task='1', script=SCRIPT), False, False),
    ('ambiguous task name', MODULE, dict(task='Archive projects', script=SCRIPT), False, False),
    ('missing task', MODULE, dict(task='99', script=SCRIPT), False, False),
    ('missing script', MODULE, dict(task='2'), False, False),
    ('wrong type', MODULE, dict(task='2', script=SCRIPT, callback_id='ten'), False, False),
    ('password given', MODULE, dict(task='2', script=SCRIPT, username='admin', password=SECRET), False, True),
    ('password given, secret in the script', MODULE, dict(task='2', script=SCRIPT + SECRET, username='admin', password=SECRET), False, True),
    ('two kinds of credential', INFO, dict(task='1', username='admin', password=SECRET, token='jwt'), False, False),
    ('info, every callback', INFO, dict(task='1'), False, False),
    ('info, filters and paging', INFO, dict(task='1', script='~%other%', sort_by=['id:desc'], limit=1), False, False),
    ('info, bad sort', INFO, dict(task='1', sort_by=['colour']), False, False),
    ('info, callback_id not there', INFO, dict(task='1', callback_id=99), False, False),
]


@pytest.mark.parametrize('inject', ['default', 'True', 'False', 'variable'])
@pytest.mark.parametrize('label, action, args, check_mode, diff', SCENARIOS, ids=[scenario[0] for scenario in SCENARIOS])
def test_in_process_answers_as_the_module(server, monkeypatch, label, action, args, check_mode, diff, inject):
    task_vars = {}
    if inject != 'default':
        if not core_knows_inject_invocation():
            pytest.skip('this ansible-core has no INJECT_INVOCATION setting: every answer carries invocation')
        monkeypatch.setenv('ANSIBLE_INJECT_INVOCATION', 'False' if inject == 'variable' else inject)
        if inject == 'variable':  # the variable ansible_inject_invocation, which wins over the environment
            task_vars = dict(ansible_inject_invocation=True)
    in_process = run_in_process(action, args, task_vars=task_vars, check_mode=check_mode, diff=diff)
    assert ('invocation' in in_process) == core_injects_invocation(task_vars), label
    in_process_log = server.requests()
    server.replace_state(STATE['tasks'], STATE['task_callbacks'])
    server.reset_requests()
    module = run_module(monkeypatch, action, args, check_mode=check_mode, diff=diff, task_vars=task_vars)
    assert comparable(in_process) == comparable(module), label
    assert list(comparable(in_process)) == list(comparable(module)), label  # and in the same order, as the module prints it
    assert [(entry['method'], entry['path'], entry['query']) for entry in in_process_log] == \
        [(entry['method'], entry['path'], entry['query']) for entry in server.requests()], label
    if args.get('password'):
        assert SECRET not in json.dumps(comparable(in_process))


def test_a_failure_shows_as_a_module_failure(server):
    result = run_in_process(MODULE, dict(task='99', script=SCRIPT))
    assert result['failed'] is True and result['msg'].startswith('Nodeum task 99 does not exist')
    if _core_compat.marks_module_failures():
        assert result['exception'].error_type.__name__ == 'AnsibleModuleCapturedError'
    else:
        assert 'exception' not in result


def test_secrets_are_masked_in_the_result(server):
    result = run_in_process(MODULE, dict(task='2', script='a ' + SECRET + ' b', password=SECRET, username='admin'), diff=True)
    assert result['changed'] is True
    if _core_compat.inject_invocation({}):
        assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    else:  # ansible-core 2.21+ without INJECT_INVOCATION
        assert 'invocation' not in result
    assert result['task_callback']['script'] == 'a ******** b'
    assert SECRET not in json.dumps(comparable(result))
    assert server.state()['task_callbacks'][-1]['script'] == 'a ' + SECRET + ' b'  # masked in the answer, not on the server


@pytest.mark.parametrize('where', ['task', 'environment'])
def test_a_password_written_into_the_url_is_masked_in_process(server, monkeypatch, where):
    url_secret = 'only-in-the-url-7Kq'  # not the environment's password, which is masked anyway
    url = server.url.replace('http://', 'http://admin:%s@' % url_secret)
    if where == 'task':
        result = run_in_process(INFO, dict(task='2', url=url))
    else:
        monkeypatch.setenv('NODEUM_URL', url)
        result = run_in_process(INFO, dict(task='2'))
    assert result['failed'] is True and result['msg'].startswith('The Nodeum url holds credentials')
    assert url_secret not in json.dumps(comparable(result))
    assert server.requests() == []


def test_the_task_environment_is_read_like_the_modules_environment(server, monkeypatch):
    monkeypatch.delenv('NODEUM_URL')
    monkeypatch.delenv('NODEUM_PASSWORD')
    environment = [dict(NODEUM_URL=server.url), dict(NODEUM_PASSWORD=SECRET, NODEUM_TIMEOUT='nonsense')]
    result = run_in_process(INFO, dict(task='2'), environment=environment)
    assert result['failed'] is True and "NODEUM_TIMEOUT holds 'nonsense'" in result['msg']
    environment[1]['NODEUM_TIMEOUT'] = 5
    result = run_in_process(INFO, dict(task='2'), environment=environment)
    assert result.get('failed') is not True, result.get('msg')
    assert result['count'] == 1 and len(server.requests()) == 1
    assert SECRET not in json.dumps(comparable(result))


def test_without_the_task_environment_the_url_is_missing(server, monkeypatch):
    monkeypatch.delenv('NODEUM_URL')
    result = run_in_process(INFO, dict(task='2'))
    assert result['failed'] is True and 'url' in result['msg']
    assert server.requests() == []


def test_check_mode_sends_only_reads(server):
    result = run_in_process(MODULE, dict(task='4', script=SCRIPT), check_mode=True, diff=True)
    assert result['changed'] is True and result['task_callback']['id'] is None
    assert result['diff'][0]['after'] == SCRIPT
    assert set(entry['method'] for entry in server.requests()) == {'GET'}


@pytest.mark.parametrize('setting, reason', [
    (dict(environ=dict(NODEUM_FORCE_MODULE='1')), 'NODEUM_FORCE_MODULE is set'),
    (dict(environ=dict(NODEUM_FORCE_MODULE='true')), 'NODEUM_FORCE_MODULE is set'),
    (dict(task_vars=dict(nodeum_force_module=True)), 'NODEUM_FORCE_MODULE is set'),
    (dict(transport='ssh'), 'the connection is not local'),
    (dict(become=True), 'become is on'),
    (dict(async_val=30), 'the task is async'),
    (dict(environ=dict(NODEUM_FORCE_MODULE='0')), None),
    (dict(environ=dict(NODEUM_FORCE_MODULE='sometimes')), None),  # not a true word: no error, the in-process path
    (dict(task_vars=dict(nodeum_force_module='no')), None),
    (dict(environ=dict(NODEUM_FORCE_MODULE=''), task_vars=dict(nodeum_force_module=True)), 'NODEUM_FORCE_MODULE is set'),  # empty is unset
    (dict(environ=dict(NODEUM_FORCE_MODULE='0'), task_vars=dict(nodeum_force_module=True)), None),  # the environment wins
    ({}, None),
])
def test_which_path(monkeypatch, setting, reason):
    setting = dict(setting)
    monkeypatch.delenv('NODEUM_FORCE_MODULE', raising=False)
    for name, value in setting.pop('environ', {}).items():
        monkeypatch.setenv(name, value)
    task_vars = setting.pop('task_vars', {})
    plugin = make_action(INFO, dict(task='1'), **setting)
    assert plugin.module_path_reason(task_vars) == reason


def test_without_requests_on_the_controller_the_module_runs(monkeypatch):
    monkeypatch.delenv('NODEUM_FORCE_MODULE', raising=False)
    monkeypatch.setattr(client, 'HAS_REQUESTS', False)
    assert make_action(INFO, dict(task='1')).module_path_reason({}) == 'requests is missing on the controller'


@pytest.mark.parametrize('switch', ['environment', 'variable'])
def test_the_module_path_runs_the_module_through_cores_normal_action(server, monkeypatch, switch):
    task_vars = dict(a=1)
    if switch == 'environment':
        monkeypatch.setenv('NODEUM_FORCE_MODULE', '1')
    else:
        task_vars['nodeum_force_module'] = True
    plugin = make_action(MODULE, dict(task='2', script=SCRIPT))
    result = plugin.run(task_vars=task_vars)
    assert result == dict(changed=False, from_the_module=True, task_vars=task_vars)
    assert [normal.runs for normal in plugin._shared_loader_obj.action_loader.normal] == [[task_vars]]
    assert server.requests() == []


@pytest.mark.parametrize('forced', ['0', '1'])
@pytest.mark.parametrize('args, message', [
    (dict(task='2', scirpt=SCRIPT), 'nodeum.data_archiving.task_callback has no option scirpt (did you mean script?); its options are api_key,'),
    (dict(task='2', script=SCRIPT, colour='blue', calback_id=3),
     'nodeum.data_archiving.task_callback has no option calback_id (did you mean callback_id?), colour; its options are'),
])
def test_an_unsupported_option_is_named_first_on_both_paths(server, monkeypatch, inject_invocation_setting, forced, args, message):
    monkeypatch.setenv('NODEUM_FORCE_MODULE', forced)
    args = dict(args, password=SECRET, username='admin')
    plugin = make_action(MODULE, args, written='task_callback')  # as written under a play's `collections:`; the message gives the full name
    result = plugin.run(task_vars=dict(ansible_inject_invocation=True))
    assert result['failed'] is True and result['msg'].startswith(message), result['msg']
    assert result['invocation'] == dict(module_args=dict(args, password='VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'))
    assert plugin._shared_loader_obj.action_loader.normal == [] and server.requests() == []
    assert SECRET not in json.dumps(comparable(result))


@pytest.mark.parametrize('environment, task_vars, injected', [
    (None, None, False),
    (None, dict(ansible_inject_invocation=True), True),
    ('true', {}, True),
    ('true', dict(ansible_inject_invocation=False), False),  # the variable wins over the environment
])
def test_inject_invocation_is_read_as_ansible_core_reads_it(monkeypatch, inject_invocation_setting, environment, task_vars, injected):
    if environment is not None:
        monkeypatch.setenv('ANSIBLE_INJECT_INVOCATION', environment)
    assert _core_compat.inject_invocation(task_vars) is injected


def test_without_the_setting_every_answer_carries_invocation():
    if core_knows_inject_invocation():
        pytest.skip('this ansible-core has the setting INJECT_INVOCATION')
    assert _core_compat.inject_invocation(dict(ansible_inject_invocation=False)) is True


@pytest.mark.parametrize('environment, injected', [(None, True), ('true', False)])
@pytest.mark.parametrize('action, args', [
    (MODULE, dict(task='2', scirpt=SCRIPT)),
    (MODULE, dict(task='2', callback_id='ten')),
    (INFO, dict(task='2')),
], ids=['refused here', 'refused by the argument spec', 'run'])
def test_the_variable_ansible_inject_invocation_counts_on_every_path(server, monkeypatch, inject_invocation_setting, action, args, environment, injected):
    if environment is not None:
        monkeypatch.setenv('ANSIBLE_INJECT_INVOCATION', environment)
    result = run_in_process(action, args, task_vars=dict(ansible_inject_invocation=injected))
    assert ('invocation' in result) is injected, result


# (data, no_log values, whether remove_values changes the data; None where that differs between
# ansible-core lines: before 2.19 it also masks the words of booleans and None)
@pytest.mark.parametrize('data, values, masked', [
    (dict(script='a "secret" b'), {'secret'}, True),
    (dict(script='line\nsecret'), {'secret'}, True),
    (dict(script='plain'), {'se"cret'}, False),
    (dict(script='plain'), {'back\\slash'}, False),
    (dict(script='a se"cret b'), {'se"cret'}, True),  # JSON writes the value's quote as an escape
    (dict(script='a pässwörd b'), {'pässwörd'}, True),  # and, unless told otherwise, its letters beyond ASCII
    (dict(day=datetime.date(2026, 12, 1), script='a secret'), {'secret'}, True),  # no JSON text at all
    (dict(changed=True), {'ue'}, None),
    (dict(task_callback=None), {'on'}, None),
    (dict(count=1234), {'23'}, True),
    (dict(ratio=0.5), {'0.5'}, True),
    ({'secret': 1}, {'secret'}, False),  # keys are not masked, but the JSON text holds the value
    ([dict(script='x')], {'y'}, False),
    (dict(script='plain'), set(), False),
])
def test_the_masking_shortcut_never_skips_a_change(data, values, masked):
    changed = remove_values(data, values) != data
    if masked is not None:
        assert changed is masked
    if changed:
        assert _in_process.may_hold_no_log_value(data, values)


def test_the_masking_shortcut_skips_results_without_secrets():
    data = dict(changed=False, task_callbacks=[dict(id=index, task_id=1, type='filter', script='s%d' % index) for index in range(1000)])
    assert not _in_process.may_hold_no_log_value(data, {SECRET})
    assert _in_process.may_hold_no_log_value([data, SECRET], {SECRET})


def test_booleans_and_none_at_the_top_are_kept_from_masking_as_the_module_keeps_them():
    # Before ansible-core 2.19 remove_values also masks True, False and None when a secret is part of their words.
    result = _in_process.module_result(dict(changed=True, task_callback=None, failed=True, msg='not true'), {}, [], {'ru', 'on'}, False)
    assert result == dict(changed=True, task_callback=None, failed=True, msg='not t********e')


def test_arguments_reach_the_core_as_plain_values_as_the_module_gets_them():
    # What the YAML loader gives a task: ansible-core's own str and dict subclasses (tagged from 2.19).
    loaded = DataLoader().load('callbacks:\n  - {task: "1", script: "a {{ b }}\\n"}\nexclusive: true\n')
    assert type(loaded['callbacks'][0]['script']) is not str  # pylint: disable=unidiomatic-typecheck
    plain = _in_process.plain_arguments(loaded)
    assert plain == loaded
    assert [type(value) for value in (plain, plain['callbacks'], plain['callbacks'][0], plain['callbacks'][0]['script'])] == [dict, list, dict, str]


def test_arguments_that_json_cannot_hold_are_left_to_validation(server):
    args = dict(task='1', script=datetime.date(2026, 12, 1))
    assert _in_process.plain_arguments(args) == args
    result = run_in_process(MODULE, dict(task='2', script=datetime.date(2026, 12, 1)), check_mode=True)
    assert result['changed'] is True and result['task_callback']['script'] == '2026-12-01', result  # as str() of it, the module's conversion
    assert [entry['method'] for entry in server.requests()] == ['GET']
