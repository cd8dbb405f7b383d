# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the connection options: the argument spec and how credentials are chosen."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import socket

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection_options as connection
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError

SECRET = 'k3y-that-must-not-show'
NO_WARNINGS = [].append  # the client is built here, never asked to warn


def test_settings_have_an_environment_fallback_and_the_credentials_none():
    # The credentials are resolved as a group (resolve_credentials); a per-option fallback would mix them.
    spec = connection.connection_argument_spec()
    assert sorted(spec) == sorted(name for name, _type, _env, _default, _no_log in connection.CONNECTION_OPTIONS)
    for name, option_type, _env, default, no_log in connection.CONNECTION_OPTIONS:
        assert (spec[name]['type'], spec[name]['no_log'], spec[name].get('default')) == (option_type, no_log, default)
        assert ('fallback' in spec[name]) is (name not in connection.CREDENTIAL_OPTIONS)


def settings(params, monkeypatch, environ):
    """The connection settings as AnsibleModule's own validation gives them, with the environment given."""
    for name in connection.ENVIRONMENT_VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    validated = ArgumentSpecValidator(connection.connection_argument_spec()).validate(dict(params)).validated_parameters
    return dict((name, validated.get(name)) for name in ('url', 'validate_certs', 'ca_path', 'timeout'))


@pytest.mark.parametrize(
    'params, environ, expected',
    [
        ({}, {}, dict(url=None, validate_certs=True, ca_path=None, timeout=30.0)),
        (
            {},
            dict(
                NODEUM_URL='https://e.example.com',
                NODEUM_VALIDATE_CERTS='no',
                NODEUM_CA_PATH='~/ca.pem',
                NODEUM_TIMEOUT='7.5',
            ),
            dict(url='https://e.example.com', validate_certs=False, ca_path='/home/nodeum/ca.pem', timeout=7.5),
        ),
        (
            dict(url='https://t.example.com', validate_certs=True, timeout=3.0),
            dict(NODEUM_URL='https://e.example.com', NODEUM_VALIDATE_CERTS='false', NODEUM_TIMEOUT='9'),
            dict(url='https://t.example.com', validate_certs=True, ca_path=None, timeout=3.0),
        ),
        (
            dict(validate_certs=False),
            dict(NODEUM_VALIDATE_CERTS='true'),
            dict(url=None, validate_certs=False, ca_path=None, timeout=30.0),
        ),
        ({}, dict(NODEUM_URL='', NODEUM_TIMEOUT=''), dict(url=None, validate_certs=True, ca_path=None, timeout=30.0)),
    ],
)
def test_settings_come_from_the_task_then_the_environment_then_the_default(params, environ, expected, monkeypatch):
    monkeypatch.setenv('HOME', '/home/nodeum')
    assert settings(params, monkeypatch, environ) == expected


@pytest.mark.parametrize(
    'environ, message',
    [
        (
            dict(NODEUM_TIMEOUT='soon'),
            "The environment variable NODEUM_TIMEOUT holds 'soon', which is not a number of seconds; correct it or "
            "unset it.",
        ),
        (
            dict(NODEUM_VALIDATE_CERTS='maybe'),
            "The environment variable NODEUM_VALIDATE_CERTS holds 'maybe', which is not true or false; correct it or "
            "unset it.",
        ),
    ],
)
def test_an_unreadable_variable_leaves_the_default_and_is_refused_late_in_one_sentence(environ, message, monkeypatch):
    given = settings({}, monkeypatch, environ)
    assert given == dict(url=None, validate_certs=True, ca_path=None,
                         timeout=30.0)  # AnsibleModule itself does not fail
    with pytest.raises(NodeumError) as caught:
        connection.check_setting_variables(given, environ)
    assert caught.value.message == message


def test_an_unreadable_variable_the_task_overrides_is_never_read(monkeypatch):
    given = settings(dict(timeout=5.0, validate_certs=False), monkeypatch,
                     dict(NODEUM_TIMEOUT='soon', NODEUM_VALIDATE_CERTS='maybe'))
    assert given['timeout'] == 5.0
    connection.check_setting_variables(given, dict(NODEUM_TIMEOUT='soon', NODEUM_VALIDATE_CERTS='maybe'))


def test_readable_variables_pass_the_late_check():
    connection.check_setting_variables(
        dict(timeout=7.5, validate_certs=False, url='https://e', ca_path=None),
        dict(NODEUM_TIMEOUT='7.5', NODEUM_VALIDATE_CERTS='no', NODEUM_URL='https://e', NODEUM_TOKEN='t'),
    )


def test_secrets_to_mask_cover_environment_credentials_and_passwords_in_urls():
    env_url, task_url = 'https://u:env-url-secret@h.example.com', 'https://u:task-url-secret@h.example.com'
    environ = dict(NODEUM_PASSWORD=SECRET, NODEUM_USERNAME='u', NODEUM_URL=env_url)
    assert connection.secrets_to_mask({}, environ) == {SECRET} | connection.url_secrets(env_url)
    assert connection.secrets_to_mask(dict(url=task_url, api_key='k'), environ) == {
        'k'} | connection.url_secrets(env_url) | connection.url_secrets(task_url)
    assert 'task-url-secret' in connection.secrets_to_mask(dict(url=task_url), {})


def test_an_empty_secret_option_is_nothing_to_mask():
    # Masking '' would blank out every empty value of the result.
    assert connection.secrets_to_mask(dict(password='', api_key='', token='t0k'), {}) == {'t0k'}


def test_secrets_are_no_log():
    assert set(connection.SECRET_OPTIONS) == {'password', 'api_key', 'token'}


def test_task_credentials_win_over_the_environment_as_a_group():
    environ = {'NODEUM_USERNAME': 'awx', 'NODEUM_PASSWORD': 'pw'}
    assert connection.resolve_credentials({'api_key': SECRET}, environ) == {'api_key': SECRET}


def test_environment_credentials_apply_when_the_task_sets_none():
    environ = {'NODEUM_API_KEY': SECRET, 'NODEUM_API_KEY_PREFIX': 'Bearer'}
    assert connection.resolve_credentials({}, environ) == {'api_key': SECRET, 'api_key_prefix': 'Bearer'}


@pytest.mark.parametrize('params, environ, message', [
    ({}, {}, 'No credential is set'),
    ({}, {'NODEUM_TOKEN': 't', 'NODEUM_API_KEY': SECRET},
     'environment variables give more than one kind of credential (api_key, token)'),
    ({'username': 'u'}, {}, 'give a username without a password'),
    ({'password': SECRET}, {}, 'give a password without a username'),
    ({'api_key_prefix': 'Bearer'}, {}, 'api_key_prefix without api_key'),
])
def test_incomplete_or_mixed_credentials_fail_in_one_sentence(params, environ, message):
    with pytest.raises(NodeumError) as caught:
        connection.resolve_credentials(params, environ)
    assert message in caught.value.message
    assert SECRET not in caught.value.message


def test_header_credentials_are_built_per_kind():
    params = {'url': 'https://h.example.com', 'validate_certs': True, 'timeout': 5.0}
    client = connection.client_from_params(params, {'api_key': SECRET, 'api_key_prefix': 'Bearer'}, NO_WARNINGS)
    assert client._session.headers['Authorization'] == 'Bearer ' + SECRET
    client = connection.client_from_params(params, {'api_key': SECRET}, NO_WARNINGS)
    assert client._session.headers['Authorization'] == SECRET
    client = connection.client_from_params(params, {'token': 'jwt'}, NO_WARNINGS)
    assert client._session.headers['Authorization'] == 'Bearer jwt'
    client = connection.client_from_params(params, {'username': u'üser', 'password': SECRET}, NO_WARNINGS)
    assert client._session.auth == (u'üser'.encode('utf-8'), SECRET.encode('utf-8'))


@pytest.mark.parametrize('tls, verify', [
    ({}, True),
    ({'validate_certs': True}, True),
    ({'validate_certs': False}, False),
    ({'validate_certs': True, 'ca_path': __file__}, __file__),
    ({'validate_certs': False, 'ca_path': '/nonexistent/ca.pem'}, False),  # false means no check, whatever ca_path says
    ({'validate_certs': True, 'ca_path': None}, True),
])
def test_client_from_params_verifies_tls_as_validate_certs_and_ca_path_say(tls, verify, mocker):
    client = connection.client_from_params(
        dict({'url': 'https://h.example.com', 'timeout': 7.5}, **tls), {'token': 't'}, NO_WARNINGS)
    # What reaches requests is what counts: the verify argument of every request.
    answer = mocker.Mock(status_code=204, content=b'', headers={}, **{'iter_content.return_value': iter(())})
    sent = mocker.patch.object(client._session, 'request', return_value=answer)
    client.get('tasks')
    assert sent.call_args.kwargs['verify'] == verify
    assert sent.call_args.kwargs['timeout'] == 7.5
    assert sent.call_args.args == ('GET', 'https://h.example.com/api/v2/tasks')


def test_client_from_params_defaults_the_timeout_to_30_seconds():
    assert connection.client_from_params({'url': 'https://h'}, {'token': 't'}, NO_WARNINGS).timeout == 30.0
    assert connection.client_from_params({'url': 'https://h', 'timeout': None},
                                         {'token': 't'}, NO_WARNINGS).timeout == 30.0


def test_control_characters_in_a_credential_are_refused_without_quoting_it():
    with pytest.raises(NodeumError) as caught:
        connection.client_from_params({'url': 'https://h'}, {'api_key': SECRET + '\r\nX-Injected: 1'}, NO_WARNINGS)
    assert 'api_key holds a line break' in caught.value.message
    assert SECRET not in caught.value.message


def test_non_positive_timeout_is_refused():
    with pytest.raises(NodeumError, match='timeout must be a number of seconds above 0'):
        connection.client_from_params({'url': 'https://h', 'timeout': 0}, {'token': 't'}, NO_WARNINGS)


def test_warnings_for_plain_http_and_unverified_tls():
    assert 'plain http://' in connection.connection_warnings({'url': 'http://h'}, {'token': 't'})[0]
    assert 'validate_certs is false' in connection.connection_warnings(
        {'url': 'https://h', 'validate_certs': False}, {'token': 't'})[0]
    assert connection.connection_warnings({'url': 'https://h', 'validate_certs': True}, {'token': 't'}) == []


def test_module_constraints_merge_the_connection_rules_with_the_module_rules():
    merged = connection.module_constraints(
        {'required_if': [('state', 'present', ['script'])], 'mutually_exclusive': [('a', 'b')]})
    assert ('a', 'b') in merged['mutually_exclusive']
    assert ('username', 'api_key', 'token') in merged['mutually_exclusive']
    assert merged['required_if'] == [('state', 'present', ['script'])]
    assert ('a', 'b') not in connection.CONNECTION_CONSTRAINTS['mutually_exclusive']


def test_environment_secrets_are_masked_only_when_the_environment_supplies_the_credential():
    environ = {'NODEUM_USERNAME': 'awx', 'NODEUM_PASSWORD': SECRET, 'NODEUM_TOKEN': 'jwt-secret'}
    assert connection.environment_secrets({}, environ) == {SECRET, 'jwt-secret'}
    assert connection.environment_secrets({'api_key': 'k'}, environ) == set()


def test_a_module_spec_adds_its_options_to_the_connection_options():
    spec = connection.module_argument_spec({'task': dict(type='str', required=True)})
    assert spec['task'] == dict(type='str', required=True)
    assert set(spec) == {'task'} | set(name for name, _type, _env, _default, _no_log in connection.CONNECTION_OPTIONS)


def test_module_constraints_merge_dict_rules_and_leave_the_table_alone():
    merged = connection.module_constraints({'required_by': {'limit': 'task'}})
    assert merged['required_by'] == {'api_key_prefix': 'api_key', 'limit': 'task'}
    assert merged['mutually_exclusive'] == connection.CONNECTION_CONSTRAINTS['mutually_exclusive']
    assert merged['required_together'] == [('username', 'password')]
    assert connection.CONNECTION_CONSTRAINTS['required_by'] == {'api_key_prefix': 'api_key'}
    assert connection.module_constraints({'required_one_of': [('a', 'b')]})['required_one_of'] == [('a', 'b')]


def test_module_constraints_take_a_dict_rule_the_connection_lacks():
    # A keyword of the module's own that the connection table has no entry for starts empty.
    merged = connection.module_constraints({'other_by': {'limit': 'task'}})
    assert merged['other_by'] == {'limit': 'task'}
    assert merged['required_by'] == {'api_key_prefix': 'api_key'}


@pytest.mark.parametrize('params, environ, message', [
    ({}, {}, 'No credential is set; give username and password, api_key or token, or set NODEUM_USERNAME and '
             'NODEUM_PASSWORD, '
             'NODEUM_API_KEY or NODEUM_TOKEN.'),
    ({'username': 'u', 'token': 't'}, {}, "The task's options give more than one kind of credential (username, token); "
                                          "keep exactly one: "
                                          'username and password, api_key, or token.'),
    ({}, {'NODEUM_PASSWORD': 'p'},
     'The NODEUM_* environment variables give a password without a username; give both, or use api_key or token.'),
    ({'username': 'u'}, {}, "The task's options give a username without a password; give both."),
    ({'token': 't', 'api_key_prefix': 'Bearer'}, {},
     "The task's options give api_key_prefix without api_key; give the key too, or drop the prefix."),
    ({'api_key_prefix': 'Bearer'}, {}, "The task's options give api_key_prefix without api_key; give the key too, or "
                                       "drop the prefix."),
    ({'api_key': ''}, {}, "The task's options give no credential; give username and password, api_key or token."),
])
def test_credential_failures_are_exact_sentences(params, environ, message):
    with pytest.raises(NodeumError) as caught:
        connection.resolve_credentials(params, environ)
    assert caught.value.message == message


def test_environment_credentials_are_read_from_their_variables(monkeypatch):
    monkeypatch.setenv('NODEUM_USERNAME', 'awx')
    monkeypatch.setenv('NODEUM_PASSWORD', SECRET)
    monkeypatch.setenv('NODEUM_TOKEN', '')  # set but empty: not a credential
    assert connection.resolve_credentials({}) == {'username': 'awx', 'password': SECRET}
    assert connection.resolve_credentials({'api_key': 'k'}) == {'api_key': 'k'}
    assert connection.environment_secrets({}) == {SECRET}


def test_environment_secrets_are_the_secret_variables_only():
    environ = {'NODEUM_USERNAME': 'awx', 'NODEUM_API_KEY': 'key',
               'NODEUM_API_KEY_PREFIX': 'Bearer', 'NODEUM_PASSWORD': ''}
    assert connection.environment_secrets({}, environ) == {'key'}
    assert connection.environment_secrets({'api_key_prefix': 'X'}, environ) == set()


def test_the_warnings_name_the_url_and_what_to_do():
    assert connection.connection_warnings({'url': 'http://h'}, {'token': 't'}) == [
        'The credentials are sent over plain http:// to http://h/api/v2; use https:// outside a test lab.']
    assert connection.connection_warnings({'url': 'http://h'}, {}) == []
    assert connection.connection_warnings({'url': 'https://h', 'validate_certs': False}, {'token': 't'}) == [
        'validate_certs is false: the identity of https://h/api/v2 is not checked; set ca_path instead where you can.']
    assert connection.connection_warnings({'url': 'http://h', 'validate_certs': False}, {}) == []
    assert connection.connection_warnings({'url': 'https://h', 'validate_certs': None}, {'token': 't'}) == []


@pytest.mark.parametrize('url, userinfo, password', [
    ('https://admin:pw@h.example.com/x', 'admin:pw', 'pw'),
    # the user information follows the first '//', not a later one
    ('https://admin:pw@h.example.com//x//y', 'admin:pw', 'pw'),
    ('https://admin:p:w@h.example.com', 'admin:p:w', 'p:w'),
    ('https://a@b:pw@h.example.com', 'a@b:pw', 'pw'),  # the last '@' ends the user information
    ('http://u:pa/ss@h.example.com', 'u:pa/ss', 'pa/ss'),  # a '/' does not end it (urlsplit would find the host 'u')
    ('http://u:1234/ss@h.example.com', 'u:1234/ss', '1234/ss'),
    ('http://:pw@h.example.com', ':pw', 'pw'),
    ('https://admin@h.example.com', 'admin', None),  # a bare user name may be a token
    ('https://h.example.com/a:b@c', 'h.example.com/a:b', 'b'),  # an '@' anywhere counts: a server root needs none
    ('https://h.example.com?u=a:b@c', 'h.example.com?u=a:b', 'b'),
    ('https://h.example.com#a:b@c', 'h.example.com#a:b', 'b'),
    ('h.example.com:pw@x', 'h.example.com:pw', 'pw'),
    (' https://u:pw@h ', 'u:pw', 'pw'),
])
def test_url_secrets_are_the_url_its_user_information_and_its_password(url, userinfo, password):
    expected = set(value for value in (url, url.strip(), userinfo, password) if value)
    assert connection.url_secrets(url) == expected


@pytest.mark.parametrize('url', [None, 42, 'https://h.example.com/x', 'http://@h.example.com'])
def test_a_url_without_user_information_has_nothing_to_mask(url):
    assert connection.url_secrets(url) == set()


@pytest.mark.parametrize('credentials, message', [
    ({'username': 'u', 'password': 'p\x7f'}, 'password holds a line break or another control character; check how the '
                                             'value is set.'),
    ({'token': 'a\x1fb'}, 'token holds a line break or another control character; check how the value is set.'),
    ({'api_key': 'k', 'api_key_prefix': 'Bearer\n'},
     'api_key_prefix holds a line break or another control character; check how the value is set.'),
])
def test_every_credential_is_checked_for_control_characters(credentials, message):
    with pytest.raises(NodeumError) as caught:
        connection.client_from_params({'url': 'https://h'}, credentials, NO_WARNINGS)
    assert caught.value.message == message


@pytest.mark.parametrize('credentials', [{'token': 'abc\u201d'}, {'api_key': '\u043a\u043b\u044e\u0447'},
                                         {'api_key': 'k', 'api_key_prefix': 'Bearer\u2002'}])
def test_a_header_credential_beyond_latin_1_is_refused_without_showing_it(credentials):
    name = sorted(credentials)[-1] if 'api_key_prefix' in credentials else list(credentials)[0]
    with pytest.raises(NodeumError) as caught:
        connection.client_from_params({'url': 'https://h'}, credentials, NO_WARNINGS)
    assert caught.value.message == ('%s holds a character that an HTTP header cannot carry (beyond Latin-1, such as a '
                                    'typographic '
                                    'quote or a character of another alphabet); check how the value is set.' % name)


def test_a_user_name_and_password_beyond_latin_1_are_sent_as_utf_8():
    client = connection.client_from_params(
        {'url': 'https://h'}, {'username': '\u7528\u6237', 'password': 'p\u2019'}, NO_WARNINGS)
    assert client._session.auth == ('\u7528\u6237'.encode('utf-8'), 'p\u2019'.encode('utf-8'))


def test_printable_credentials_pass_the_control_character_check():
    client = connection.client_from_params({'url': 'https://h'}, {'token': ' ~é'}, NO_WARNINGS)
    assert client._session.headers['Authorization'] == 'Bearer  ~é'


@pytest.mark.parametrize('timeout', [-2.5, 0, 1e308, float('inf'), float('nan')])
def test_a_timeout_out_of_range_is_refused_by_the_client(timeout):
    with pytest.raises(NodeumError, match='^timeout must be a number of seconds above 0 and at most 3600'):
        connection.client_from_params({'url': 'https://h', 'timeout': timeout}, {'token': 't'}, NO_WARNINGS)


def test_a_timeout_in_range_is_kept():
    assert connection.client_from_params({'url': 'https://h', 'timeout': 0.5},
                                         {'token': 't'}, NO_WARNINGS).timeout == 0.5


def test_without_a_credential_the_client_sends_none():
    client = connection.client_from_params({'url': 'https://h'}, {}, NO_WARNINGS)
    assert client._session.auth is None and 'Authorization' not in client._session.headers


# -- the checks of url, timeout and ca_path, before any request ----------------------------------

def test_base_url_gets_the_api_root_once():
    assert connection.normalize_base_url('https://h.example.com') == 'https://h.example.com/api/v2'
    assert connection.normalize_base_url('https://h.example.com/') == 'https://h.example.com/api/v2'
    assert connection.normalize_base_url('https://h.example.com/api/v2/') == 'https://h.example.com/api/v2'
    assert connection.normalize_base_url('http://h:8787/prefix') == 'http://h:8787/prefix/api/v2'
    assert connection.normalize_base_url('http://h/BOX/') == 'http://h/BOX/api/v2'
    assert connection.normalize_base_url(' https://h:1 ') == 'https://h:1/api/v2'


NOT_SET = 'The Nodeum url is not set; give the url option or set NODEUM_URL, for example https://nodeum.example.com.'
NOT_USABLE = ('The Nodeum url %r is not an http:// or https:// URL with a host; give the server root, for example '
              'https://nodeum.example.com.')


@pytest.mark.parametrize('url, message', [
    ('', NOT_SET),
    (None, NOT_SET),
    (8787, NOT_SET),
    ('ftp://h', NOT_USABLE % 'ftp://h'),
    ('nodeum.example.com', NOT_USABLE % 'nodeum.example.com'),
    ('https://', NOT_USABLE % 'https://'),
    ('https://h:0', NOT_USABLE % 'https://h:0'),
    ('https://h:port', NOT_USABLE % 'https://h:port'),
    ('ftp://admin:%s@h/x' % SECRET, NOT_USABLE % 'ftp://h/x'),
    ('%s@h.example.com' % SECRET, NOT_USABLE % 'h.example.com'),
])
def test_unusable_urls_are_refused_in_one_sentence(url, message):
    with pytest.raises(NodeumError) as caught:
        connection.normalize_base_url(url)
    assert caught.value.message == message


@pytest.mark.parametrize(
    'url',
    [
        'https://admin:%s@h.example.com' % SECRET,
        'https://admin@h.example.com',
        'https://:%s@h.example.com' % SECRET,
        'http://admin:%s/x@h.example.com' % SECRET,
        'http://admin:1234/%s@h.example.com' % SECRET,
        'https://h.example.com/%s@x' % SECRET,
        'http://@h.example.com',
    ],
)
def test_url_with_credentials_is_refused_without_repeating_them(url):
    with pytest.raises(NodeumError) as caught:
        connection.normalize_base_url(url)
    assert caught.value.message == ('The Nodeum url holds credentials (text before an @); remove them from the URL and '
                                    'use username and '
                                    'password, api_key or token instead.')


def test_a_url_with_user_information_is_refused_without_a_name_lookup(monkeypatch):
    def no_lookup(*args, **kwargs):
        raise AssertionError('looked up %r' % (args,))
    monkeypatch.setattr(socket, 'getaddrinfo', no_lookup)
    with pytest.raises(NodeumError, match='^The Nodeum url holds credentials'):
        connection.client_from_params({'url': 'http://someuser:1234/%s@nodeum.example.com' % SECRET},
                                      {'username': 'admin', 'password': SECRET}, NO_WARNINGS)


@pytest.mark.parametrize('timeout', [0, -1, 1e308, float('inf'), float('-inf'), float('nan'), 3600.5, 'soon', None])
def test_a_timeout_out_of_range_is_refused(timeout):
    with pytest.raises(NodeumError) as caught:
        connection.checked_timeout(timeout)
    assert caught.value.message.startswith(
        'timeout must be a number of seconds above 0 and at most 3600 (one hour), got ')


def test_the_timeout_refusal_is_one_sentence_with_the_bound():
    with pytest.raises(NodeumError) as caught:
        connection.checked_timeout(1e308)
    assert caught.value.message == ('timeout must be a number of seconds above 0 and at most 3600 (one hour), got '
                                    '1e+308; give how long '
                                    'to wait for each answer, for example 30.')


@pytest.mark.parametrize('timeout', [0.001, 30, '7.5', 3600])
def test_a_timeout_in_range_is_seconds(timeout):
    assert connection.checked_timeout(timeout) == float(timeout)


CA_ADVICE = 'give the path of a PEM file of CA certificates on the host that runs the module.'


def test_a_missing_ca_path_is_refused_before_any_request(tmp_path):
    missing = str(tmp_path / 'nowhere' / 'ca.pem')
    with pytest.raises(NodeumError) as caught:
        connection.client_from_params({'url': 'https://h.example.com', 'ca_path': missing}, {'token': 't'}, NO_WARNINGS)
    assert caught.value.message == 'ca_path %r does not exist; %s' % (missing, CA_ADVICE)


def test_a_ca_path_that_is_a_directory_is_refused(tmp_path):
    with pytest.raises(NodeumError) as caught:
        connection.checked_ca_path(str(tmp_path))
    assert caught.value.message == 'ca_path %r is not a file; %s' % (str(tmp_path), CA_ADVICE)


def test_an_unreadable_ca_path_is_refused_with_the_reason(tmp_path, monkeypatch):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('x')

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, 'Permission denied')
    monkeypatch.setattr('builtins.open', denied)  # root reads every file: the refusal is simulated
    with pytest.raises(NodeumError) as caught:
        connection.checked_ca_path(str(bundle))
    assert caught.value.message == 'ca_path %r cannot be read (Permission denied); %s' % (str(bundle), CA_ADVICE)
