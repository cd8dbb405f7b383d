# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the server returns, checked where it enters: every listing of tasks or callbacks, and every callback a write
answers.

The server is not trusted (docs/security.md). A callback's id and a task's id become request paths,
a callback's type and script are compared with what the playbook declares: so each callback is a
JSON object whose id is a whole number of 1 or more (not a boolean) and whose type and script are
text, and each task one whose id is such a number and whose name is text; a list answer holds its
array, and its count, when it has one, is a whole number of 0 or more. Anything else fails in one
sentence that names the request and what was wrong, before anything is sent on the strength of the
answer. The modules read the server through list_callbacks() and list_tasks() alone; each page is
checked here as it arrives, and the client's pager bounds the listing (listing.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import api_path
from ansible_collections.nodeum.data_archiving.plugins.module_utils.listing import ListPage
from ansible_collections.nodeum.data_archiving.plugins.module_utils.errors import NodeumError

# How much of a text value the server sent a sentence quotes.
QUOTE_LENGTH = 40


def callbacks_path(task_id, callback_id=None):
    """tasks/<task id>/task_callbacks[/<callback id>]: both ids whole numbers (a name is resolved to its id first)."""
    if callback_id is None:
        return api_path('tasks', task_id, 'task_callbacks')
    return api_path('tasks', task_id, 'task_callbacks', callback_id)


def list_callbacks(client, task_id, params=None, limit=None, offset=0):
    """(the task's callbacks, each checked, the server's count), read page by page with the client's pager."""
    path = callbacks_path(task_id)
    return client.paginate(path, page_reader(client, path, 'task_callbacks', checked_callback), params=params,
                           limit=limit, offset=offset)


def list_tasks(client, params=None):
    """(the tasks, each checked, the server's count): every task, or those the filters in params match."""
    path = api_path('tasks')
    return client.paginate(path, page_reader(client, path, 'tasks', checked_task), params=params)


def page_reader(client, path, items_key, checked):
    """The read_page of client.paginate for a listing of path: a list answer as a ListPage, its items each
    checked(item, client, 'GET', path), its count None when it has none; else NodeumError."""

    def read_page(answer):
        problem = list_problem(answer, items_key)
        if problem:
            raise NodeumError(answer_sentence(client, 'GET', path, problem), method='GET', path=path)
        return ListPage([checked(item, client, 'GET', path) for item in answer[items_key]], answer.get('count'))

    return read_page


def list_problem(answer, items_key):
    """What keeps answer from being a page of a listing (an object with the items_key array and a count of 0 or more,
    if any), in words; None if nothing."""
    if not isinstance(answer, dict) or not isinstance(answer.get(items_key), list):
        return 'a list that has no %r array' % items_key
    if 'count' in answer and not is_count(answer['count']):
        return 'a count that is %s instead of a whole number of 0 or more' % shown_value(answer['count'])
    return None


def checked_callback(value, client, method, path):
    """value if it is a callback as the collection may use it, else NodeumError naming the request and the fault."""
    problem = callback_problem(value)
    if problem:
        raise NodeumError(answer_sentence(client, method, path, problem), method=method, path=path)
    return value


def checked_task(value, client, method, path):
    """value if it is a task as the collection may use it, else NodeumError naming the request and the fault."""
    problem = _id_problem('task', value) or _text_problem('task', value, 'name')
    if problem:
        raise NodeumError(answer_sentence(client, method, path, problem), method=method, path=path)
    return value


def callback_problem(value):
    """What keeps value from being a callback (an object with an id of 1 or more, a text type and script), in words;
    None if nothing."""
    return (
        _id_problem('callback', value)
        or _text_problem('callback', value, 'type')
        or _text_problem('callback', value, 'script')
    )


UNUSABLE_ADVICE = 'nothing was sent on the strength of that answer: check that url points to a Nodeum server'


def answer_sentence(client, method, path, problem, advice=UNUSABLE_ADVICE):
    """The one sentence of an answer that holds a value the collection cannot use: the request, the fault, what it
    means."""
    return 'The Nodeum API answered %s %s/%s with %s; %s.' % (method, client.base_url, path, problem, advice)


def _id_problem(kind, value):
    if not isinstance(value, dict):
        return 'a %s that is %s instead of an object' % (kind, shown_value(value))
    if 'id' not in value:
        return 'a %s without an id' % kind
    if not is_server_id(value['id']):
        return 'a %s whose id is %s instead of a whole number of 1 or more' % (kind, shown_value(value['id']))
    return None


def _text_problem(kind, value, key):
    if key not in value:
        return '%s %s without a %s' % (kind, value['id'], key)
    if not isinstance(value[key], str):
        return '%s %s whose %s is %s instead of text' % (kind, value['id'], key, shown_value(value[key]))
    return None


def is_count(value):
    """Whether value can be a count of items: an int of 0 or more, and not a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_server_id(value):
    """Whether value can be an id in a request path: an int of 1 or more, and not a bool (which Python counts as an
    int)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def shown_value(value):
    """A JSON value from the server as a sentence may show it: short, and with its control characters escaped."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return '%s (a boolean)' % ('true' if value else 'false')
    if isinstance(value, (int, float)):
        return '%r (a number)' % value
    if isinstance(value, str):
        # repr() escapes every character that is not printable (C0, C1, DEL, bidirectional controls)
        return (
            '%r (text)' % value[:QUOTE_LENGTH] if len(value) <= QUOTE_LENGTH else '%r... (text)' % value[:QUOTE_LENGTH]
        )
    if isinstance(value, list):
        return 'a list'
    if isinstance(value, dict):
        return 'an object'
    return 'a value of type %s' % type(value).__name__
