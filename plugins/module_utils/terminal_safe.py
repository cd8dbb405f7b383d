# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Text the collection shows on the operator's terminal, with every control character shown rather than obeyed.

A server's error messages, its reason phrase, a callback's type and a script may hold escape
sequences that clear the screen, set the window title or overwrite what was printed. Whatever the
collection puts into msg, a warning, api_error or a diff goes through this module: each control
character (C0, DEL, C1, and the bidirectional and line-separator controls) becomes its escape,
such as \\x1b or \\u202e. A script keeps its line breaks and tabs in a diff, so that the diff still
reads line by line. api_error.details keeps its structure, bounded in depth and size, so that
ansible-core can show it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

# C0 (with tab and line breaks), DEL and C1; the bidirectional marks, embeddings, overrides and isolates; the line and
# paragraph separators.
_CONTROL = '\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069'
_ANY_CONTROL = re.compile('[%s]' % _CONTROL)
# In a script: every control character but a tab, a line feed, and a carriage return that ends a line (CRLF).
_SCRIPT_CONTROL = re.compile('\r(?!\n)|[%s]' % _CONTROL.replace('\x00-\x1f', '\x00-\x08\x0b\x0c\x0e-\x1f'))
_NAMED = {'\t': '\\t', '\n': '\\n', '\r': '\\r'}

# api_error.details: how deep, how many entries of each object or list, how many entries in all, how long each text.
DETAILS_MAX_DEPTH = 8
DETAILS_MAX_ENTRIES = 50
DETAILS_MAX_TOTAL = 500
DETAILS_MAX_TEXT = 500


def visible(text):
    """text on one line, each control character (line breaks included) replaced by its escape."""
    return _ANY_CONTROL.sub(_escape, text if isinstance(text, str) else str(text))


def visible_script(text):
    """A script for a diff: its tabs and line breaks kept, every other control character replaced by its escape."""
    return _SCRIPT_CONTROL.sub(_escape, text)


def shown_diff(before, after, header=None):
    """An Ansible diff entry of two scripts, both with their control characters visible, headed `header` when one is
    given.

    The one place that builds the diff entries the modules return, so that every header and every script in them is
    safe.
    """
    entry = dict(before=visible_script(before), after=visible_script(after))
    if header is not None:
        entry.update(before_header=visible(header), after_header=visible(header))
    return entry


def visible_data(value, max_depth=DETAILS_MAX_DEPTH):
    """A copy of JSON data (api_error.details) that ansible-core can show: every text visible and cut, nesting and size
    bounded.

    Past the depth, an object or a list becomes a text that says how deep it went on; past the number of entries, the
    entries left out are counted in one more entry.
    """
    budget = [DETAILS_MAX_TOTAL]
    return _bounded(value, max_depth, budget)


def _bounded(value, depth, budget):
    budget[0] -= 1
    if isinstance(value, str):
        return _cut(visible(value))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if not isinstance(value, (dict, list)):
        return _cut(visible(value))
    if depth <= 0:
        return '(%s nested deeper than %d levels, left out)' % (
            'an object' if isinstance(value, dict) else 'a list',
            DETAILS_MAX_DEPTH,
        )
    entries = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
    kept = []
    for key, item in entries[:DETAILS_MAX_ENTRIES]:
        if budget[0] <= 0:
            break
        kept.append((_cut(visible(key)) if isinstance(value, dict) else key, _bounded(item, depth - 1, budget)))
    left_out = len(entries) - len(kept)
    if isinstance(value, dict):
        bounded = dict(kept)
        if left_out:
            bounded['(left out)'] = '%d more entries' % left_out
        return bounded
    return [item for _index, item in kept] + (['(%d more entries left out)' % left_out] if left_out else [])


def _cut(text):
    return text if len(text) <= DETAILS_MAX_TEXT else text[:DETAILS_MAX_TEXT] + '...'


def _escape(match):
    character = match.group(0)
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return '\\x%02x' % code if code < 0x100 else '\\u%04x' % code
