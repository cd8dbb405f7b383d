# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What differs between the ansible-core lines the controller-side path runs on, in one place.

FOR INTERNAL COLLECTION USE ONLY: the names here may change in any release of this collection.

Everything else in plugins/ uses public ansible-core names only. The one exception is below,
named once, with a fallback that the version matrix covers on every line.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible import constants
from ansible.errors import AnsibleError

try:
    # ansible-core 2.19 and later mark the failure of a module ("Module failed: ...") apart from an
    # action's when they read a module's answer back. No public name does it; the in-process path
    # marks its failures the same way so that both paths read alike. Older lines have no such mark.
    from ansible._internal._errors._captured import AnsibleModuleCapturedError as _ModuleFailure
except ImportError:
    _ModuleFailure = None


def mark_module_failure(result):
    """Mark a failed result as the controller marks a module's failure (ansible-core 2.19+; nothing before)."""
    if _ModuleFailure is not None:
        _ModuleFailure.normalize_result_exception(result)
    return result


def marks_module_failures():
    """Whether this ansible-core marks module failures (for the tests of both sides)."""
    return _ModuleFailure is not None


def inject_invocation(task_vars):
    """Whether a module's answer carries `invocation` on this controller.

    ansible-core 2.21 added the setting INJECT_INVOCATION (false by default); before it, every
    module answer carried `invocation`.
    """
    try:
        return bool(constants.config.get_config_value('INJECT_INVOCATION', variables=task_vars or {}))
    except AnsibleError:  # a line that does not know the setting
        return True
