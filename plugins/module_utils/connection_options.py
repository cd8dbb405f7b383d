# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, declared once.

One table gives every option its type, environment variable, default and secrecy. The argument
spec of each module comes from it (with the environment fallbacks and the defaults, so that
validate-modules compares them with the docs), and so does the client; the doc fragment
plugins/doc_fragments/connection.py documents the same table for ansible-doc.

The credentials are taken as a group, so they have no per-option fallback: when a task sets any of
them (directly or through module_defaults), the credential variables of the environment are
ignored. A per-option fallback would mix an AWX-injected NODEUM_USERNAME with a play's api_key and
fail on "more than one kind of credential"; the group rule gives the play the last word instead.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from urllib.parse import urlsplit, urlunsplit

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import API_ROOT, NodeumClient
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError
from ansible_collections.nodeum.data_archiving.plugins.module_utils.transport_failures import (
    seconds_text,
    split_userinfo,
)

# (option, type, environment variable, default, no_log)
CONNECTION_OPTIONS = (
    ('url', 'str', 'NODEUM_URL', None, False),
    ('username', 'str', 'NODEUM_USERNAME', None, False),
    ('password', 'str', 'NODEUM_PASSWORD', None, True),
    ('api_key', 'str', 'NODEUM_API_KEY', None, True),
    ('api_key_prefix', 'str', 'NODEUM_API_KEY_PREFIX', None, False),
    ('token', 'str', 'NODEUM_TOKEN', None, True),
    ('validate_certs', 'bool', 'NODEUM_VALIDATE_CERTS', True, False),
    ('ca_path', 'path', 'NODEUM_CA_PATH', None, False),
    ('timeout', 'float', 'NODEUM_TIMEOUT', 30.0, False),
)

CREDENTIAL_OPTIONS = ('username', 'password', 'api_key', 'api_key_prefix', 'token')
SECRET_OPTIONS = tuple(name for name, _type, _env, _default, no_log in CONNECTION_OPTIONS if no_log)
ENVIRONMENT_VARIABLES = dict((name, env) for name, _type, env, _default, _no_log in CONNECTION_OPTIONS)
DEFAULTS = dict((name, default) for name, _type, _env, default, _no_log in CONNECTION_OPTIONS)

# Exactly one kind of credential in the task's options: a user (with its password), an API key,
# or a token. resolve_credentials() applies the same rule to the environment's credentials.
CONNECTION_CONSTRAINTS = dict(
    mutually_exclusive=[('username', 'api_key', 'token'), ('password', 'api_key', 'token')],
    required_together=[('username', 'password')],
    required_by={'api_key_prefix': 'api_key'},
)


def connection_argument_spec():
    """The argument spec entries of the connection options, with their fallbacks and defaults.

    The settings fall back to their NODEUM_* variable one by one; the credentials do not (they
    are resolved as a group by resolve_credentials()).
    """
    spec = {}
    for name, option_type, env, default, no_log in CONNECTION_OPTIONS:
        # no_log is explicit either way: validate-modules asks it of options whose names look secret (api_key_prefix).
        entry = dict(type=option_type, no_log=no_log)
        if name not in CREDENTIAL_OPTIONS:
            entry['fallback'] = (environment_fallback, [env, option_type])
        if default is not None:
            entry['default'] = default
        spec[name] = entry
    return spec


def environment_fallback(env, option_type):
    """An option's value from its NODEUM_* variable, as the option's type; unset when the variable is empty.

    A variable that cannot be read as the type is left unset here (the option takes its default), and
    check_setting_variables() refuses it later in the module's own words: a fallback cannot fail the
    module itself, AnsibleModule would report a traceback, or its own words without the variable.
    """
    # here: the client's unit tests import this file without ansible
    from ansible.module_utils.errors import AnsibleFallbackNotFound
    text = os.environ.get(env)
    if not text:
        raise AnsibleFallbackNotFound
    try:
        return _environment_value(option_type, env, text)
    except NodeumError:
        raise AnsibleFallbackNotFound from None


def module_argument_spec(resource_spec):
    """A module's full argument spec: its own options plus the connection options."""
    spec = connection_argument_spec()
    spec.update(resource_spec)
    return spec


def module_constraints(resource_constraints):
    """The AnsibleModule constraint keywords of a module: the connection's plus its own."""
    merged = dict((key, list(value) if isinstance(value, list) else dict(value))
                  for key, value in CONNECTION_CONSTRAINTS.items())
    for key, value in resource_constraints.items():
        if isinstance(value, list):
            merged[key] = merged.get(key, []) + list(value)
        else:
            merged.setdefault(key, {}).update(value)
    return merged


def _environment_value(option_type, env, text):
    """The value of a variable as its option's type, as Ansible's own type checks would convert it."""
    # here: the client's unit tests import this file without ansible
    from ansible.module_utils.parsing.convert_bool import boolean
    try:
        if option_type == 'bool':
            return boolean(text, strict=True)
        if option_type == 'float':
            return float(text)
    except (TypeError, ValueError):
        expected = 'true or false' if option_type == 'bool' else 'a number of seconds'
        raise NodeumError('The environment variable %s holds %r, which is not %s; correct it or unset it.' %
                          (env, text, expected)) from None
    if option_type == 'path':
        return os.path.expanduser(os.path.expandvars(text))
    return text


def check_setting_variables(params, environ):
    """Refuse, in one sentence, a NODEUM_* variable of a setting that cannot be read as the option's type.

    Late, beside the credential rule, from the environment the module runs with: a setting the task
    gives (other than its default) never reads its variable, so a broken one there is ignored; one
    left to its default took the default because its variable could not be read.
    """
    for name, option_type, env, default, _no_log in CONNECTION_OPTIONS:
        if name not in CREDENTIAL_OPTIONS and environ.get(env) and params.get(name) == default:
            _environment_value(option_type, env, environ[env])


def resolve_credentials(params, environ=None):
    """The credentials to use: the task's if it sets any, else the NODEUM_* environment's.

    Returns a dict of the credential options; raises NodeumError unless it holds exactly one
    kind of credential, complete.
    """
    explicit = dict((name, params[name]) for name in CREDENTIAL_OPTIONS if params.get(name) is not None)
    if explicit:
        return _one_kind(explicit, 'the task\'s options')
    environ = os.environ if environ is None else environ
    from_environment = dict((name, environ[ENVIRONMENT_VARIABLES[name]]) for name in CREDENTIAL_OPTIONS
                            if environ.get(ENVIRONMENT_VARIABLES[name]))
    if not from_environment:
        raise NodeumError('No credential is set; give username and password, api_key or token, or set NODEUM_USERNAME '
                          'and '
                          'NODEUM_PASSWORD, NODEUM_API_KEY or NODEUM_TOKEN.')
    return _one_kind(from_environment, 'the NODEUM_* environment variables')


def environment_secrets(params, environ=None):
    """The secret values the run takes from the environment, to be masked like no_log options.

    Ansible masks the no_log options it parses; credentials read from NODEUM_* are not among
    them, so the callers register these as well.
    """
    if any(params.get(name) is not None for name in CREDENTIAL_OPTIONS):
        return set()
    environ = os.environ if environ is None else environ
    return set(
        environ[ENVIRONMENT_VARIABLES[name]] for name in SECRET_OPTIONS if environ.get(ENVIRONMENT_VARIABLES[name])
    )


def secrets_to_mask(params, environ):
    """Every secret value a run may show: to be masked wherever its result and the task's options are shown.

    The values of the secret options (which the module's argument spec marks no_log as well);
    credentials read from NODEUM_*; and a password written into the url (which
    normalize_base_url refuses, but which the task's options still show), from the task or from
    NODEUM_URL.
    """
    given = set(str(params[name]) for name in SECRET_OPTIONS if params.get(name) not in (None, ''))
    urls = (params.get('url'), environ.get(ENVIRONMENT_VARIABLES['url']))
    return given.union(environment_secrets(params, environ), *(url_secrets(url) for url in urls))


def _one_kind(credentials, origin):
    kinds = [kind for kind in ('username', 'api_key', 'token') if credentials.get(kind)]
    if len(kinds) > 1:
        raise NodeumError('%s give more than one kind of credential (%s); keep exactly one: username and password, '
                          'api_key, or token.'
                          % (_capital(origin), ', '.join(kinds)))
    if credentials.get('password') and not credentials.get('username'):
        raise NodeumError('%s give a password without a username; give both, or use api_key or token.' %
                          _capital(origin))
    if kinds == ['username'] and not credentials.get('password'):
        raise NodeumError('%s give a username without a password; give both.' % _capital(origin))
    if credentials.get('api_key_prefix') and kinds != ['api_key']:
        raise NodeumError('%s give api_key_prefix without api_key; give the key too, or drop the prefix.' %
                          _capital(origin))
    if not kinds:
        raise NodeumError('%s give no credential; give username and password, api_key or token.' % _capital(origin))
    return credentials


def _capital(text):
    return text[0].upper() + text[1:]


def connection_warnings(params, credentials):
    """Advice about settings that work but are risky; returned, never raised."""
    warnings = []
    url = normalize_base_url(params.get('url'))
    if url.startswith('http://') and credentials:
        warnings.append('The credentials are sent over plain http:// to %s; use https:// outside a test lab.' % url)
    if params.get('validate_certs') is False and url.startswith('https://'):
        warnings.append(
            'validate_certs is false: the identity of %s is not checked; set ca_path instead where you can.' % url)
    return warnings


def url_secrets(url):
    """What a url holding user-info may show, as values to mask wherever the options are shown.

    Such a URL is refused (normalize_base_url), but Ansible still shows the url option in the task's
    result (invocation). Masked: the url as given, its user-info whatever it holds (a bare user
    name may be a token), and the password alone; user-info is read as split_userinfo reads it, so
    'http://u:pa/ss@host' gives 'pa/ss', not 'pa'.
    """
    if not isinstance(url, str):
        return set()
    userinfo, _bare = split_userinfo(url)
    if not userinfo:
        return set()
    return set(value for value in (url, url.strip(), userinfo, userinfo.partition(':')[2]) if value)


def client_from_params(params, credentials, warn):
    """Build the transport client from validated module parameters and resolved credentials; warn takes its warnings.

    A url, timeout or ca_path that cannot work is refused here, before any request.
    """
    _check_credential_text(credentials)
    kind = _credential_kind(credentials)
    # Encoded here: requests would encode a non-Latin-1 user name with latin-1 and crash.
    auth = (credentials['username'].encode('utf-8'),
            credentials['password'].encode('utf-8')) if kind == 'basic' else None
    authorization = None
    if kind == 'api_key':
        prefix = credentials.get('api_key_prefix')
        authorization = '%s %s' % (prefix, credentials['api_key']) if prefix else credentials['api_key']
    elif kind == 'token':
        authorization = 'Bearer %s' % credentials['token']
    validate_certs = params.get('validate_certs', True)
    ca_path = params.get('ca_path')
    timeout = DEFAULTS['timeout'] if params.get('timeout') is None else params['timeout']
    return NodeumClient(
        normalize_base_url(params.get('url')),
        warn,
        auth=auth,
        authorization=authorization,
        timeout=checked_timeout(timeout),
        verify=checked_ca_path(ca_path) if (validate_certs and ca_path) else bool(validate_certs),
    )


# The credentials sent as the Authorization header as they are; the user name and password are encoded as UTF-8 first.
HEADER_CREDENTIALS = ('api_key', 'api_key_prefix', 'token')


def _check_credential_text(params):
    # A line break in a header value would make requests fail with a message that quotes it; a character beyond
    # Latin-1 cannot be written into a header at all. Neither sentence shows the value.
    for name in CREDENTIAL_OPTIONS:
        value = params.get(name)
        if value is not None and any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise NodeumError('%s holds a line break or another control character; check how the value is set.' % name)
        if value is not None and name in HEADER_CREDENTIALS and any(ord(char) > 255 for char in value):
            raise NodeumError('%s holds a character that an HTTP header cannot carry (beyond Latin-1, such as a '
                              'typographic quote '
                              'or a character of another alphabet); check how the value is set.' % name)


def _credential_kind(params):
    if params.get('username'):
        return 'basic'
    if params.get('api_key'):
        return 'api_key'
    if params.get('token'):
        return 'token'
    return None


# -- the checks of the connection settings, before any request ---------------------------------

# The longest timeout accepted: an hour is far more than any answer of the API takes, and larger
# values (1e308, inf) break the socket layer with its own words instead of ours.
MAX_TIMEOUT_SECONDS = 3600.0


def normalize_base_url(url):
    """Return the API base URL ('.../api/v2') or raise NodeumError on a URL that cannot work."""
    if not url or not isinstance(url, str):
        raise NodeumError(
            'The Nodeum url is not set; give the url option or set NODEUM_URL, for example https://nodeum.example.com.')
    userinfo, bare = split_userinfo(url.strip())
    try:
        parts = urlsplit(bare)
        usable = parts.scheme in ('http', 'https') and bool(parts.hostname) and parts.port != 0
    except ValueError:  # an unclosed '[', a port that is no number, characters that NFKC normalisation changes
        usable = False
    if not usable:
        raise NodeumError('The Nodeum url %r is not an http:// or https:// URL with a host; give the server root, for '
                          'example '
                          'https://nodeum.example.com.' % bare)
    # Refused before the url is used at all, so no request is sent and no name is looked up (urlsplit
    # would read 'http://u:1234/ss@host' as the host 'u'); the sentence never repeats what it holds.
    if userinfo is not None:
        raise NodeumError('The Nodeum url holds credentials (text before an @); remove them from the URL and use '
                          'username and '
                          'password, api_key or token instead.')
    path = parts.path.rstrip('/')
    if not path.endswith(API_ROOT):
        path += API_ROOT
    return urlunsplit((parts.scheme, parts.netloc, path, '', ''))


def checked_timeout(timeout):
    """The timeout in seconds as a float, or NodeumError unless it is above 0 and at most MAX_TIMEOUT_SECONDS."""
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        seconds = float('nan')
    if not 0 < seconds <= MAX_TIMEOUT_SECONDS:  # nan fails both comparisons
        raise NodeumError('timeout must be a number of seconds above 0 and at most %s (one hour), got %s; give how '
                          'long to wait '
                          'for each answer, for example 30.' % (seconds_text(MAX_TIMEOUT_SECONDS), timeout))
    return seconds


def checked_ca_path(ca_path):
    """ca_path if it names a readable file, else NodeumError (requests would fail later, in its own words)."""
    advice = 'give the path of a PEM file of CA certificates on the host that runs the module.'
    if not os.path.exists(ca_path):
        raise NodeumError('ca_path %r does not exist; %s' % (ca_path, advice))
    if not os.path.isfile(ca_path):
        raise NodeumError('ca_path %r is not a file; %s' % (ca_path, advice))
    try:
        with open(ca_path, 'rb'):
            pass
    except OSError as error:
        raise NodeumError('ca_path %r cannot be read (%s); %s' %
                          (ca_path, error.strerror or type(error).__name__, advice)) from None
    return ca_path
