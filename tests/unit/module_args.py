# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hand a module its arguments in a unit test, on every ansible-core line the collection supports.

ansible-core 2.19 added ansible.module_utils.testing.patch_module_args (and requires it: its
modules also need a serialization profile). Older lines read the arguments from
basic._ANSIBLE_ARGS, which is what their own unit tests set.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json

try:
    from ansible.module_utils.testing import patch_module_args  # noqa: F401  pylint: disable=unused-import
except ImportError:  # ansible-core 2.16 to 2.18
    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode(
            'utf-8')  # pylint: disable=protected-access
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access
