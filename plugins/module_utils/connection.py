# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options, declared once.

One table gives every option its type, environment variable, default and secrecy. The argument
spec of each module, the action plugins' fallbacks and the client all come from it; the doc
fragment plugins/doc_fragments/connection.py documents the same table for ansible-doc.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumClient, NodeumError, normalize_base_url

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

SECRET_OPTIONS = tuple(name for name, _type, _env, _default, no_log in CONNECTION_OPTIONS if no_log)
ENVIRONMENT_VARIABLES = dict((name, env) for name, _type, env, _default, _no_log in CONNECTION_OPTIONS)

# Exactly one kind of credential: a user (with its password), an API key, or a token.
CONNECTION_CONSTRAINTS = dict(
    mutually_exclusive=[('username', 'api_key', 'token'), ('password', 'api_key', 'token')],
    required_together=[('username', 'password')],
    required_one_of=[('username', 'api_key', 'token')],
    required_by={'api_key_prefix': 'api_key'},
)


def env_fallback_spec(env):
    # Imported here so that this table stays importable where ansible is not (unit tests of the client).
    from ansible.module_utils.basic import env_fallback
    return (env_fallback, [env])


def connection_argument_spec():
    """The argument spec entries of the connection options, with their environment fallbacks."""
    spec = {}
    for name, option_type, env, default, no_log in CONNECTION_OPTIONS:
        entry = dict(type=option_type, fallback=env_fallback_spec(env))
        if default is not None:
            entry['default'] = default
        if no_log:
            entry['no_log'] = True
        spec[name] = entry
    return spec


def module_argument_spec(resource_spec):
    """A module's full argument spec: its own options plus the connection options."""
    spec = connection_argument_spec()
    spec.update(resource_spec)
    return spec


def module_constraints(resource_constraints):
    """The AnsibleModule constraint keywords of a module: the connection's plus its own."""
    merged = dict((key, list(value) if isinstance(value, list) else dict(value)) for key, value in CONNECTION_CONSTRAINTS.items())
    for key, value in resource_constraints.items():
        if isinstance(value, list):
            merged[key] = merged.get(key, []) + list(value)
        else:
            merged.setdefault(key, {}).update(value)
    return merged


def connection_warnings(params):
    """Advice about settings that work but are risky; returned, never raised."""
    warnings = []
    url = normalize_base_url(params.get('url'))
    if url.startswith('http://') and _credential_kind(params):
        warnings.append('The credentials are sent over plain http:// to %s; use https:// outside a test lab.' % url)
    if params.get('validate_certs') is False and url.startswith('https://'):
        warnings.append('validate_certs is false: the identity of %s is not checked; set ca_path instead where you can.' % url)
    return warnings


def client_from_params(params):
    """Build the transport client from validated module parameters."""
    if params.get('timeout') is not None and params['timeout'] <= 0:
        raise NodeumError('timeout must be a number of seconds above 0, got %s.' % params['timeout'])
    _check_credential_text(params)
    kind = _credential_kind(params)
    # Encoded here: requests would encode a non-Latin-1 user name with latin-1 and crash.
    auth = (params['username'].encode('utf-8'), params['password'].encode('utf-8')) if kind == 'basic' else None
    authorization = None
    if kind == 'api_key':
        prefix = params.get('api_key_prefix')
        authorization = '%s %s' % (prefix, params['api_key']) if prefix else params['api_key']
    elif kind == 'token':
        authorization = 'Bearer %s' % params['token']
    return NodeumClient(params.get('url'), auth=auth, authorization=authorization, validate_certs=params.get('validate_certs', True),
                        ca_path=params.get('ca_path'), timeout=params.get('timeout') or 30.0)


def _check_credential_text(params):
    # A line break in a header value would make requests fail with a message that quotes it.
    for name in ('username',) + SECRET_OPTIONS + ('api_key_prefix',):
        value = params.get(name)
        if value is not None and any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise NodeumError('%s holds a line break or another control character; check how the value is set.' % name)


def _credential_kind(params):
    if params.get('username'):
        return 'basic'
    if params.get('api_key'):
        return 'api_key'
    if params.get('token'):
        return 'token'
    return None
