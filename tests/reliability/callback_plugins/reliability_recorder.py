# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test helper of tests/reliability: write every task result, per host, to a JSON lines file.

Enabled by the reliability suite only (ANSIBLE_CALLBACKS_ENABLED=reliability_recorder), with the
file named by RELIABILITY_RESULTS. Each line holds host, task name, status (ok, failed, skipped,
unreachable), the seconds the task took on that host and the result as Ansible shows it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: reliability_recorder
type: aggregate
short_description: Record task results for the reliability test suite
description:
  - Writes one JSON line per task result to the file named by E(RELIABILITY_RESULTS).
  - A test helper; it is not part of the collection's content.
author:
  - Nodeum collection contributors
'''

import json
import os
import threading
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'reliability_recorder'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get('RELIABILITY_RESULTS')
        self._starts = {}
        self._lock = threading.Lock()

    def v2_runner_on_start(self, host, task):
        self._starts[(host.get_name(), task._uuid)] = time.time()

    def _record(self, result, status):
        if not self._path:
            return
        host = result._host.get_name()
        task = result._task
        started = self._starts.pop((host, task._uuid), None)
        payload = getattr(result, 'result', None)
        if payload is None:
            payload = result._result
        line = dict(
            host=host,
            task=task.get_name(),
            status=status,
            seconds=None if started is None else time.time() - started,
            ignore_errors=bool(task.ignore_errors),
            result=payload,
        )
        with self._lock:
            with open(self._path, 'a', encoding='utf-8') as handle:
                handle.write(json.dumps(line, default=str, sort_keys=True) + '\n')

    def v2_runner_on_ok(self, result, **kwargs):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result, **kwargs):
        self._record(result, 'skipped')

    def v2_runner_on_unreachable(self, result, **kwargs):
        self._record(result, 'unreachable')
