# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench` (nox -s bench; `-- --smoke`: tiny sizes): what a task of this collection costs, against the emulator.

Five parts, printed as one table and written as JSON to benchmarks/results.json (docs/performance.md):
1. round trips of every operation of task_callback and task_callback_info against a budget;
2. marginal cost per task (the slope between a small and a large playbook) of task_callback (a), the
   ansible.builtin.uri recipe of benchmarks/uri_recipe.yml (b), its GET task alone (g), ping (c) and debug (d),
   and their ratios (a/g with nothing to change: at most 1.1);
3. task_callback_info over 100 to 100,000 callbacks: playbook, the Python call alone, a plain requests loop;
4. the role nodeum.data_archiving.callbacks_as_code over 10, 100 and 500 callbacks;
5. task_callbacks against what a user writes instead (benchmarks/handwritten.py: a requests script, sequential
   and with 8 threads), the module alone (its AnsiballZ payload run again) and the list alone (set_fact of the
   same items: ansible-core's share of carrying the list), at 500 and 5,000 callbacks
   with nothing to change and at 500 with every callback changed, over the loopback and over a link with
   5 ms of delay each way (benchmarks/delay_proxy.py in front of the emulator, its delay checked first).
Compared runs are interleaved, the order rotating each round, and reported as medians. Nothing fails on
a timing: only a failed playbook, a wrong changed count, a round-trip count over its budget, or a
delayed link that does not delay.
"""

from __future__ import absolute_import, division, print_function

import argparse
import copy
import json
import math
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import yaml
# tests/emulator is on PYTHONPATH (nox -s bench)
from emulator_control import EmulatorControl, start_emulator, stop_emulator

from ansible_collections.nodeum.data_archiving.plugins.module_utils.tasks import NAMES_PER_REQUEST

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / 'benchmarks'
RESULTS = BENCH_DIR / 'results.json'

USERNAME = 'admin'
PASSWORD = 'nodeum-demo-password'
PAGE_CAP = 1000
EMULATOR_LIFETIME = 7200  # a safety net only: the benchmark stops the emulator itself
PLAYBOOK_TIMEOUT = 900
SCRIPT = ('function run(req) {\n  const info = utils.getNodeInfo(req);\n'
          '  return !(info?.getPath() ?? "").endsWith(".tmp");\n}\n')
OLD_SCRIPT = SCRIPT.replace('.tmp', '.part')  # what the server holds where part 5 changes every callback
BULK_DELAY_S = 0.005  # part 5's slow link: this delay each way

BOTH_CASES = ('nothing to do', 'everything changes')
# Sizes: debug costs a few milliseconds, so their slope needs a long
# span (20 -> 100 tasks); a module costs a third of a second, so 5 -> 15 tasks measure it as
# well and keep `make bench` within minutes. Through ansible-playbook, listing 100,000
# callbacks takes long, so the playbook joins only the first scale_playbook_rounds rounds.
FULL = dict(rounds=5, small=20, large=100, module_small=5, module_large=15, cases=BOTH_CASES,
            scale=(100, 1000, 10000, 100000), scale_rounds=5, scale_playbook_rounds=2,
            role=(10, 100, 500), role_rounds=3, role_cases=('create',),
            bulk=((500, 'nothing to change'), (5000, 'nothing to change'), (500, 'everything changes')), bulk_rounds=3)
SMOKE = dict(rounds=1, small=1, large=2, module_small=1, module_large=2, cases=('everything changes',),
             scale=(100,), scale_rounds=1, scale_playbook_rounds=1, role=(2,), role_rounds=1, role_cases=('create',),
             bulk=((3, 'everything changes'),), bulk_rounds=1)

MODULE = 'nodeum.data_archiving.task_callback'
INFO = 'nodeum.data_archiving.task_callback_info'
BULK = 'nodeum.data_archiving.task_callbacks'


class BenchError(Exception):
    """A run that did not do what it should: the benchmark stops and says which."""


def timed_run(argv, env, cwd, timeout=PLAYBOOK_TIMEOUT):
    """Run a command; return wall seconds, CPU seconds and peak memory of its process tree, and its output."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    timer = threading.Timer(timeout, _kill_group, (process.pid,))
    timer.start()
    try:
        output = process.stdout.read().decode('utf-8', 'replace')
        _pid, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        _kill_group(process.pid)  # the benchmark is stopping: so does the run
        raise
    finally:
        timer.cancel()
        process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    return dict(
        wall=time.perf_counter() - start,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024.0,
        rc=process.returncode,
        output=output,
    )


def _stop_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Workspace:
    """A temporary directory with the collection on a collections path, an inventory and playbooks."""

    def __init__(self, url):
        self.url = url
        self.dir = Path(tempfile.mkdtemp(prefix='nodeum-bench-'))
        (self.dir / 'ansible.cfg').write_text('[defaults]\n', encoding='utf-8')
        (self.dir / 'inventory.ini').write_text(
            '[local]\nlocalhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n',
            encoding='utf-8',
        )
        self.playbook_bin = shutil.which('ansible-playbook', path=str(Path(sys.executable).parent)
                                         ) or shutil.which('ansible-playbook') or 'ansible-playbook'

    def env(self, url=None):
        """The environment of every run: only the bench's own ANSIBLE_* and NODEUM_* settings, the API at url."""
        env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('NODEUM_', 'ANSIBLE_')))
        home = self.dir / 'home'
        # set by nox -s bench
        env.update(
            ANSIBLE_CONFIG=str(self.dir / 'ansible.cfg'),
            ANSIBLE_COLLECTIONS_PATH=os.environ['ANSIBLE_COLLECTIONS_PATH'],
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
            ANSIBLE_HOME=str(home),
            ANSIBLE_LOCAL_TEMP=str(home / 'tmp'),
            ANSIBLE_REMOTE_TMP=str(home / 'remote_tmp'),
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_RETRY_FILES_ENABLED='false',
            NO_PROXY='127.0.0.1,localhost',
            NODEUM_URL=url or self.url,
            NODEUM_USERNAME=USERNAME,
            NODEUM_PASSWORD=PASSWORD,
        )
        return env

    def write_playbook(self, name, plays):
        path = self.dir / ('%s.yml' % name)
        path.write_text(yaml.safe_dump(plays, sort_keys=False, width=1000), encoding='utf-8')
        return path

    def play(self, path, expect_changed=None, verbose=False, url=None, extra_env=None):
        """Run a playbook and check its recap; with verbose, at -vvv and with its output kept."""
        argv = [self.playbook_bin, '-i', str(self.dir / 'inventory.ini'), str(path)] + (['-vvv'] if verbose else [])
        run = timed_run(argv, dict(self.env(url), **(extra_env or {})), str(self.dir))
        recap = _recap(run['output'])
        if run['rc'] != 0 or recap is None or recap['failed'] or recap['unreachable']:
            raise BenchError('%s failed (exit %s):\n%s' % (path.name, run['rc'], _tail(run['output'])))
        if expect_changed is not None and recap['changed'] != expect_changed:
            raise BenchError('%s reported changed=%s, expected %s:\n%s' %
                             (path.name, recap['changed'], expect_changed, _tail(run['output'])))
        if not verbose:
            del run['output']
        return run

    def probe(self, mode, task_id):
        argv = [sys.executable, str(BENCH_DIR / 'probes.py'), 'scale', mode, self.url, str(task_id)]
        run = timed_run(argv, self.env(), str(self.dir))
        if run['rc'] != 0:
            raise BenchError('scale_probe %s failed:\n%s' % (mode, _tail(run['output'])))
        run.update(json.loads(run.pop('output').strip().splitlines()[-1]))
        return run

    def handwritten(self, mode, url, count, expected):
        """Run benchmarks/handwritten.py; check that it found the scripts the same or updated them as expected."""
        script_file = self.dir / 'bulk-script.js'
        script_file.write_text(SCRIPT, encoding='utf-8')
        argv = [sys.executable, str(BENCH_DIR / 'handwritten.py'), mode, url, str(count), str(script_file)]
        run = timed_run(argv, self.env(url), str(self.dir))
        if run['rc'] != 0:
            raise BenchError('the %s script failed:\n%s' % (mode, _tail(run['output'])))
        run.update(json.loads(run.pop('output').strip().splitlines()[-1]))
        if dict(same=run['same'], updated=run['updated']) != expected:
            raise BenchError('the %s script found %d scripts the same and updated %d, expected %s'
                             % (mode, run['same'], run['updated'], expected))
        return run

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def _recap(output):
    for line in output.splitlines():
        if line.startswith('localhost') and 'changed=' in line:
            fields = dict(part.split('=', 1) for part in line.split() if '=' in part)
            return dict((key, int(fields.get(key, 0))) for key in ('ok', 'changed', 'unreachable', 'failed'))
    return None


def _tail(text, lines=25):
    return '\n'.join(text.splitlines()[-lines:])


def tasks(count, first=1):
    return [dict(id=task_id, name='bench task %d' % task_id) for task_id in range(first, first + count)]


def one_callback_each(task_ids, script, first_id=1):
    return [
        dict(id=first_id + index, task_id=task_id, type='filter', script=script)
        for index, task_id in enumerate(task_ids)
    ]


def many_callbacks(task_id, count, first_id=1):
    return [
        dict(id=first_id + index, task_id=task_id, type='filter', script='function run(req) { return %d; }' % index)
        for index in range(count)
    ]


def play(tasks_, **keywords):
    body = dict(name='bench', hosts='localhost', gather_facts=False)
    body.update(keywords)
    body['tasks'] = tasks_
    return [body]


def progress(text):
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), text), file=sys.stderr, flush=True)


def rotated(items, round_index):
    shift = round_index % len(items)
    return items[shift:] + items[:shift]


def median(values):
    return statistics.median(values) if values else None


# (label, module, arguments for task N, check mode, changed, budget by method): run once with
# task ids and once with task names, which the budget allows one more GET (the name lookup).
ROUND_TRIP_OPERATIONS = (
    ('present, nothing to do', MODULE, (1, dict(script=SCRIPT)), False, False, dict(GET=1)),
    # one GET more: the race check
    ('present, create', MODULE, (2, dict(script=SCRIPT)), False, True, dict(GET=2, POST=1)),
    ('present, update', MODULE, (3, dict(script=SCRIPT + '// v2\n')), False, True, dict(GET=1, PUT=1)),
    ('absent, delete', MODULE, (4, dict(state='absent')), False, True, dict(GET=1, DELETE=1)),
    ('absent, nothing to do', MODULE, (5, dict(state='absent')), False, False, dict(GET=1)),
    ('check mode, create', MODULE, (5, dict(script=SCRIPT)), True, True, dict(GET=1)),
    ('check mode, update', MODULE, (1, dict(script=SCRIPT + '// v2\n')), True, True, dict(GET=1)),
    ('check mode, delete', MODULE, (1, dict(state='absent')), True, True, dict(GET=1)),
    ('info, 0 callbacks', INFO, (5, {}), False, False, dict(GET=1)),
    ('info, %d callbacks' % PAGE_CAP, INFO, (6, {}), False, False, dict(GET=1)),
    ('info, %d callbacks' % (PAGE_CAP * 5 // 2), INFO, (7, {}),
     False, False, dict(GET=math.ceil(PAGE_CAP * 5 // 2 / PAGE_CAP))),
)


def round_trip_operations():
    """Every operation by task id (tasks 1-7), then by task name (tasks 11-17)."""
    operations = []
    for by_name, base in ((False, 0), (True, 10)):
        for label, module, (task_id, args), check_mode, changed, budget in ROUND_TRIP_OPERATIONS:
            task = 'bench task %d' % (base + task_id) if by_name else base + task_id
            budget = dict(budget, GET=budget['GET'] + (1 if by_name else 0))
            operations.append((label + (' (task by name)' if by_name else ''), module,
                              dict(args, task=task), check_mode, changed, budget))
    return operations


def round_trip_state():
    state_tasks = tasks(7) + tasks(7, first=11)
    callbacks = []
    next_id = 1
    for base in (0, 10):
        for task_id in (1, 3, 4):
            callbacks.append(dict(id=next_id, task_id=base + task_id, type='filter', script=SCRIPT))
            next_id += 1
        for task_id, count in ((6, PAGE_CAP), (7, PAGE_CAP * 5 // 2)):
            callbacks += many_callbacks(base + task_id, count, first_id=next_id)
            next_id += count
    return state_tasks, callbacks


def part_round_trips(workspace, control):
    operations = round_trip_operations()
    marks_file = workspace.dir / 'marks.json'
    log_url = workspace.url + '/_emulator/requests'
    steps = []
    for index, (label, module, args, check_mode, _changed, _budget) in enumerate(operations):
        steps.append({'name': label, module: args, 'check_mode': check_mode, 'register': 'bench_op'})
        steps.append({'name': 'mark %d' % index, 'ansible.builtin.set_fact': {
            'bench_marks': "{{ bench_marks + [dict(log=(lookup('ansible.builtin.url', '%s', split_lines=False) | "
                           "from_json).requests | length, "
                           "changed=bench_op.changed)] }}" % log_url}})
    steps.append({'name': 'keep the marks', 'ansible.builtin.copy': {
                 'content': '{{ bench_marks | to_json }}', 'dest': str(marks_file)}})
    path = workspace.write_playbook('round_trips', play(steps, vars=dict(bench_marks=[])))
    progress('part 1')
    control.replace_state(*round_trip_state())
    control.reset_requests()
    workspace.play(path)
    measured = _slice_log(operations, json.loads(marks_file.read_text(encoding='utf-8')), control.requests())
    return [
        dict(
            operation=operation[0],
            budget=operation[5],
            measured=counts['counts'],
            page_limits=counts['limits'],
            within_budget=_within(counts['counts'], operation[5]),
        )
        for operation, counts in zip(operations, measured)
    ]


def _slice_log(operations, marks, log):
    sliced = []
    start = 0
    for operation, mark in zip(operations, marks):
        label, _module, _args, _check, changed, _budget = operation
        if mark['changed'] != changed:
            raise BenchError('round trips: %r reported changed=%s, expected %s' % (label, mark['changed'], changed))
        requests = log[start:mark['log']]
        start = mark['log']
        counts = {}
        for request in requests:
            counts[request['method']] = counts.get(request['method'], 0) + 1
        limits = sorted(
            set(
                part.split('=', 1)[1]
                for request in requests
                for part in (request.get('query') or '').split('&')
                if part.startswith('limit=')
            )
        )
        sliced.append(dict(counts=counts, limits=limits))
    return sliced


def _within(measured, budget):
    return all(measured.get(method, 0) <= budget.get(method, 0) for method in set(measured) | set(budget))


def variant_playbook(workspace, variant, count, script, round_tag):
    if variant == 'a':
        steps = [{'name': 'callback of task %d' % task_id, MODULE: dict(
            task=task_id, script=script)} for task_id in range(1, count + 1)]
        return workspace.write_playbook('a-%s-%d' % (round_tag, count), play(steps))
    if variant == 'b':
        recipe = yaml.safe_load((BENCH_DIR / 'uri_recipe.yml').read_text(encoding='utf-8'))
        steps = []
        for task_id in range(1, count + 1):
            for step in recipe:
                step = copy.deepcopy(step)
                step['vars'] = dict(recipe_task=task_id, recipe_script=script)
                steps.append(step)
        defaults = {'ansible.builtin.uri': dict(url_username=USERNAME, url_password=PASSWORD, force_basic_auth=True)}
        return workspace.write_playbook(
            'b-%s-%d' % (round_tag, count),
            play(steps, module_defaults=defaults, vars=dict(recipe_api=workspace.url + '/api/v2')),
        )
    if variant == 'g':
        get = yaml.safe_load((BENCH_DIR / 'uri_recipe.yml').read_text(encoding='utf-8'))[0]
        steps = [dict(copy.deepcopy(get), vars=dict(recipe_task=task_id)) for task_id in range(1, count + 1)]
        defaults = {'ansible.builtin.uri': dict(url_username=USERNAME, url_password=PASSWORD, force_basic_auth=True)}
        return workspace.write_playbook(
            'g-%d' % count, play(steps, module_defaults=defaults, vars=dict(recipe_api=workspace.url + '/api/v2'))
        )
    if variant == 'c':
        steps = [{'name': 'ping %d' % index, 'ansible.builtin.ping': {}} for index in range(count)]
    else:
        steps = [{'name': 'debug %d' % index, 'ansible.builtin.debug': dict(
            msg='task %d' % index)} for index in range(count)]
    return workspace.write_playbook('%s-%d' % (variant, count), play(steps))


VARIANTS = (
    ('a', 'task_callback (this collection)'),
    ('b', 'ansible.builtin.uri recipe, GET then conditional PUT'),
    ('g', 'ansible.builtin.uri, the GET alone'),
    ('c', 'ansible.builtin.ping'),
    ('d', 'ansible.builtin.debug'),
)


def part_alternatives(workspace, control, sizes):
    """Every (variant, case, size) job once per round, the order rotating from round to round."""
    jobs = []
    for variant, _label in VARIANTS:
        small, large = (sizes['small'], sizes['large']) if variant == 'd' else (
            sizes['module_small'], sizes['module_large'])
        cases = sizes['cases'] if variant in ('a', 'b') else ('-',)  # g reads only: its cost is the same in every case
        for case in cases:
            for count in (small, large):
                jobs.append((variant, case, count))
    largest = max(count for _variant, _case, count in jobs)
    runs = dict()
    for round_index in range(sizes['rounds']):
        progress('part 2, round %d/%d: %d playbooks' % (round_index + 1, sizes['rounds'], len(jobs)))
        for variant, case, count in rotated(jobs, round_index):
            changes = case == 'everything changes'
            script = SCRIPT + ('// round %d\n' % round_index if changes else '')
            control.replace_state(tasks(largest), one_callback_each(range(1, largest + 1), SCRIPT))
            path = variant_playbook(workspace, variant, count, script, 'r%d' % round_index if changes else 'same')
            run = workspace.play(path, expect_changed=count if changes else 0)
            runs.setdefault((variant, case), {}).setdefault(count, []).append(run)
    return summarize_alternatives(runs)


def summarize_alternatives(runs):
    summary = []
    for (variant, case), by_count in runs.items():
        small, large = sorted(by_count)
        slopes = [(big['wall'] - little['wall']) / (large - small)
                  for little, big in zip(by_count[small], by_count[large])]
        cpu_slopes = [(big['cpu'] - little['cpu']) / (large - small)
                      for little, big in zip(by_count[small], by_count[large])]
        summary.append(dict(variant=variant, case=case, sizes=[small, large], runs=len(slopes),
                            median_wall_s={str(small): median([run['wall'] for run in by_count[small]]),
                                           str(large): median([run['wall'] for run in by_count[large]])},
                            marginal_ms=1000 * median(slopes), marginal_cpu_ms=1000 * median(cpu_slopes),
                            slopes_ms=[round(1000 * slope, 2) for slope in slopes]))
    return summary


def alternative_ratios(summary):
    def cost(variant, case='nothing to do'):
        for entry in summary:
            if entry['variant'] == variant and entry['case'] in (case, '-'):
                return entry['marginal_ms']
        return None
    ratios = []
    for case in BOTH_CASES:
        # a/g: task_callback with nothing to change against one ansible.builtin.uri GET task (at most 1.1).
        for numerator, denominator, target in (
            ('a', 'd', None),
            ('a', 'c', None),
            ('a', 'b', None),
            ('a', 'g', 1.1 if case == 'nothing to do' else None),
        ):
            top, bottom = cost(numerator, case), cost(denominator, case)
            value = top / bottom if top is not None and bottom else None
            ratios.append(dict(ratio='%s/%s' % (numerator, denominator), case=case, value=value, target=target))
    return ratios


def part_scale(workspace, control, sizes):
    info_playbook = workspace.write_playbook(
        'scale-info', play([{'name': 'read every callback of task 1', INFO: dict(task=1), 'register': 'bench_info'}]))
    results = []
    for count in sizes['scale']:
        control.replace_state(tasks(1), many_callbacks(1, count))
        runs = dict(plain=[], collection=[], playbook=[])
        for round_index in range(sizes['scale_rounds']):
            ways = ['plain', 'collection'] + (['playbook'] if round_index < sizes['scale_playbook_rounds'] else [])
            for way in rotated(ways, round_index):
                progress('part 3, %d callbacks, round %d/%d: %s' % (count, round_index + 1, sizes['scale_rounds'], way))
                control.reset_requests()
                run = workspace.play(info_playbook) if way == 'playbook' else workspace.probe(way, 1)
                if way != 'playbook' and run['items'] != count:
                    raise BenchError('scale: %s read %s callbacks of %s' % (way, run['items'], count))
                run['requests'] = len(control.requests())
                runs[way].append(run)
        results.append(_scale_entry(count, runs))
    return results


def _scale_entry(count, runs):
    plain_s = median([run['seconds'] for run in runs['plain']])
    collection_s = median([run['seconds'] for run in runs['collection']])
    return dict(
        callbacks=count, pages_budget=int(math.ceil(count / float(PAGE_CAP))),
        plain_s=plain_s, collection_call_s=collection_s, playbook_wall_s=median(
            [run['wall'] for run in runs['playbook']]),
        collection_over_plain=collection_s / plain_s if plain_s else None,
        requests=dict((way, max(run['requests'] for run in runs[way])) for way in runs),
        peak_mib=dict(plain=max(run['peak_kib'] for run in runs['plain']) / 1024.0,
                      collection=max(run['peak_kib'] for run in runs['collection']) / 1024.0,
                      playbook=max(run['peak_mib'] for run in runs['playbook'])),
        read_mib=dict(plain=max(run['peak_kib'] - run['peak_kib_before'] for run in runs['plain']) / 1024.0,
                      collection=max(run['peak_kib'] - run['peak_kib_before'] for run in runs['collection']) / 1024.0),
    )


def part_role(workspace, control, sizes):
    counts = (0,) + tuple(sizes['role'])
    largest = max(counts)
    runs = dict()
    jobs = [(count, case) for count in counts for case in sizes['role_cases']]
    for round_index in range(sizes['role_rounds']):
        progress('part 4, round %d/%d' % (round_index + 1, sizes['role_rounds']))
        for count, case in rotated(jobs, round_index):
            existing = one_callback_each(range(1, largest + 1), SCRIPT) if case == 'nothing to do' else []
            control.replace_state(tasks(largest), existing)
            items = [dict(task=task_id, type='filter', script=SCRIPT, state='present')
                     for task_id in range(1, count + 1)]
            steps = [
                {
                    'name': 'converge through the role',
                    'ansible.builtin.include_role': dict(name='nodeum.data_archiving.callbacks_as_code'),
                    'vars': dict(nodeum_task_callbacks=items),
                }
            ]
            path = workspace.write_playbook('role-%d' % count, play(steps))
            run = workspace.play(path, expect_changed=(1 if count and case == 'create' else 0))
            runs.setdefault(case, {}).setdefault(count, []).append(run)
    summary = []
    for case, by_count in runs.items():
        base = median([run['wall'] for run in by_count[0]])
        for count in sizes['role']:
            wall = median([run['wall'] for run in by_count[count]])
            summary.append(dict(case=case, callbacks=count, wall_s=wall,
                           per_callback_ms=1000 * (wall - base) / count, empty_role_s=base))
    return summary


def bulk_playbooks(workspace, count, script):
    """The empty play (the start-up every playbook pays), the bulk task over tasks 1..count, and the same
    list given to ansible.builtin.set_fact (what ansible-core spends on a task's list alone: the playbook
    loaded, the task's arguments templated; no module)."""
    items = [dict(task=str(task_id), script=script) for task_id in range(1, count + 1)]
    empty = workspace.write_playbook(
        'bulk-empty', play([{'name': 'nothing', 'ansible.builtin.debug': dict(msg='-', verbosity=3)}]))
    bulk = workspace.write_playbook(
        'bulk-%d' % count, play([{'name': 'converge in one task', BULK: dict(callbacks=items)}]))
    set_fact = [{'name': 'the list alone', 'ansible.builtin.set_fact': dict(bench_items=items)}]
    alone = workspace.write_playbook('bulk-list-%d' % count, play(set_fact))
    return dict(empty=empty, bulk=bulk, list=alone)


class DelayedLink:
    """benchmarks/delay_proxy.py in front of the emulator: a link with BULK_DELAY_S of latency each way."""

    def __init__(self, upstream_url, delay):
        self.delay = delay
        port = upstream_url.rsplit(':', 1)[1]
        argv = [sys.executable, str(BENCH_DIR / 'delay_proxy.py'), port, repr(delay), str(EMULATOR_LIFETIME)]
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        readable = select.select([self.process.stdout], [], [], 20)[0]
        line = self.process.stdout.readline() if readable else ''
        if not line.startswith('delay proxy listening on '):
            self.stop()
            raise BenchError('the delaying proxy did not start: %r' % line)
        self.url = line.rsplit(' ', 1)[1].strip()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


def check_link(direct_url, link_url, delay, samples=20):
    """Time GETs over the loopback and over the link, interleaved; the link must add at least twice the delay.

    A request and its answer each wait `delay` in the proxy, so no GET over the link can take less than
    2 * delay; a faster one means the traffic did not go through the delay, and the bench stops.
    """
    times = dict(loopback=[], link=[])
    sessions = dict(loopback=requests.Session(), link=requests.Session())
    try:
        for _sample in range(samples + 1):  # the first of each opens its connection: not counted
            for name, url in (('loopback', direct_url), ('link', link_url)):
                session = sessions[name]
                session.auth = (USERNAME, PASSWORD)
                start = time.perf_counter()
                answer = session.get(url + '/api/v2/tasks/1/task_callbacks', params=dict(limit=PAGE_CAP), timeout=30)
                answer.raise_for_status()
                times[name].append(time.perf_counter() - start)
    finally:
        for session in sessions.values():
            session.close()
    measured = dict((name, dict(min_ms=1000 * min(values[1:]), median_ms=1000 * median(values[1:])))
                    for name, values in times.items())
    measured.update(delay_each_way_ms=1000 * delay,
                    added_median_ms=measured['link']['median_ms'] - measured['loopback']['median_ms'])
    if measured['link']['min_ms'] < 2000 * delay:
        raise BenchError('the delayed link answered a GET in %.2f ms, less than the %.0f ms of its round trip; '
                         'the proxy does not delay' % (measured['link']['min_ms'], 2000 * delay))
    return measured


def kept_module(workspace, playbook, url, expect_changed):
    """Run the bulk playbook once with its remote files kept; return the path of its AnsiballZ payload.

    Running that file with the playbook's Python is the module alone, with the arguments ansible-playbook gave it.
    """
    remote_tmp = workspace.dir / 'home' / 'remote_tmp'
    shutil.rmtree(remote_tmp, ignore_errors=True)
    workspace.play(playbook, expect_changed=expect_changed, url=url, extra_env=dict(ANSIBLE_KEEP_REMOTE_FILES='1'))
    payloads = sorted(remote_tmp.glob('ansible-tmp-*/AnsiballZ_task_callbacks.py'))
    if len(payloads) != 1:
        raise BenchError('the bulk playbook left %d module payloads in %s, not one' % (len(payloads), remote_tmp))
    kept = workspace.dir / ('module-%s.py' % playbook.stem)
    shutil.move(str(payloads[0]), str(kept))
    shutil.rmtree(remote_tmp, ignore_errors=True)
    return kept


BULK_WAYS = ('empty', 'list', 'bulk', 'module', 'sequential', 'threaded')


def part_bulk(workspace, control, sizes):
    """Part 5: the bulk task against the hand-written scripts, over the loopback and over the delayed link."""
    link = DelayedLink(workspace.url, BULK_DELAY_S)
    try:
        link_check = check_link(workspace.url, link.url, BULK_DELAY_S)
        links = (('loopback', workspace.url), ('%g ms each way' % (1000 * BULK_DELAY_S), link.url))
        entries = []
        for count, case in sizes['bulk']:
            changes = case == 'everything changes'
            held = OLD_SCRIPT if changes else SCRIPT
            control.replace_state(tasks(count), one_callback_each(range(1, count + 1), held))
            playbooks = bulk_playbooks(workspace, count, SCRIPT)
            playbooks['module'] = kept_module(workspace, playbooks['bulk'], workspace.url, 1 if changes else 0)
            for name, url in links:
                group = (count, case, name, url)
                entries.append(bulk_group(workspace, control, sizes['bulk_rounds'], group, playbooks))
    finally:
        link.stop()
    return dict(link=link_check, entries=entries)


def bulk_group(workspace, control, rounds, group, playbooks):
    """Every way of one (size, case, link), once per round, the order rotating."""
    count, case, link_name, url = group
    changes = case == 'everything changes'
    runs = dict((way, []) for way in BULK_WAYS)
    for round_index in range(rounds):
        for way in rotated(list(BULK_WAYS), round_index):
            progress('part 5, %s, %d callbacks, %s, round %d/%d: %s'
                     % (link_name, count, case, round_index + 1, rounds, way))
            if changes and way != 'empty':
                control.replace_state(tasks(count), one_callback_each(range(1, count + 1), OLD_SCRIPT))
            control.reset_requests()
            run = bulk_run(workspace, way, playbooks, url, count, changes)
            run['requests'] = _method_counts(control.requests())
            runs[way].append(run)
    return _bulk_entry(count, case, link_name, runs)


def bulk_run(workspace, way, playbooks, url, count, changes):
    if way in ('empty', 'list', 'bulk'):
        return workspace.play(playbooks[way], expect_changed=(1 if changes and way == 'bulk' else 0), url=url)
    if way == 'module':
        run = timed_run([sys.executable, str(playbooks['module'])], workspace.env(url), str(workspace.dir))
        answer = _module_answer(run)
        if answer.get('failed') or answer.get('changed') != changes:
            raise BenchError('the bulk module alone failed or reported changed=%s:\n%s'
                             % (answer.get('changed'), _tail(run['output'])))
        run['answer_bytes'] = len(run.pop('output').encode('utf-8'))
        return run
    return workspace.handwritten(way, url, count, dict(same=0 if changes else count, updated=count if changes else 0))


def _module_answer(run):
    try:
        return json.loads(run['output'])
    except ValueError:
        raise BenchError('the bulk module alone printed no JSON answer (exit %s):\n%s'
                         % (run['rc'], _tail(run['output']))) from None


def _method_counts(log):
    counts = {}
    for entry in log:
        counts[entry['method']] = counts.get(entry['method'], 0) + 1
    return counts


def _bulk_entry(count, case, link_name, runs):
    def wall(way):
        return median([run['wall'] for run in runs[way]])
    # One GET per task; with changes, one PUT per callback and the changed tasks' names for the plan.
    budget = dict(GET=count)
    if case == 'everything changes':
        budget = dict(GET=count + math.ceil(count / NAMES_PER_REQUEST), PUT=count)
    entry = dict(link=link_name, callbacks=count, case=case, rounds=len(runs['bulk']), budget=budget,
                 requests=dict((way, runs[way][-1]['requests']) for way in BULK_WAYS if way not in ('empty', 'list')),
                 empty_playbook_s=wall('empty'), bulk_playbook_s=wall('bulk'), list_playbook_s=wall('list'),
                 module_s=wall('module'),
                 sequential_s=wall('sequential'), threaded_s=wall('threaded'),
                 module_answer_bytes=runs['module'][-1]['answer_bytes'])
    entry['bulk_task_s'] = entry['bulk_playbook_s'] - entry['empty_playbook_s']
    entry['list_task_s'] = entry['list_playbook_s'] - entry['empty_playbook_s']
    for way in ('sequential', 'threaded'):
        entry['bulk_over_%s' % way] = entry['bulk_task_s'] / entry['%s_s' % way] if entry['%s_s' % way] else None
    entry['module_over_threaded'] = entry['module_s'] / entry['threaded_s'] if entry['threaded_s'] else None
    entry['within_budget'] = all(_within(runs[way][-1]['requests'], budget) for way in ('bulk', 'module'))
    return entry


# Where the bulk task should be against the hand-written scripts: (link, callbacks, case) -> {ratio: at most}.
BULK_TARGETS = {
    ('loopback', 5000, 'nothing to change'): dict(bulk_over_sequential=1.5),
    ('5 ms each way', 5000, 'nothing to change'): dict(bulk_over_threaded=1.1, bulk_over_sequential=0.25),
}


def bulk_table(part):
    """Part 5 as a Markdown table, the form docs/performance.md quotes."""
    columns = ('link', 'callbacks', 'case', 'bulk task', 'the list alone', 'module alone', 'sequential script',
               '8 threads', 'bulk/sequential', 'bulk/8 threads', 'requests')
    lines = ['| %s |' % ' | '.join(columns), '|%s' % (' --- |' * len(columns))]
    for entry in part['entries']:
        targets = BULK_TARGETS.get((entry['link'], entry['callbacks'], entry['case']), {})
        cells = [entry['link'], '{:,}'.format(entry['callbacks']), entry['case']]
        timed = ('bulk_task_s', 'list_task_s', 'module_s', 'sequential_s', 'threaded_s')
        cells += ['%.2f s' % entry[key] for key in timed]
        cells += [_against(entry[key], targets.get(key)) for key in ('bulk_over_sequential', 'bulk_over_threaded')]
        cells.append(fmt_counts(entry['requests']['bulk']) + ('' if entry['within_budget'] else ' OVER BUDGET'))
        lines.append('| %s |' % ' | '.join(cells))
    check = part['link']
    lines.append('')
    lines.append('The delayed link: a GET took %.2f ms over the loopback, %.2f ms over the link (medians: the link '
                 'adds %.2f ms for a round trip of 2 x %g ms; none took less than %.2f ms).'
                 % (check['loopback']['median_ms'], check['link']['median_ms'], check['added_median_ms'],
                    check['delay_each_way_ms'], check['link']['min_ms']))
    return lines


def _against(value, target):
    if value is None:
        return 'n/a'
    if target is None:
        return '%.2f' % value
    return '**%.2f** (target %g: %s)' % (value, target, 'met' if value <= target else 'not met')


def fmt_counts(counts):
    order = ('GET', 'POST', 'PUT', 'DELETE')
    parts = ['%d %s' % (counts[method], method) for method in order if counts.get(method)]
    return ' + '.join(parts) or '0'


def table_rows(results):
    rows = []
    for entry in results['round_trips']:
        verdict = 'ok' if entry['within_budget'] else 'OVER BUDGET'
        limits = ' limit=%s' % ','.join(entry['page_limits']) if entry['page_limits'] else ''
        rows.append(('1 round trips', entry['operation'], fmt_counts(
            entry['measured']) + limits, 'budget ' + fmt_counts(entry['budget']), verdict))
    labels = dict(VARIANTS)
    for entry in results['alternatives']:
        unit = 'callback' if entry['variant'] == 'b' else 'task'
        what = '(%s) %s%s' % (entry['variant'], labels[entry['variant']],
                              '' if entry['case'] == '-' else ', ' + entry['case'])
        rows.append(('2 marginal cost', what, '%.1f ms/%s' % (entry['marginal_ms'], unit),
                     'cpu %.1f ms; slope %d->%d tasks' % (entry['marginal_cpu_ms'],
                                                          entry['sizes'][0], entry['sizes'][1]),
                     'median of %d' % entry['runs']))
    for ratio in results['ratios']:
        if ratio['value'] is None:
            continue
        verdict = '' if ratio['target'] is None else (
            'within %g' % ratio['target'] if ratio['value'] <= ratio['target'] else 'ABOVE %g' % ratio['target'])
        rows.append(
            (
                '2 ratio',
                '%s, %s' % (ratio['ratio'], ratio['case']),
                '%.2f' % ratio['value'],
                '1/%.1f' % (1 / ratio['value']) if ratio['value'] else '',
                verdict,
            )
        )
    for entry in results['scale']:
        requests = '/'.join(str(entry['requests'][way]) for way in ('collection', 'playbook', 'plain'))
        peaks = tuple(entry['peak_mib'][way] for way in ('collection', 'playbook', 'plain'))
        rows.append(('3 scale (page cap %d)' % PAGE_CAP, 'info over %d callbacks' % entry['callbacks'],
                     'call %.3f s, playbook %.2f s' % (entry['collection_call_s'], entry['playbook_wall_s']),
                     'plain loop %.3f s; requests %s (budget %d)' % (entry['plain_s'], requests, entry['pages_budget']),
                     'x%.2f of plain; peak MiB %.0f/%.0f/%.0f' % ((entry['collection_over_plain'],) + peaks)))
    for entry in results['role']:
        rows.append(
            (
                '4 role',
                '%s, %d callbacks' % (entry['case'], entry['callbacks']),
                '%.1f ms/callback' % entry['per_callback_ms'],
                'wall %.2f s, empty role %.2f s' % (entry['wall_s'], entry['empty_role_s']),
                '',
            )
        )
    return rows


def print_table(rows):
    header = ('part', 'measure', 'value', 'reference', 'verdict')
    widths = [max(len(str(row[column])) for row in rows + [header]) for column in range(len(header))]
    line = '  '.join('%-*s' % (width, title) for width, title in zip(widths, header))
    print(line)
    print('-' * len(line))
    for row in rows:
        print('  '.join('%-*s' % (width, cell) for width, cell in zip(widths, row)).rstrip())


def save(results, output):
    """Write the figures so far: a long run that fails late keeps what it measured."""
    Path(output).write_text(json.dumps(results, indent=2, sort_keys=True) + '\n', encoding='utf-8')


def parse_options(argv):
    """The options of the command line, and the sizes they choose."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--smoke', action='store_true',
                        help='tiny sizes and one round, to check that the benchmark still runs')
    parser.add_argument('--output', default=str(RESULTS),
                        help='where to write the JSON figures (default: benchmarks/results.json)')
    parser.add_argument('--parts', default='1,2,3,4,5', help='which parts to run, e.g. 1,3')
    parser.add_argument('--bulk-counts', help='part 5 at these sizes only, e.g. 5000 (default: every size)')
    parser.add_argument('--bulk-rounds', type=int, help='part 5 with this many rounds (default: 3, or 1 with --smoke)')
    options = parser.parse_args(argv)
    smoke = options.smoke or os.environ.get('BENCH_SMOKE') not in (None, '', '0')
    sizes = dict(SMOKE if smoke else FULL)
    if options.bulk_counts:
        sizes['bulk'] = tuple(case for case in sizes['bulk'] if str(case[0]) in options.bulk_counts.split(','))
    sizes['bulk_rounds'] = options.bulk_rounds or sizes['bulk_rounds']
    return options, smoke, sizes


def run_parts(parts, workspace, control, sizes, results, output):
    """Run the chosen parts in order, writing the figures after each."""
    if '1' in parts:
        results['round_trips'] = part_round_trips(workspace, control)
        save(results, output)
    if '2' in parts:
        results['alternatives'] = part_alternatives(workspace, control, sizes)
        results['ratios'] = alternative_ratios(results['alternatives'])
        save(results, output)
    if '3' in parts:
        results['scale'] = part_scale(workspace, control, sizes)
        save(results, output)
    if '4' in parts:
        results['role'] = part_role(workspace, control, sizes)
        save(results, output)
    if '5' in parts:
        results['bulk'] = part_bulk(workspace, control, sizes)


def report(results, sizes, output):
    """Print the tables and the run's line; 1 when a part sent more requests than its budget, else 0."""
    rows = table_rows(results)
    if rows:
        print_table(rows)
    if results['bulk']['entries']:
        print('\nPart 5: the bulk task against a hand-written requests script (medians of %d rounds)\n'
              % sizes['bulk_rounds'])
        print('\n'.join(bulk_table(results['bulk'])))
    machine = results['machine']
    print('\n%s in %.0f s on %d CPUs (load average %.1f at the start, %.1f at the end); figures in %s'
          % ('smoke run' if results['smoke'] else 'bench', results['seconds'], machine['cpus'],
             machine['load_average_at_start'][0], machine['load_average_at_end'][0], output))
    over = [entry['operation'] for entry in results['round_trips'] if not entry['within_budget']]
    over += ['task_callbacks, %d callbacks, %s, %s' % (entry['callbacks'], entry['case'], entry['link'])
             for entry in results['bulk']['entries'] if not entry['within_budget']]
    if over:
        print('bench: round trips over budget: %s' % ', '.join(over), file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    options, smoke, sizes = parse_options(argv)
    load_at_start = os.getloadavg()
    signal.signal(signal.SIGTERM, _stop_on_signal)  # so that the emulator and the workspace are cleaned up
    started = time.time()
    url, process = start_emulator(page_cap=PAGE_CAP, lifetime=EMULATOR_LIFETIME, python=sys.executable)
    workspace = Workspace(url)
    results = dict(smoke=smoke, sizes=sizes, page_cap=PAGE_CAP, round_trips=[], alternatives=[], ratios=[],
                   scale=[], role=[], bulk=dict(link=None, entries=[]))
    try:
        run_parts(set(options.parts.split(',')), workspace, EmulatorControl(url), sizes, results, options.output)
    except BenchError as error:
        print('bench: %s' % error, file=sys.stderr)
        return 1
    finally:
        stop_emulator(process)
        workspace.remove()
    results['seconds'] = time.time() - started
    results['machine'] = dict(
        cpus=os.cpu_count(),
        load_average_at_start=load_at_start,
        load_average_at_end=os.getloadavg(),
        python=sys.version.split()[0],
    )
    save(results, options.output)
    return report(results, sizes, options.output)


if __name__ == '__main__':
    sys.exit(main())
