# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converge N callbacks on tasks 1..N (nothing to change) in a fresh Python process; print the cost as JSON.

    python benchmarks/bulk_probe.py collection|plain API_URL COUNT SCRIPT_FILE COLLECTIONS_ROOT

- collection: the collection's own code path without Ansible around it: the arguments checked
  against the task_callbacks module's argument spec, then module_utils.module_run.run(ensure_task_callbacks),
  the very call the action plugin makes in-process.
- plain: the lower bound, a bare loop with one requests.Session over the same GETs (one list
  request per task, limit=1000), comparing each script, one at a time.

Credentials come from NODEUM_USERNAME and NODEUM_PASSWORD. Only the work is timed (imports and
interpreter start-up are not).
"""

from __future__ import absolute_import, division, print_function

import json
import os
import sys
import time


def converge_with_collection(api_url, count, script, collections_root):
    sys.path.insert(0, collections_root)
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    from ansible_collections.nodeum.data_archiving.plugins.module_utils import connection_options as connection, module_run, task_callbacks

    spec = connection.module_argument_spec(task_callbacks.OPTIONS)
    validator = ArgumentSpecValidator(spec, **connection.module_constraints(task_callbacks.CONSTRAINTS))
    items = [dict(task=str(task_id), script=script) for task_id in range(1, count + 1)]
    start = time.perf_counter()
    validation = validator.validate(dict(callbacks=items, url=api_url))
    result = module_run.execute(task_callbacks.ensure_task_callbacks, validation.validated_parameters, os.environ)[0]
    seconds = time.perf_counter() - start
    if result.get('failed') or result['changed']:
        raise SystemExit('bulk_probe: the collection failed or changed something: %s' % result.get('msg'))
    return seconds, len(result['results'])


def converge_with_requests(api_url, count, script):
    import requests

    start = time.perf_counter()
    session = requests.Session()
    session.auth = (os.environ['NODEUM_USERNAME'], os.environ['NODEUM_PASSWORD'])
    same = 0
    for task_id in range(1, count + 1):
        answer = session.get('%s/api/v2/tasks/%d/task_callbacks' % (api_url, task_id), params=dict(limit=1000, offset=0), timeout=60)
        answer.raise_for_status()
        same += sum(1 for item in answer.json()['task_callbacks'] if item['type'] == 'filter' and item['script'] == script)
    session.close()
    seconds = time.perf_counter() - start
    if same != count:
        raise SystemExit('bulk_probe: %d of %d scripts were the same' % (same, count))
    return seconds, same


def main(argv):
    mode, api_url, count, script_file, collections_root = argv
    with open(script_file, encoding='utf-8') as handle:
        script = handle.read()
    if mode == 'collection':
        seconds, items = converge_with_collection(api_url, int(count), script, collections_root)
    else:
        seconds, items = converge_with_requests(api_url, int(count), script)
    print(json.dumps(dict(seconds=seconds, items=items)))


if __name__ == '__main__':
    main(sys.argv[1:])
