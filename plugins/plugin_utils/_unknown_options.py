# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the nodeum.data_archiving collection and may change in any
# release, even a bugfix release.
"""Naming a misspelled option or item key, with the closest valid name, before anything else is checked.

Ansible's own validation reports a misspelled required-by-state option as a missing one ("state is
present but all of the following are missing: script"), and a misspelled item key without the item.
The action plugins call these first, so that the sentence names what to fix.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import difflib


def _named(unknown, known):
    parts = []
    for name in sorted(unknown):
        close = difflib.get_close_matches(name, sorted(known))  # the closest first, if any is close enough
        parts.append('%s (did you mean %s?)' % (name, close[0]) if close else name)
    return ', '.join(parts)


def unknown_options_message(module_name, args, known):
    """One sentence naming the options of args that the module does not have, or None."""
    unknown = [str(name) for name in args if name not in known]
    if not unknown:
        return None
    return '%s has no option %s; its options are %s.' % (module_name, _named(unknown, known), ', '.join(sorted(known)))


def unknown_item_keys_message(list_name, items, known):
    """One sentence naming the first item of a list whose keys the module does not know, or None."""
    if not isinstance(items, list):
        return None
    for index, item in enumerate(items):
        unknown = [str(name) for name in item if name not in known] if isinstance(item, dict) else []
        if unknown:
            return '%s[%d] has no key %s; an item\'s keys are %s.' % (
                list_name,
                index,
                _named(unknown, known),
                ', '.join(sorted(known)),
            )
    return None
