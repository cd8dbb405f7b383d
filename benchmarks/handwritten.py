# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a storage team writes instead of the bulk module: a short `requests` script (benchmarks/bench.py part 5).

    python benchmarks/handwritten.py sequential|threaded API_URL COUNT SCRIPT_FILE

It brings the filter callback of each of the tasks 1..COUNT to the script in SCRIPT_FILE: one GET of
the task's callbacks, then a PUT only where the script differs. `sequential` does one task after the
other over one requests.Session; `threaded` does the same with 8 threads sharing one Session whose
connection pool holds 8 connections. It is written in its own favour: it trusts that every task has
exactly one filter callback and that one page holds it, and it has no check mode, no diff, no retry.

Credentials come from NODEUM_USERNAME and NODEUM_PASSWORD. It prints one line of JSON: the seconds
of the work (from before the first request to after the last), the tasks whose script was the same,
and those it updated.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

THREADS = 8


def converge_one(session, api, task_id, script):
    """Return 'same' or 'updated' for one task."""
    answer = session.get('%s/tasks/%d/task_callbacks' % (api, task_id), params=dict(limit=1000), timeout=60)
    answer.raise_for_status()
    callback = [item for item in answer.json()['task_callbacks'] if item['type'] == 'filter'][0]
    if callback['script'] == script:
        return 'same'
    answer = session.put('%s/tasks/%d/task_callbacks/%d' % (api, task_id, callback['id']),
                         json=dict(type='filter', script=script), timeout=60)
    answer.raise_for_status()
    return 'updated'


def main(argv):
    mode, url, count, script_file = argv
    with open(script_file, encoding='utf-8') as handle:
        script = handle.read()
    api = url + '/api/v2'
    start = time.perf_counter()
    session = requests.Session()
    session.auth = (os.environ['NODEUM_USERNAME'], os.environ['NODEUM_PASSWORD'])
    task_ids = range(1, int(count) + 1)
    if mode == 'threaded':
        session.mount(url, requests.adapters.HTTPAdapter(pool_maxsize=THREADS))
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            outcomes = list(pool.map(lambda task_id: converge_one(session, api, task_id, script), task_ids))
    else:
        outcomes = [converge_one(session, api, task_id, script) for task_id in task_ids]
    session.close()
    seconds = time.perf_counter() - start
    print(json.dumps(dict(seconds=seconds, same=outcomes.count('same'), updated=outcomes.count('updated'))))


if __name__ == '__main__':
    main(sys.argv[1:])
