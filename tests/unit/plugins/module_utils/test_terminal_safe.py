# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of terminal_safe: control characters shown, not obeyed; api_error.details bounded.

What the operator's terminal finally shows is checked end to end by the hostile_server integration target.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils import terminal_safe
from ansible_collections.nodeum.data_archiving.plugins.module_utils.terminal_safe import (
    shown_diff,
    visible,
    visible_data,
    visible_script,
)

CONTROLS = (
    [chr(code) for code in list(range(0x20)) + list(range(0x7F, 0xA0))]
    + ['\u061c', '\u200e', '\u200f', '\u2028', '\u2029']
    + [chr(code) for code in list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))]
)


@pytest.mark.parametrize('text, shown', [
    ('\x1b[2J\x1b]0;owned\x07', '\\x1b[2J\\x1b]0;owned\\x07'),
    ('a\nb\tc\rd', 'a\\nb\\tc\\rd'),
    ('\x9b31m \x7f \x00', '\\x9b31m \\x7f \\x00'),
    ('abc\u202eevil\u2066', 'abc\\u202eevil\\u2066'),
    ('Archivé ☃ 東京 \\x1b', 'Archivé ☃ 東京 \\x1b'),  # printable text, and a backslash, as they are
])
def test_visible_escapes_every_control_character(text, shown):
    assert visible(text) == shown


def test_no_control_character_survives_and_escaping_twice_changes_nothing():
    text = ''.join(CONTROLS)
    once = visible(text)
    assert not any(character in once for character in CONTROLS) and visible(once) == once


def test_a_script_keeps_its_lines_and_tabs_and_shows_the_rest():
    script = 'line one\r\n\tline two\x1b[2J\rforged\n\u202eend\x08'
    assert visible_script(script) == 'line one\r\n\tline two\\x1b[2J\\rforged\n\\u202eend\\x08'
    assert not any(character in visible_script(''.join(CONTROLS)) for character in CONTROLS if character not in '\t\n')


def test_a_diff_entry_shows_its_header_and_scripts_safely():
    assert shown_diff('a\x1b[2J\n', 'b\n', 'task 3 / \x1b]0;x\x07 callback 5') == dict(
        before='a\\x1b[2J\n', after='b\n', before_header='task 3 / \\x1b]0;x\\x07 callback 5',
        after_header='task 3 / \\x1b]0;x\\x07 callback 5')
    assert shown_diff('s', 's') == dict(before='s', after='s')


def nested(depth):
    value = {'error': 'blank'}
    for _level in range(depth):
        value = {'a': [value]}
    return value


def depth_of(value):
    if isinstance(value, dict):
        return 1 + max([depth_of(item) for item in value.values()] or [0])
    if isinstance(value, list):
        return 1 + max([depth_of(item) for item in value] or [0])
    return 0


def test_details_nested_300_deep_keep_their_top_and_say_what_was_left_out():
    bounded = visible_data(nested(300))
    assert depth_of(bounded) == terminal_safe.DETAILS_MAX_DEPTH
    assert '(an object nested deeper than %d levels, left out)' % terminal_safe.DETAILS_MAX_DEPTH in json.dumps(bounded)
    assert visible_data(nested(2)) == nested(2)  # what a real error holds stays as it is


def test_details_are_bounded_in_size_and_their_texts_shown_and_cut():
    wide = {'script': ['\x1b[2J' + 'x' * 2000] +
            list(range(200)), 'k\x07': dict(('key%d' % number, number) for number in range(200))}
    bounded = visible_data(wide)
    assert bounded['script'][0] == '\\x1b[2J' + 'x' * (terminal_safe.DETAILS_MAX_TEXT - 7) + '...'
    assert bounded['script'][-1] == '(%d more entries left out)' % (201 - terminal_safe.DETAILS_MAX_ENTRIES)
    assert bounded['k\\x07']['(left out)'] == '%d more entries' % (200 - terminal_safe.DETAILS_MAX_ENTRIES)
    many = [list(range(50)) for _row in range(50)]  # 2,550 values: the budget stops the copy
    assert sum(len(row) for row in visible_data(many) if isinstance(row, list)) < terminal_safe.DETAILS_MAX_TOTAL
