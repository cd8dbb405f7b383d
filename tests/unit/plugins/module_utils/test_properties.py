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

from urllib.parse import quote

import pytest
import requests

from hypothesis import HealthCheck, assume, example, given, settings, strategies as st  # noqa: E402

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402

from ansible_collections.nodeum.data_archiving.plugins.module_utils import (  # noqa: E402
    connection_options as connection,
    errors,
    task_callback,
    task_callback_info,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError  # noqa: E402
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection_options import (  # noqa: E402
    client_from_params, resolve_credentials, url_secrets,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import (  # noqa: E402
    desired_state, ensure_task_callback,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback_info import (  # noqa: E402
    list_query,
    read_task_callbacks,
)
from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import resolve_task_id  # noqa: E402

# How many examples, seeds and health checks come from the profile tests/unit/conftest.py loads.
SETTINGS = settings(suppress_health_check=list(settings().suppress_health_check) +
                    [HealthCheck.function_scoped_fixture])
ADMIN = ('admin', 'nodeum-demo-password')
# The end-to-end test builds scripts of up to 1 MiB: it tries fewer examples than the others.
END_TO_END_SETTINGS = settings(SETTINGS, max_examples=max(10, settings.default.max_examples * 2 // 5))

# -- strategies ---------------------------------------------------------------------------------

OPERATORS = ['', '=', '!=', '>', '>=', '<', '<=', '><', '!><', '~', '!~']
SPECIALS = st.sampled_from(['/', '%', '?', '#', ' ', '\x00', '\t', '\n', 'é', '☃', '東京', '%2F', '..', '|', '_'])
any_text = st.text(max_size=40)
task_names = st.builds(lambda operator, parts: operator + ''.join(parts), st.sampled_from(OPERATORS),
                       st.lists(st.one_of(SPECIALS, st.text(max_size=6)), max_size=8))
big_scripts = st.builds(lambda piece, times: piece * times, st.text(min_size=1,
                        max_size=64), st.integers(1, 1024 * 1024 // 64))
scripts = st.one_of(st.none(), any_text, big_scripts, st.sampled_from(['', ' ', '\r\n\t', 'a\x00b', 'x\r\n']))
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=False),
    any_text,
    st.lists(any_text, max_size=3),
    st.dictionaries(any_text, any_text, max_size=2),
)
callback_ids = st.one_of(st.none(), st.integers(-5, 10 ** 12))
tasks = st.one_of(task_names, st.integers(0, 10 ** 6).map(str), st.sampled_from(['', ' ', '007', '٣', '1.5', '-1']))


def sentence(error):
    """A NodeumError's text is one line that ends a sentence."""
    message = error.message
    assert isinstance(message, str) and message.strip() and '\n' not in message.replace('\\n', ''), message
    assert message.endswith('.'), message
    return message


# -- desired_state ---------------------------------------------------------------------

# Typed as the argument spec makes them (the logic only ever gets validated options), random content.
task_callback_params = st.fixed_dictionaries({}, optional={
    'task': tasks, 'callback_id': callback_ids, 'type': st.one_of(st.none(), st.just('filter'), any_text),
    'script': scripts, 'state': st.one_of(st.none(), st.sampled_from(['present', 'absent']), any_text),
})
# Anything at all, as a playbook could write it: it goes through the module's argument spec first.
raw_task_callback_params = st.fixed_dictionaries(
    {},
    optional={
        'task': st.one_of(st.sampled_from(['1', 'Bravo']), tasks, junk),
        'callback_id': st.one_of(callback_ids, callback_ids, junk),
        'type': st.one_of(st.just('filter'), st.just('filter'), any_text, junk),
        'script': st.one_of(scripts, scripts, junk),
        'state': st.one_of(
            st.sampled_from(['present', 'absent']), st.sampled_from(['present', 'absent']), any_text, junk
        ),
        'url': st.just('http://127.0.0.1:9'),
        'api_key': st.just('k'),
    },
)


def validated(options, constraints, raw):
    """The options as AnsibleModule (and the action plugin) would pass them on, or None when Ansible refuses them."""
    spec = connection.module_argument_spec(options)
    for entry in spec.values():
        entry.pop('fallback', None)  # the environment of the test run is not the task's
    try:
        result = ArgumentSpecValidator(spec, **connection.module_constraints(constraints)).validate(raw)
    except OverflowError:  # ansible-core's own int check fails so on 'INFINITY': Ansible stops before the module
        return None
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


callback_lists = st.lists(
    st.builds(
        lambda number, script: {'id': number, 'type': 'filter', 'script': script},
        st.integers(1, 10**6),
        st.one_of(any_text, st.sampled_from(['x', 'x\r\n', 'x '])),
    ),
    max_size=4,
    unique_by=lambda item: item['id'],
)


# -- list_query -------------------------------------------------------------------------------------

# Most tasks and half of the filters are ones the emulator holds, so that the success path is taken often.
known_tasks = st.sampled_from(['1', '2', '3', '4', 'Bravo', 'Alpha'])
known_filters = st.sampled_from(['', '=filter', '=other', '=s1', '=12', '=13', '~s%', '!=s2'])
# With a task: the inventory form (no task) has its own tests in test_task_callback_info.py.
# Seven in ten tasks are known (one_of alone picks its first branch too rarely for that).
mostly_known_tasks = st.integers(0, 9).flatmap(lambda draw: known_tasks if draw <
                                               7 else st.one_of(tasks, junk.filter(lambda value: value is not None)))
info_params = st.fixed_dictionaries(
    {'task': mostly_known_tasks},
    optional={
        'callback_id': st.one_of(st.integers(9, 14), callback_ids, junk),
        'id': st.one_of(st.none(), known_filters, any_text, junk),
        'type': st.one_of(st.none(), known_filters, any_text),
        'script': st.one_of(st.none(), known_filters, any_text),
        'sort_by': st.one_of(
            st.none(),
            st.lists(
                st.one_of(st.sampled_from(['id', 'type:desc', 'script:asc', 'name', 'id:up', '']), any_text), max_size=3
            ),
        ),
        'limit': st.one_of(st.none(), st.integers(1, 8), st.integers(-3, 5000)),
        'offset': st.one_of(st.none(), st.integers(0, 8), st.integers(-3, 5000)),
    },
)


# Tasks 1 to 3 hold callbacks, so that filters and paging have something to keep or drop.
INFO_TASKS = {1: 'Alpha', 2: 'Bravo', 3: 'Alpha'}
INFO_CALLBACKS = [
    dict(id=number, task_id=1 + number % 3, type='filter' if number % 4 else 'other', script='s%d' % (number % 5))
    for number in range(10, 30)
]


def emulator_answer(nodeum, path, params=None):
    """The emulator's own answer to a GET (status, JSON body), asked directly, not through the collection's client."""
    answer = requests.get(nodeum.control.api_url + '/' + path, params=params, auth=ADMIN, timeout=30)
    return answer.status_code, answer.json()


def emulator_listing(nodeum, task, params):
    """What the emulator holds for a task reference and the user's filters, by its own rules (names and ids in the path,
    filter operators, sort_by with the official client's ',' separator), read directly; callback_id keeps the callback
    of that id;
    None when the emulator answers 400 or 404."""
    filters = dict((name, params[name]) for name in ('id', 'type', 'script') if params.get(name) is not None)
    if params.get('sort_by'):
        filters['sort_by'] = ','.join(params['sort_by'])
    status, body = emulator_answer(nodeum, 'tasks/%s/task_callbacks' % quote(task, safe=''), filters)
    if status != 200:
        return None
    found = body['task_callbacks']
    return (
        [item for item in found if item['id'] == params['callback_id']]
        if params.get('callback_id') is not None
        else found
    )


@SETTINGS
@given(info_params)
@example({'task': '1', 'script': ''})  # a filter passed on as given: an earlier fake wanted '=' on every filter
@example({'task': '2', 'type': '~fil%', 'limit': 1, 'offset': 1})
@example({'task': 'Alpha'})  # a name two tasks share
@example({'task': 'Bravo', 'callback_id': 11, 'offset': 1})  # the callback is there, but not on the page asked for
@example({'task': '1', 'sort_by': ['type:desc', 'id']})  # the entries in their order
def test_read_task_callbacks_answers_what_the_emulator_holds(new_nodeum, params):
    params = validated(task_callback_info.OPTIONS, task_callback_info.CONSTRAINTS,
                       dict(params, url='http://127.0.0.1:9', api_key='k'))
    assume(params is not None)
    nodeum = new_nodeum().load(tasks=INFO_TASKS, callbacks=INFO_CALLBACKS)
    try:
        list_query(params)
    except NodeumError as error:
        sentence(error)
        with pytest.raises(NodeumError):
            read_task_callbacks(nodeum.client, params, nodeum.context())
        assert nodeum.requests() == [], 'invalid input sent requests'
        return
    namesakes = [task_id for task_id, name in INFO_TASKS.items() if name == params['task']]
    held = emulator_listing(nodeum, params['task'], params)
    # what the options mean: skip offset, then at most limit
    offset, limit = params.get('offset') or 0, params.get('limit')
    page = None if held is None else held[offset:None if limit is None else offset + limit]
    try:
        result = read_task_callbacks(nodeum.client, params, nodeum.context())
    except NodeumError as error:
        message = sentence(error)
        # The only ways to fail: a name several tasks share, what the emulator refuses or cannot find, a callback_id not
        # on the page.
        assert len(namesakes) > 1 or held is None or (params.get('callback_id') is not None and not page), message
        return
    assert len(namesakes) < 2 and held is not None and (params.get('callback_id') is None or page)
    status, task = emulator_answer(nodeum, 'tasks/%s' % quote(params['task'], safe=''))
    assert status == 200 and result == dict(changed=False, count=len(held), task_callbacks=[
                                            dict(item, task_id=task['id']) for item in page])


# -- resolve_task_id ------------------------------------------------------------------------------


@SETTINGS
@given(
    tasks,
    st.dictionaries(st.integers(1, 50), st.one_of(task_names, st.sampled_from(['Alpha', '> x', 'x'])), max_size=5),
    st.integers(0, 2),
)
@example('Alpha', {1: 'Alpha'}, 1)  # two tasks of that name: neither is taken
@example('7', {7: 'x', 8: '7'}, 0)  # digits are an id, also where a task carries them as its name
def test_resolve_task_id_agrees_with_the_emulator(new_nodeum, task, server_tasks, namesakes):
    # Up to two more tasks carry exactly the name asked for: a name must match one task, never the first of several.
    server_tasks.update((100 + number, task) for number in range(namesakes))
    nodeum = new_nodeum().load(tasks=server_tasks)
    named = sorted(task_id for task_id, name in server_tasks.items() if name == task)
    try:
        resolved = resolve_task_id(nodeum.client, task)
    except NodeumError as error:
        message = sentence(error)
        assert not task.strip() or len(named) != 1, message
        assert nodeum.requests() == ([('GET', 'tasks', {'name': '=' + task})]
                                     if task.strip() else []), 'a name is looked up literally'
        return
    sent = nodeum.requests()
    status, found = emulator_answer(nodeum, 'tasks/%s' % quote(task, safe=''))
    if sent:  # a name: looked up literally, and only a name one task carries is taken
        assert sent == [('GET', 'tasks', {'name': '=' + task})] and named == [resolved] and found['id'] == resolved
    else:  # an id, as the emulator reads it too
        assert status == 404 or found['id'] == resolved


# -- client_from_params, resolve_credentials, url_secrets ----------------------------------------------

# Secrets are recognisable, so that a message that repeats one is caught.
secrets = st.builds(lambda text: 'Zq7-' + text, st.text(max_size=12))
connection_params = st.fixed_dictionaries(
    {},
    optional={
        'url': st.one_of(
            st.sampled_from(
                [
                    'http://127.0.0.1:9',
                    'https://nodeum.example.com/api/v2/',
                    'ftp://x',
                    'http://u:p@h',
                    'http://[::1',
                    'https://',
                    '',
                ]
            ),
            any_text,
        ),
        'username': st.one_of(st.none(), any_text),
        'password': st.one_of(st.none(), secrets),
        'api_key': st.one_of(st.none(), secrets),
        'api_key_prefix': st.one_of(st.none(), any_text),
        'token': st.one_of(st.none(), secrets),
        'validate_certs': st.booleans(),
        'ca_path': st.one_of(st.none(), any_text),
        'timeout': st.one_of(st.none(), st.floats(-5, 1e6)),
    },
)


@SETTINGS
@given(
    connection_params,
    st.dictionaries(st.sampled_from(['NODEUM_USERNAME', 'NODEUM_PASSWORD', 'NODEUM_API_KEY', 'NODEUM_TOKEN']), secrets),
)
def test_client_from_params_builds_or_says_why(params, environ):
    try:
        credentials = resolve_credentials(params, environ)
        built = client_from_params(params, credentials, [].append)
    except NodeumError as error:
        message = sentence(error)
        shown = [value for value in list(params.values()) + list(environ.values())
                 if isinstance(value, str) and value.startswith('Zq7-')]
        assert not [value for value in shown if value in message], 'a failure message repeats a secret: %s' % message
        return
    try:
        assert_client_honours(built, params, credentials)
    finally:
        built.close()


def assert_client_honours(built, params, credentials):
    """The client goes where url says, checks TLS as validate_certs and ca_path say, waits timeout, sends the
    credential."""
    assert built.base_url == connection.normalize_base_url(params['url'])
    assert built.timeout == (params.get('timeout') or 30.0)
    validate_certs = params.get('validate_certs', True)
    assert built._verify == (params['ca_path'] if validate_certs and params.get('ca_path') else validate_certs)
    authorization = built._session.headers.get('Authorization')
    if credentials.get('username'):
        assert built._session.auth == (credentials['username'].encode(
            'utf-8'), credentials['password'].encode('utf-8')) and authorization is None
    elif credentials.get('api_key'):
        prefix = credentials.get('api_key_prefix')
        assert authorization == ('%s %s' % (
            prefix, credentials['api_key']) if prefix else credentials['api_key']) and built._session.auth is None
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
@given(
    st.one_of(
        any_text,
        st.builds(
            lambda scheme, rest: scheme + rest,
            st.sampled_from(['http://', 'https://', 'http://[', 'https://u:p@']),
            any_text,
        ),
    )
)
def test_any_url_is_accepted_or_refused_in_one_sentence(url):
    try:
        normalized = connection.normalize_base_url(url)
    except NodeumError as error:
        sentence(error)
        return
    assert normalized.startswith(('http://', 'https://')) and normalized.endswith('/api/v2')


# -- ensure_task_callback end to end against the emulator: no other exception, no request when invalid ---------


@END_TO_END_SETTINGS
@given(raw_task_callback_params, callback_lists, st.booleans())
@example(
    dict(task='1', script='x\r\n', url='http://127.0.0.1:9', api_key='k'),
    [dict(id=5, type='filter', script='x')],
    False,
)
@example(dict(task='Bravo', state='absent', url='http://127.0.0.1:9', api_key='k'), [], False)
def test_ensure_task_callback_never_raises_anything_else(new_nodeum, raw, existing, check_mode):
    params = validated(task_callback.OPTIONS, task_callback.CONSTRAINTS, raw)
    assume(params is not None)
    nodeum = new_nodeum().load(tasks={1: 'Alpha', 2: 'Bravo', 3: 'Alpha'},
                               callbacks=[dict(item, task_id=1) for item in existing])
    try:
        desired_state(params)
        valid = True
    except NodeumError:
        valid = False
    try:
        result = ensure_task_callback(nodeum.client, params, nodeum.context(check_mode=check_mode))
    except NodeumError as error:
        sentence(error)
        if not valid:
            assert nodeum.requests() == [], 'invalid input sent requests: %s' % nodeum.requests()
        return
    assert valid and isinstance(result['changed'], bool)
    if check_mode:
        assert nodeum.writes() == []
        return
    # What the emulator then holds is what was asked for, and a second run finds nothing to do.
    callback = result['task_callback']
    if params.get('state', 'present') == 'absent':
        assert callback is None
    else:
        assert nodeum.callbacks()[callback['id']] == params['script'] == callback['script']
    nodeum.control.reset_requests()
    assert ensure_task_callback(nodeum.client, params, nodeum.context())['changed'] is False and nodeum.writes() == []


def test_the_collection_has_one_error_type():
    assert issubclass(errors.NodeumNotFound, errors.NodeumError)
