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

import re

import pytest

from hypothesis import assume, example, given, settings, strategies as st  # noqa: E402

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402

from ansible_collections.nodeum.data_archiving.plugins.module_utils import client as client_module, connection_options as connection  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils import task_callback, task_callback_info  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumError, NodeumNotFound  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection_options import (  # noqa: E402
    client_from_params, resolve_credentials, url_secrets,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (  # noqa: E402
    Plan, desired_state, ensure_task_callback, plan_change,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import list_query, read_task_callbacks  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import resolve_task_id  # noqa: E402

# How many examples, seeds and health checks come from the profile tests/unit/conftest.py loads.
SETTINGS = settings()
# The end-to-end test builds scripts of up to 1 MiB: it tries fewer examples than the others.
END_TO_END_SETTINGS = settings(max_examples=max(10, settings.default.max_examples * 2 // 5))

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
    """Records every request; serves tasks and callbacks like the API.

    A task name must be looked up literally ('=' + name). Callback filters are passed on as the
    user wrote them: the fake applies an exact '=value' filter and leaves the list unfiltered
    for any other operator (what operators mean is the emulator's to test, not the fake's).
    A list is answered as the API answers it ({count, tasks} or {count, task_callbacks}) and read
    with the key the caller names, as the client reads it.
    """

    def __init__(self, tasks=None, callbacks=None):
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
                return client_module._list_page({'count': len(found), 'tasks': found}, items_key, 'GET tasks')
            assert name.startswith('='), 'a name lookup must be literal: %r' % name
            found = [{'id': task_id, 'name': task_name} for task_id, task_name in sorted(self.tasks.items()) if task_name == name[1:]]
            return client_module._list_page({'count': len(found), 'tasks': found}, items_key, 'GET tasks')
        match = re.match(r'^tasks/(\d+)/task_callbacks$', path)
        assert match, path
        task_id = int(match.group(1))
        if task_id not in self.tasks:
            raise NodeumNotFound('Not found.', status=404)
        found = self.matching(task_id, params)
        page = found[offset:] if limit is None else found[offset:offset + limit]
        answer = {'count': len(found), 'task_callbacks': [dict((key, item[key]) for key in ('id', 'type', 'script')) for item in page]}
        return client_module._list_page(answer, items_key, 'GET ' + path)

    def matching(self, task_id, params):
        """The task's callbacks that the server filters would keep, before paging."""
        found = [dict(item) for item in self.callbacks if item['task_id'] == task_id]
        for name, value in params.items():
            if name in ('id', 'type', 'script') and value.startswith('='):
                found = [item for item in found if str(item[name]) == value[1:]]
        return found

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
    """Options desired_state accepts (tested above): a task that names something, a script with content."""
    return st.fixed_dictionaries({'task': tasks.filter(str.strip), 'script': st.one_of(any_text, big_scripts).filter(str.strip),
                                  'state': st.sampled_from(['present', 'absent']),
                                  'callback_id': st.one_of(st.none(), st.integers(1, 10 ** 6)), 'type': st.just('filter')})


callback_lists = st.lists(st.builds(lambda number, script: {'id': number, 'type': 'filter', 'script': script},
                                    st.integers(1, 10 ** 6), st.one_of(any_text, st.sampled_from(['x', 'x\r\n', 'x ']))),
                          max_size=4, unique_by=lambda item: item['id'])


@SETTINGS
@given(valid_params(), callback_lists)
def test_plan_change_decides_or_says_why(params, matches):
    desired = desired_state(params)
    try:
        plan = plan_change(desired, matches, 7)
    except NodeumError as error:
        message = sentence(error)
        assert (desired['state'] == 'present' and (len(matches) > 1 or (not matches and desired['callback_id'] is not None))), message
        return
    if desired['state'] == 'absent':
        assert plan == ((Plan('delete', matches, None)) if matches else Plan('none', [], None))
        return
    if not matches:
        assert plan == Plan('create', [], {'id': None, 'type': 'filter', 'script': desired['script']})
    else:
        # Byte for byte: any difference at all (CR, trailing space) is an update; none is no change.
        assert plan == Plan('none' if matches[0]['script'] == desired['script'] else 'update', [matches[0]], dict(matches[0], script=desired['script']))


# -- list_query -------------------------------------------------------------------------------------

# Half of the tasks and filters are ones the fake holds, so that the success path is taken often.
known_tasks = st.sampled_from(['1', '2', '3', '4', 'Bravo', 'Alpha'])
known_filters = st.sampled_from(['', '=filter', '=other', '=s1', '=12', '=13', '~s%', '!=s2'])
# With a task: the inventory form (no task) has its own tests in test_task_callback_info.py.
info_params = st.fixed_dictionaries({'task': st.one_of(known_tasks, tasks, junk.filter(lambda value: value is not None))}, optional={
    'callback_id': st.one_of(st.integers(9, 14), callback_ids, junk),
    'id': st.one_of(st.none(), known_filters, any_text, junk), 'type': st.one_of(st.none(), known_filters, any_text),
    'script': st.one_of(st.none(), known_filters, any_text),
    'sort_by': st.one_of(st.none(), st.lists(st.one_of(st.sampled_from(['id', 'type:desc', 'script:asc', 'name', 'id:up', '']), any_text), max_size=3)),
    'limit': st.one_of(st.none(), st.integers(1, 8), st.integers(-3, 5000)), 'offset': st.one_of(st.none(), st.integers(0, 8), st.integers(-3, 5000)),
})


# Tasks 1 to 3 hold callbacks, so that filters and paging have something to keep or drop.
INFO_CALLBACKS = [dict(id=number, task_id=1 + number % 3, type='filter' if number % 4 else 'other', script='s%d' % (number % 5))
                  for number in range(10, 30)]


def expected_filters(params):
    """What list_query promises to send: the user's filters as given, callback_id as an exact id, sort_by joined."""
    filters = dict((name, params[name]) for name in ('id', 'type', 'script') if params.get(name) is not None)
    if params.get('callback_id') is not None:
        filters['id'] = '=%d' % params['callback_id']
    if params.get('sort_by'):
        filters['sort_by'] = '|'.join(params['sort_by'])
    return filters


def expected_failure(fake, params, filters):
    """The start of the sentence read_task_callbacks must fail with against the fake, or None when it must succeed."""
    task = params['task']
    if not (task.isdigit() and task.isascii()):
        named = [task_id for task_id, name in fake.tasks.items() if name == task]
        if len(named) != 1:
            return 'No Nodeum task is named' if not named else '%d Nodeum tasks are named' % len(named)
        task_id = named[0]
    else:
        task_id = int(task)
    if task_id not in fake.tasks:
        return 'Nodeum task %s does not exist' % task_id
    if params.get('callback_id') is not None and not fake.matching(task_id, filters)[params.get('offset') or 0:]:
        return 'Nodeum task %s has no callback %s' % (task_id, params['callback_id'])
    return None


@SETTINGS
@given(info_params)
@example({'task': '1', 'script': ''})  # a filter passed on as given: an earlier fake wanted '=' on every filter
@example({'task': '2', 'type': '~fil%', 'limit': 1, 'offset': 1})
def test_list_query_returns_or_says_why_and_sends_nothing_when_invalid(params):
    params = validated(task_callback_info.OPTIONS, task_callback_info.CONSTRAINTS, dict(params, url='http://127.0.0.1:9', api_key='k'))
    assume(params is not None)
    fake = FakeClient(callbacks=INFO_CALLBACKS)
    try:
        query = list_query(params)
    except NodeumError as error:
        sentence(error)
        with pytest.raises(NodeumError):
            read_task_callbacks(fake, params)
        assert fake.calls == [], 'invalid input sent requests'
        return
    filters = expected_filters(params)
    assert query == dict(params=filters, limit=params.get('limit'), offset=params.get('offset') or 0)
    failure = expected_failure(fake, params, filters)
    try:
        result = read_task_callbacks(fake, params)
    except NodeumError as error:
        assert failure is not None and sentence(error).startswith(failure), error.message
        return
    assert failure is None, 'read_task_callbacks did not fail with: %s' % failure
    task_id = fake.calls[-1][1].split('/')[1]
    assert fake.calls[-1] == ('GET', 'tasks/%s/task_callbacks' % task_id, filters)
    found = fake.matching(int(task_id), filters)
    page = found[query['offset']:] if query['limit'] is None else found[query['offset']:query['offset'] + query['limit']]
    assert result == dict(changed=False, count=len(found), task_callbacks=[
        dict(id=item['id'], task_id=int(task_id), type=item['type'], script=item['script']) for item in page])


# -- resolve_task_id ------------------------------------------------------------------------------

@SETTINGS
@given(tasks, st.dictionaries(st.integers(1, 50), st.one_of(task_names, st.sampled_from(['Alpha', '> x', 'x'])), max_size=5), st.integers(0, 2))
@example('Alpha', {1: 'Alpha'}, 1)  # two tasks of that name: neither is taken
def test_resolve_task_id_is_literal(task, server_tasks, namesakes):
    # Up to two more tasks carry exactly the name asked for: a name must match one task, never the first of several.
    server_tasks.update((100 + number, task) for number in range(namesakes))
    fake = FakeClient(tasks=server_tasks)
    named = sorted(task_id for task_id, name in server_tasks.items() if name == task)
    if not task.strip():
        with pytest.raises(NodeumError, match='task is empty'):
            resolve_task_id(fake, task)
        assert fake.calls == []
        return
    if task.isdigit() and task.isascii():
        assert resolve_task_id(fake, task) == int(task) and fake.calls == []
        return
    if len(named) == 1:
        assert resolve_task_id(fake, task) == named[0]
    else:
        with pytest.raises(NodeumError) as caught:
            resolve_task_id(fake, task)
        if named:
            expected = '%d Nodeum tasks are named %r (ids %s)' % (len(named), task, ', '.join(map(str, named)))
        else:
            expected = 'No Nodeum task is named %r' % task
        assert sentence(caught.value).startswith(expected), caught.value.message
    assert fake.calls == [('GET', 'tasks', {'name': '=' + task})]


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
    try:
        assert_client_honours(built, params, credentials)
    finally:
        built.close()


def assert_client_honours(built, params, credentials):
    """The client goes where url says, checks TLS as validate_certs and ca_path say, waits timeout, sends the credential."""
    assert built.base_url == client_module.normalize_base_url(params['url'])
    assert built.timeout == (params.get('timeout') or 30.0)
    validate_certs = params.get('validate_certs', True)
    assert built._verify == (params['ca_path'] if validate_certs and params.get('ca_path') else validate_certs)
    authorization = built._session.headers.get('Authorization')
    if credentials.get('username'):
        assert built._session.auth == (credentials['username'].encode('utf-8'), credentials['password'].encode('utf-8')) and authorization is None
    elif credentials.get('api_key'):
        prefix = credentials.get('api_key_prefix')
        assert authorization == ('%s %s' % (prefix, credentials['api_key']) if prefix else credentials['api_key']) and built._session.auth is None
    else:
        assert authorization == 'Bearer %s' % credentials['token'] and built._session.auth is None


@SETTINGS
@given(st.text(max_size=20).filter(lambda text: not set(text) & set(':@/?#')),
       st.text(min_size=1, max_size=20).filter(lambda text: not set(text) & set('@/?#')))
def test_url_secrets_find_the_password_of_a_url(user, password):
    url = 'https://%s:%s@nodeum.example.com:8443/x?y#z' % (user, password)
    assert url_secrets(url) == {url, '%s:%s' % (user, password), password}
    assert url_secrets(None) == set() and url_secrets('https://nodeum.example.com/a') == set()


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

@END_TO_END_SETTINGS
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
