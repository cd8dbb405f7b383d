# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One measured call in a fresh Python process, printed as JSON (benchmarks/bench.py part 3).

    python benchmarks/probes.py scale collection|plain API_URL TASK_ID

It reads every callback of one task.
- collection: the collection's own code path without Ansible around it (the arguments checked against
  the module's argument spec, then the module's own call); plain: the lower bound, a bare loop with
  one requests.Session over the same GETs.

Credentials come from NODEUM_USERNAME and NODEUM_PASSWORD; the collection from PYTHONPATH (nox -s bench).
Only the work is timed (imports and start-up are not); memory is the peak resident set size before and after.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import resource
import sys
import time

PAGE = 1000


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def read_with_collection(api_url, task_id):
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    from ansible_collections.nodeum.data_archiving.plugins.module_utils import (
        connection_options as connection,
        module_run,
        task_callback_info,
    )

    spec = connection.module_argument_spec(task_callback_info.OPTIONS)
    validator = ArgumentSpecValidator(spec, **connection.module_constraints(task_callback_info.CONSTRAINTS))
    before = peak_kib()
    start = time.perf_counter()
    validation = validator.validate(dict(task=str(task_id), url=api_url))
    result = module_run.execute(task_callback_info.read_task_callbacks, validation.validated_parameters, os.environ)[0]
    seconds = time.perf_counter() - start
    if result.get('failed'):
        raise SystemExit('scale: the collection failed: %s' % result.get('msg'))
    return seconds, len(result['task_callbacks']), before


def read_with_requests(api_url, task_id):
    import requests

    before = peak_kib()
    start = time.perf_counter()
    session = requests.Session()
    session.auth = (os.environ['NODEUM_USERNAME'], os.environ['NODEUM_PASSWORD'])
    items = []
    while True:
        answer = session.get('%s/api/v2/tasks/%s/task_callbacks' % (api_url, task_id),
                             params=dict(limit=PAGE, offset=len(items)), timeout=60)
        answer.raise_for_status()
        page = answer.json()
        items.extend(page['task_callbacks'])
        if not page['task_callbacks'] or len(items) >= page['count']:
            break
    session.close()
    return time.perf_counter() - start, len(items), before


def main(argv):
    _kind, mode, api_url, task_id = argv[:4]
    seconds, items, before = (read_with_collection if mode == 'collection' else read_with_requests)(api_url, task_id)
    print(json.dumps(dict(seconds=seconds, items=items, peak_kib_before=before, peak_kib=peak_kib())))


if __name__ == '__main__':
    main(sys.argv[1:])
