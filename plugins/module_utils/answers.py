# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading one answer of the Nodeum API: its status error, its body as a sentence quotes it, its Retry-After.

Functions of a requests Response and of the request it answers (where: 'METHOD url', as the
sentences name it); the HTTP core (client.py) calls them for every answer.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError, NodeumNotFound

BODY_QUOTE_LENGTH = 120

# The API key scope each operation needs, as the API reference names them.
_SCOPES = (
    ('GET', re.compile(r'^tasks/[^/]+/task_callbacks$'), 'task_callbacks/index'),
    ('POST', re.compile(r'^tasks/[^/]+/task_callbacks$'), 'task_callbacks/create'),
    ('GET', re.compile(r'^tasks/[^/]+/task_callbacks/[^/]+$'), 'task_callbacks/show'),
    ('PUT', re.compile(r'^tasks/[^/]+/task_callbacks/[^/]+$'), 'task_callbacks/update'),
    ('DELETE', re.compile(r'^tasks/[^/]+/task_callbacks/[^/]+$'), 'task_callbacks/destroy'),
    ('GET', re.compile(r'^tasks$'), 'tasks/index'),
    ('GET', re.compile(r'^tasks/[^/]+$'), 'tasks/show'),
)


def required_scope(method, path):
    """Name the API key scope an operation needs, or None for a path the table does not know."""
    for scope_method, pattern, scope in _SCOPES:
        if method == scope_method and pattern.match(path):
            return scope
    return None


def not_json_error(method, path, where, response):
    """The failure of a body that is not JSON although no JSON was declared (a proxy's page, another service)."""
    return NodeumError('The Nodeum API answered %s with a body that is not JSON (%s, %s): %r; check that url points to '
                       'the Nodeum server and not to a proxy or another service.'
                       % (where, response.status_code, content_type(response), body_start(response)),
                       status=response.status_code, method=method, path=path)


def status_error(method, path, where, response):
    """The NodeumError of an answer of 400 or above (NodeumNotFound for a 404), with the server's messages."""
    status = response.status_code
    messages, details = _error_body(response)
    if status == 401:
        text = (
            'The Nodeum API refused the credentials for %s (401); check username and password, api_key or token.'
            % where
        )
    elif status == 403:
        scope = required_scope(method, path) or 'the one this operation needs'
        text = ('The Nodeum API denied %s (403): the credential lacks the scope %s; grant it to the API key or use '
                'another '
                'credential.' % (where, scope))
    elif messages or is_json(response):
        text = 'The Nodeum API refused %s (%s): %s' % (
            where, status, '; '.join(messages) or response.reason or 'no reason given')
    else:
        text = ('The Nodeum API answered %s with %s and a body that is not JSON (%s): %r; check that url points to the '
                'Nodeum server and not to a proxy or another service.'
                % (where, status, content_type(response), body_start(response)))
    error_type = NodeumNotFound if status == 404 else NodeumError
    return error_type(text, status=status, method=method, path=path, messages=messages, details=details)


def _error_body(response):
    try:
        body = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read: no messages
        return [], {}
    if not isinstance(body, dict):
        return [], {}
    messages = [str(message) for message in body.get('messages') or [] if message]
    details = body.get('details') if isinstance(body.get('details'), dict) else {}
    return messages, details


def too_deep_error(method, path, where, response):
    """The failure of a JSON body nested too deeply for Python's parser to read."""
    return NodeumError('The Nodeum API answered %s with JSON nested too deeply to read (%s); check that url points to '
                       'the Nodeum server.' % (where, response.status_code),
                       status=response.status_code, method=method, path=path)


def is_json(response):
    return 'json' in content_type(response)


def content_type(response):
    return response.headers.get('Content-Type', 'no content type').split(';')[0].strip()


def body_start(response):
    """The start of the body as a sentence may quote it: cut, on one line."""
    text = response.content[:BODY_QUOTE_LENGTH].decode('utf-8', 'replace')
    return ' '.join(text.split())


def retry_after(response):
    """The seconds of a Retry-After header, None without one or with an HTTP date."""
    value = response.headers.get('Retry-After')
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:  # an HTTP date: wait the ordinary backoff rather than parse calendars
        return None
