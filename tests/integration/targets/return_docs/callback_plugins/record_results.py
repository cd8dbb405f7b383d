# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record the result of every task of a nodeum.data_archiving module, as Ansible got it.

Enabled by the return_docs target's runme.sh only. Each result that did not fail goes, as one JSON
line, to $RECORD_RESULTS_DIR/<module FQCN>.jsonl, with the task's name and its check and diff modes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: record_results
type: aggregate
short_description: Record the results of the nodeum.data_archiving modules (return_docs target only)
description:
  - Writes each result of a nodeum.data_archiving module to a JSON lines file per module.
options: {}
'''

COLLECTION = 'nodeum.data_archiving.'


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.directory = os.environ['RECORD_RESULTS_DIR']

    def v2_runner_on_ok(self, result, failed=False):
        task = result._task  # pylint: disable=protected-access  # the task object is how a callback learns the action
        action = getattr(task, 'resolved_action', None) or task.action
        if not action.startswith(COLLECTION):
            return
        record = dict(task=task.get_name(), check_mode=bool(task.check_mode), diff=bool(task.diff), failed=failed,
                      result=result._result)  # pylint: disable=protected-access
        with open(os.path.join(self.directory, action + '.jsonl'), 'a', encoding='utf-8') as stream:
            stream.write(json.dumps(record, default=str, sort_keys=True) + '\n')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        # a failed result is recorded too: what it returns must be documented as well
        self.v2_runner_on_ok(result, failed=True)
