# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the sentences that name a misspelled option or item key."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.nodeum.data_archiving.plugins.plugin_utils._unknown_options import (
    unknown_item_keys_message,
    unknown_options_message,
)

KNOWN = ('task', 'script', 'script_file', 'state')


def test_a_misspelled_option_is_named_with_the_closest_valid_one():
    assert unknown_options_message(
        'nodeum.data_archiving.task_callback', dict(task=1, scirpt='x', colour='red'), KNOWN
    ) == (
        'nodeum.data_archiving.task_callback has no option colour, scirpt (did you mean script?); its options are '
        'script, script_file, state, task.'
    )


def test_known_options_give_no_sentence():
    assert unknown_options_message('m', dict(task=1, script='x'), KNOWN) is None


def test_the_first_item_with_an_unknown_key_is_named_with_its_index():
    items = [dict(task=1, script='x'), 'not a dict', dict(task=2, stat='absent')]
    assert unknown_item_keys_message('callbacks', items, KNOWN) == (
        "callbacks[2] has no key stat (did you mean state?); an item's keys are script, script_file, state, task.")


def test_items_that_are_not_a_list_are_left_to_the_module():
    assert unknown_item_keys_message('callbacks', dict(task=1), KNOWN) is None
    assert unknown_item_keys_message('callbacks', [dict(task=1)], KNOWN) is None
