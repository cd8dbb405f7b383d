# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests (hypothesis) of argument handling and decision logic.

Whatever the options hold (random values and types, unicode, NUL bytes, scripts up to 1 MiB,
task names with '/', '%', '?', '#', spaces or a leading operator), each entry point either
returns or raises NodeumError with a one-sentence message, never another exception; invalid input
sends no request; a task name is always looked up literally (name==<name>).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import sys
import tempfile

import pytest

try:
    import ansible_collections.nodeum.data_archiving.plugins.module_utils.client  # noqa: F401  pylint: disable=unused-import
except ImportError:  # plain pytest from the checkout (make reliability): make it importable as the collection
    _ROOT = tempfile.mkdtemp(prefix='nodeum-collections-')
    _REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
    os.makedirs(os.path.join(_ROOT, 'ansible_collections', 'nodeum'))
    os.symlink(_REPO, os.path.join(_ROOT, 'ansible_collections', 'nodeum', 'data_archiving'))
    sys.path.insert(0, _ROOT)

from hypothesis import HealthCheck, assume, given, settings, strategies as st  # noqa: E402

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client as client_module, connection  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callback, task_callback_info  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError, NodeumNotFound  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection import (  # noqa: E402
    client_from_params, resolve_credentials, url_secrets,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (  # noqa: E402
    desired_state, ensure_task_callback, plan_change,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import list_query, read_task_callbacks  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import resolve_task_id  # noqa: E402

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

# -- strategies ---------------------------------------------------------------------------------

OPERATORS = ['', '=', '!=', '>', '>=', '<', '<=', '><', '!><', '~', '!~']
SPECIALS = st.sampled_from(['/', '%', '?', '#', ' ', '\x00', '\t', '\n', 'é', '☃', '東京', '%2F', '..', '|', '_'])
any_text = st.text(max_size=40)
task_names = st.builds(lambda operator, parts: operator + ''.join(parts), st.sampled_from(OPERATORS),
                       st.lists(st.one_of(SPECIALS, st.text(max_size=6)), max_size=8))
big_scripts = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=64), st.integers(1, 1024 * 1024 // 64))
scripts = st.one_of(st.none(), any_text, big_scripts, st.sampled_from(['', ' ', '\r\n\t', 'a\x00b', 'x\r\n']))
junk = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=False), any_text, st.lists(any_text, max_size=3),
                 st.dictionaries(any_text, any_text, max_size=2))
callback_ids = st.one_of(st.none(), st.integers(-5, 10 ** 12))
tasks = st.one_of(task_names, st.integers(0, 10 ** 6).map(str), st.sampled_from(['', ' ', '007', '٣', '1.5', '-1']))


def sentence(error):
    """A NodeumError's text is one line that ends a sentence."""
    message = error.message
    assert isinstance(message, str) and message.strip() and '\n' not in message.replace('\\n', ''), message
    assert message.endswith('.'), message
    return message


# -- a recording fake of the transport client, with a small in-memory server behind it -------------

class FakeClient:
    """Records every request; serves tasks and callbacks like the API (filters with '=' only)."""

    def __init__(self, tasks=None, callbacks=None, literal_filters_only=True):
        self.literal_filters_only = literal_filters_only
        self.tasks = dict(tasks if tasks is not None else {1: 'Alpha', 2: 'Bravo', 3: 'Alpha'})
        self.callbacks = [dict(item) for item in (callbacks or [])]
        self.calls = []
        self.warnings = []
        self.waits = []
        self.next_id = 100

    def wait(self, seconds):
        self.waits.append(seconds)

    def paginate(self, path, items_key, params=None, limit=None, offset=0):
        self.calls.append(('GET', path, dict(params or {})))
        params = dict(params or {})
        if path == 'tasks':
            name = params.get('name')
            if name is None:  # the listing of every task (task_callback_info's inventory form)
                found = [{'id': task_id, 'name': task_name} for task_id, task_name in sorted(self.tasks.items())]
                return found, len(found)
            assert name.startswith('='), 'a name lookup must be literal: %r' % name
            found = [{'id': task_id, 'name': task_name} for task_id, task_name in sorted(self.tasks.items()) if task_name == name[1:]]
            return found, len(found)
        match = re.match(r'^tasks/(\d+)/task_callbacks$', path)
        assert match, path
        task_id = int(match.group(1))
        if task_id not in self.tasks:
            raise NodeumNotFound('Not found.', status=404)
        found = [dict(item) for item in self.callbacks if item['task_id'] == task_id]
        for name, value in params.items():
            if name in ('id', 'type', 'script'):
                if not value.startswith('=') and not self.literal_filters_only:
                    continue  # a user's filter with another operator (task_callback_info): the fake does not apply it
                assert value.startswith('=')
                found = [item for item in found if str(item[name]) == value[1:]]
        found = found[offset:]
        if limit is not None:
            found = found[:limit]
        return [dict((key, item[key]) for key in ('id', 'type', 'script')) for item in found], len(found)

    def post(self, path, body, landed=None):
        self.calls.append(('POST', path, body))
        task_id = int(path.split('/')[1])
        self.next_id += 1
        created = dict(id=self.next_id, task_id=task_id, **body)
        self.callbacks.append(created)
        return dict((key, created[key]) for key in ('id', 'type', 'script'))

    def put(self, path, body):
        self.calls.append(('PUT', path, body))
        callback_id = int(path.split('/')[-1])
        for item in self.callbacks:
            if item['id'] == callback_id:
                item.update(body)
                return dict((key, item[key]) for key in ('id', 'type', 'script'))
        raise NodeumNotFound('Not found.', status=404)

    def delete(self, path):
        self.calls.append(('DELETE', path, None))
        callback_id = int(path.split('/')[-1])
        before = len(self.callbacks)
        self.callbacks = [item for item in self.callbacks if item['id'] != callback_id]
        if len(self.callbacks) == before:
            raise NodeumNotFound('Not found.', status=404)


# -- desired_state, plan_change ---------------------------------------------------------------------

# Typed as the argument spec makes them (the logic only ever gets validated options), random content.
task_callback_params = st.fixed_dictionaries({}, optional={
    'task': tasks, 'callback_id': callback_ids, 'type': st.one_of(st.none(), st.just('filter'), any_text),
    'script': scripts, 'state': st.one_of(st.none(), st.sampled_from(['present', 'absent']), any_text),
})
# Anything at all, as a playbook could write it: it goes through the module's argument spec first.
raw_task_callback_params = st.fixed_dictionaries({}, optional={
    'task': st.one_of(tasks, tasks, junk), 'callback_id': st.one_of(callback_ids, callback_ids, junk),
    'type': st.one_of(st.just('filter'), st.just('filter'), any_text, junk), 'script': st.one_of(scripts, scripts, junk),
    'state': st.one_of(st.sampled_from(['present', 'absent']), st.sampled_from(['present', 'absent']), any_text, junk),
    'url': st.just('http://127.0.0.1:9'), 'api_key': st.just('k'),
})


def validated(options, constraints, raw):
    """The options as AnsibleModule (and the action plugin) would pass them on, or None when Ansible refuses them."""
    spec = connection.module_argument_spec(options)
    for entry in spec.values():
        entry.pop('fallback', None)  # the environment of the test run is not the task's
    result = ArgumentSpecValidator(spec, **connection.module_constraints(constraints)).validate(raw)
    return None if result.error_messages else result.validated_parameters


@SETTINGS
@given(task_callback_params)
def test_desired_state_returns_or_says_why(params):
    try:
        desired = desired_state(params)
    except NodeumError as error:
        sentence(error)
        return
    assert desired['type'] == 'filter' and desired['task'].strip()
    if desired['state'] == 'present':
        assert isinstance(desired['script'], str) and desired['script'].strip()


def valid_params():
    return st.fixed_dictionaries({'task': tasks, 'script': st.one_of(any_text, big_scripts), 'state': st.sampled_from(['present', 'absent']),
                                  'callback_id': st.one_of(st.none(), st.integers(1, 10 ** 6)), 'type': st.just('filter')})


callback_lists = st.lists(st.builds(lambda number, script: {'id': number, 'type': 'filter', 'script': script},
                                    st.integers(1, 10 ** 6), st.one_of(any_text, st.sampled_from(['x', 'x\r\n', 'x ']))),
                          max_size=4, unique_by=lambda item: item['id'])


@SETTINGS
@given(valid_params(), callback_lists)
def test_plan_change_decides_or_says_why(params, matches):
    try:
        desired = desired_state(params)
    except NodeumError:
        return
    try:
        plan = plan_change(desired, matches, 7)
    except NodeumError as error:
        message = sentence(error)
        assert (desired['state'] == 'present' and (len(matches) > 1 or (not matches and desired['callback_id'] is not None))), message
        return
    if desired['state'] == 'absent':
        assert plan.action == ('delete' if matches else 'none')
        return
    if not matches:
        assert plan.action == 'create' and plan.after['script'] == desired['script']
    else:
        # Byte for byte: any difference at all (CR, trailing space) is an update; none is no change.
        assert plan.action == ('none' if matches[0]['script'] == desired['script'] else 'update')


# -- list_query -------------------------------------------------------------------------------------

info_params = st.fixed_dictionaries({}, optional={
    'task': st.one_of(tasks, junk), 'callback_id': st.one_of(callback_ids, junk), 'id': st.one_of(st.none(), any_text, junk),
    'type': st.one_of(st.none(), any_text), 'script': st.one_of(st.none(), any_text),
    'sort_by': st.one_of(st.none(), st.lists(st.one_of(st.sampled_from(['id', 'type:desc', 'script:asc', 'name', 'id:up', '']), any_text), max_size=3)),
    'limit': st.one_of(st.none(), st.integers(-3, 5000)), 'offset': st.one_of(st.none(), st.integers(-3, 5000)),
})


@SETTINGS
@given(info_params)
def test_list_query_returns_or_says_why_and_sends_nothing_when_invalid(params):
    params = validated(task_callback_info.OPTIONS, task_callback_info.CONSTRAINTS, dict(params, url='http://127.0.0.1:9', api_key='k'))
    assume(params is not None)
    fake = FakeClient(literal_filters_only=False)
    try:
        query = list_query(params)
    except NodeumError as error:
        sentence(error)
        with pytest.raises(NodeumError):
            read_task_callbacks(fake, params)
        assert fake.calls == [], 'invalid input sent requests'
        return
    assert query['offset'] >= 0 and (query['limit'] is None or query['limit'] >= 1)
    try:
        read_task_callbacks(fake, params)
    except NodeumError as error:
        sentence(error)


# -- resolve_task_id ------------------------------------------------------------------------------

@SETTINGS
@given(tasks, st.dictionaries(st.integers(1, 50), st.one_of(task_names, st.sampled_from(['Alpha', '> x', 'x'])), max_size=5))
def test_resolve_task_id_is_literal(task, server_tasks):
    fake = FakeClient(tasks=server_tasks)
    try:
        task_id = resolve_task_id(fake, task)
    except NodeumError as error:
        sentence(error)
        if not task.strip():
            assert fake.calls == []
        return
    if task.isdigit() and task.isascii():
        assert task_id == int(task) and fake.calls == []
    else:
        assert fake.calls == [('GET', 'tasks', {'name': '=' + task})]
        assert server_tasks[task_id] == task and list(server_tasks.values()).count(task) == 1


# -- client_from_params, resolve_credentials, url_secrets ----------------------------------------------

# Secrets are recognisable, so that a message that repeats one is caught.
secrets = st.builds(lambda text: 'Zq7-' + text, st.text(max_size=12))
connection_params = st.fixed_dictionaries({}, optional={
    'url': st.one_of(st.sampled_from(['http://127.0.0.1:9', 'https://nodeum.example.com/api/v2/', 'ftp://x', 'http://u:p@h', 'http://[::1',
                                      'https://', '']), any_text),
    'username': st.one_of(st.none(), any_text), 'password': st.one_of(st.none(), secrets), 'api_key': st.one_of(st.none(), secrets),
    'api_key_prefix': st.one_of(st.none(), any_text), 'token': st.one_of(st.none(), secrets),
    'validate_certs': st.booleans(), 'ca_path': st.one_of(st.none(), any_text), 'timeout': st.one_of(st.none(), st.floats(-5, 1e6)),
})


@SETTINGS
@given(connection_params, st.dictionaries(st.sampled_from(['NODEUM_USERNAME', 'NODEUM_PASSWORD', 'NODEUM_API_KEY', 'NODEUM_TOKEN']), secrets))
def test_client_from_params_builds_or_says_why(params, environ):
    try:
        credentials = resolve_credentials(params, environ)
        built = client_from_params(params, credentials)
    except NodeumError as error:
        message = sentence(error)
        shown = [value for value in list(params.values()) + list(environ.values()) if isinstance(value, str) and value.startswith('Zq7-')]
        assert not [value for value in shown if value in message], 'a failure message repeats a secret: %s' % message
        return
    built.close()


@SETTINGS
@given(st.text(max_size=20).filter(lambda text: not set(text) & set(':@/?#')),
       st.text(min_size=1, max_size=20).filter(lambda text: not set(text) & set('@/?#')))
def test_url_secrets_find_the_password_of_a_url(user, password):
    assert url_secrets('https://%s:%s@nodeum.example.com:8443/x?y#z' % (user, password)) == {password}
    assert url_secrets(None) == set() and url_secrets('https://nodeum.example.com/a:b@c') == set()


@SETTINGS
@given(st.one_of(any_text, st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(['http://', 'https://', 'http://[', 'https://u:p@']), any_text)))
def test_any_url_is_accepted_or_refused_in_one_sentence(url):
    try:
        normalized = client_module.normalize_base_url(url)
    except NodeumError as error:
        sentence(error)
        return
    assert normalized.startswith(('http://', 'https://')) and normalized.endswith('/api/v2')


# -- ensure_task_callback end to end against the fake: no other exception, no request when invalid ------

@settings(SETTINGS, max_examples=40)
@given(raw_task_callback_params, callback_lists, st.booleans())
def test_ensure_task_callback_never_raises_anything_else(raw, existing, check_mode):
    params = validated(task_callback.OPTIONS, task_callback.CONSTRAINTS, raw)
    assume(params is not None)
    fake = FakeClient(callbacks=[dict(item, task_id=1) for item in existing])
    try:
        desired_state(params)
        valid = True
    except NodeumError:
        valid = False
    try:
        result = ensure_task_callback(fake, params, check_mode=check_mode)
    except NodeumError as error:
        sentence(error)
        if not valid:
            assert fake.calls == [], 'invalid input sent requests: %s' % fake.calls
        return
    assert valid
    assert isinstance(result['changed'], bool)
    if check_mode:
        assert all(method == 'GET' for method, _path, _body in fake.calls)


def test_concurrent_duplicates_are_awaited_not_reported():
    """A run that meets the short-lived duplicates of a create race reads again before failing."""
    race = [{'id': 5, 'task_id': 1, 'type': 'filter', 'script': 'x'}, {'id': 6, 'task_id': 1, 'type': 'filter', 'script': 'x'}]

    class Settling(FakeClient):
        def wait(self, seconds):
            super(Settling, self).wait(seconds)
            self.callbacks = self.callbacks[:1]  # the loser of the race removed its duplicate meanwhile

    fake = Settling(callbacks=race)
    result = ensure_task_callback(fake, {'task': '1', 'script': 'x', 'state': 'present'})
    assert result['changed'] is False and result['task_callback']['id'] == 5 and fake.waits == [0.5]
    stuck = FakeClient(callbacks=race)
    with pytest.raises(NodeumError, match='has 2 filter callbacks'):
        ensure_task_callback(stuck, {'task': '1', 'script': 'x', 'state': 'present'})
    assert stuck.waits == [0.5, 1.0, 2.0]


def test_client_module_has_one_error_type():
    assert issubclass(client_module.NodeumNotFound, client_module.NodeumError)
