# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the controller's time goes in one bulk task: cProfile around ansible-playbook and around the module alone.

    make nox ARGS='-s bench -- profile [--count 5000] [--changed]'

It starts the emulator with COUNT tasks of one filter callback each, runs one task_callbacks task over all of them
(nothing to change, or with --changed every script changed) through ansible-playbook with cProfile in the
ansible-playbook process and in its worker (the forked process that templates the task, runs the action plugin and
reads the module's answer), then runs the module's AnsiballZ payload alone under cProfile. For each process it
prints the time by owner (this collection, ansible-core, requests and urllib3, the rest) and the functions with the
most cumulative time, and keeps the profiles in build/profile/ for `python -m pstats`.
"""

from __future__ import absolute_import, division, print_function

import argparse
import cProfile
import json
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUTPUT = BENCH_DIR.parent / 'build' / 'profile'

OWNERS = (
    ('this collection', ('ansible_collections/nodeum/data_archiving',)),
    ('ansible-core', ('/ansible/', '/ansible_test/')),
    ('requests, urllib3', ('/requests/', '/urllib3/', '/idna/', '/certifi/', '/charset_normalizer/')),
    ('jinja2, markupsafe', ('/jinja2/', '/markupsafe/')),
    ('PyYAML', ('/yaml/', '_yaml')),
)


# What each process spends its time on, as cumulative times: (label, whose, "file name ending:function").
PHASES = dict(
    main=(
        ('loading the playbook: YAML, then a copy of the parsed data', 'ansible-core',
         'ansible/playbook/__init__.py:_load_playbook_data'),
        ('the result handed to the callbacks: copied, cleaned, made native', 'ansible-core',
         'ansible/executor/task_queue_manager.py:send_callback'),
        ('waiting for the worker', 'ansible-core', 'ansible/plugins/strategy/__init__.py:_wait_on_pending_results'),
    ),
    worker=(
        ("templating the task's arguments", 'ansible-core', 'ansible/playbook/task.py:post_validate'),
        ("the action plugin's own work: option names, script_file", 'this collection',
         'plugins/action/task_callback.py:module_arguments'),
        ('building the module payload: module_utils, the arguments as JSON', 'ansible-core',
         'ansible/plugins/action/__init__.py:_configure_module'),
        ('running the module (its own process, profiled below)', '-',
         'ansible/plugins/action/__init__.py:_low_level_execute_command'),
        ("reading the module's answer (JSON)", 'ansible-core',
         'ansible/plugins/action/__init__.py:_parse_returned_data'),
        ('sending the result to the main process (pickle)', 'ansible-core',
         'ansible/executor/task_queue_manager.py:send_task_result'),
    ),
    module=(
        ('reading and checking the arguments (AnsibleModule, the argument spec)', 'ansible-core',
         'ansible/module_utils/basic.py:__init__'),
        ('the requests and the decisions', 'this collection', 'plugins/module_utils/module_run.py:execute'),
        ('the answer: secrets masked in it, then JSON (exit_json)', 'ansible-core',
         'ansible/module_utils/basic.py:_return_formatted'),
    ),
)


def phases(stats, kind):
    """[(label, whose, cumulative seconds)] of the process's phases."""
    rows = []
    for label, whose, where in PHASES[kind]:
        ending, function = where.rsplit(':', 1)
        seconds = sum(values[3] for (filename, _line, name), values in stats.stats.items()
                      if filename.endswith(ending) and name == function)
        rows.append((label, whose, seconds))
    return rows


def owner(filename):
    for name, markers in OWNERS:
        if any(marker in filename for marker in markers):
            return name
    return 'Python and the rest' if filename not in ('~',) else 'built-ins'


def by_owner(stats):
    """{owner: seconds spent in its own code (tottime)}, and the whole."""
    totals = {}
    for (filename, _line, _name), (_calls, _primitive, tottime, _cumtime, _callers) in stats.stats.items():
        key = owner(filename)
        totals[key] = totals.get(key, 0.0) + tottime
    return totals, stats.total_tt


def report(title, kind, path, top=30):
    stats = pstats.Stats(str(path))
    totals, whole = by_owner(stats)
    print('\n== %s (%s): %.2f s of profiled time, %d function calls' % (title, path.name, whole, stats.total_calls))
    steps = phases(stats, kind)
    for label, whose, seconds in steps:
        print('   %-72s %-16s %7.2f s  %5.1f %%' % (label, whose, seconds, 100 * seconds / whole if whole else 0))
    print('   -- time in the code of each owner (own time):')
    for key, seconds in sorted(totals.items(), key=lambda pair: -pair[1]):
        print('   %-22s %7.2f s  %5.1f %%' % (key, seconds, 100 * seconds / whole if whole else 0))
    print('   -- the %d functions with the most cumulative time:' % top)
    rows = sorted(stats.stats.items(), key=lambda pair: -pair[1][3])[:top]
    for (filename, line, name), (calls, _primitive, tottime, cumtime, _callers) in rows:
        where = filename.split('site-packages/')[-1].split('ansible_collections/')[-1]
        print('   %7.2f s cum %7.2f s own %9d calls  %s:%d %s' % (cumtime, tottime, calls, where, line, name))
    return dict(profiled_s=whole, calls=stats.total_calls, by_owner=totals,
                phases=[dict(phase=label, owner=whose, seconds=seconds) for label, whose, seconds in steps])


def inside_playbook(output, argv):
    """Run ansible-playbook in this process under cProfile, and each worker it forks under its own."""
    from ansible.cli.playbook import PlaybookCLI
    from ansible.executor.process import worker

    original = worker.WorkerProcess._run

    def profiled_run(self):
        profile = cProfile.Profile()
        profile.enable()
        try:
            return original(self)
        finally:
            profile.disable()
            profile.dump_stats(str(Path(output) / ('worker-%d.prof' % os.getpid())))

    worker.WorkerProcess._run = profiled_run
    profile = cProfile.Profile()
    profile.enable()
    try:
        status = PlaybookCLI.cli_executor(['ansible-playbook'] + argv)
    finally:
        profile.disable()
        profile.dump_stats(str(Path(output) / 'ansible-playbook.prof'))
    return status


def inside_module(output, payload):
    """Run the module's AnsiballZ payload in this process under cProfile, as its own Python would run it."""
    import runpy

    profile = cProfile.Profile()
    profile.enable()
    try:
        runpy.run_path(payload, run_name='__main__')
    except SystemExit:
        pass
    finally:
        profile.disable()
        profile.dump_stats(str(Path(output) / 'module.prof'))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--count', type=int, default=5000)
    parser.add_argument('--changed', action='store_true', help='every item an update')
    parser.add_argument('--output', default=str(OUTPUT))
    parser.add_argument('--inside-playbook', nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.add_argument('--inside-module', help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.inside_playbook is not None:
        return inside_playbook(options.output, options.inside_playbook)
    if options.inside_module is not None:
        return inside_module(options.output, options.inside_module)
    return profile_bulk(options)


def profile_bulk(options):
    import bench  # benchmarks/ is this script's directory
    from emulator_control import EmulatorControl, start_emulator, stop_emulator

    output = Path(options.output)
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    url, process = start_emulator(page_cap=bench.PAGE_CAP, lifetime=bench.EMULATOR_LIFETIME, python=sys.executable)
    workspace = bench.Workspace(url)
    summary = dict(count=options.count, changed=options.changed)
    held = bench.one_callback_each(range(1, options.count + 1), bench.OLD_SCRIPT if options.changed else bench.SCRIPT)
    try:
        control = EmulatorControl(url)
        control.replace_state(bench.tasks(options.count), held)
        playbooks = bench.bulk_playbooks(workspace, options.count, bench.SCRIPT)
        payload = bench.kept_module(workspace, playbooks['bulk'], url, 1 if options.changed else 0)
        control.replace_state(bench.tasks(options.count), held)
        argv = [sys.executable, __file__, '--output', str(output), '--inside-playbook',
                '-i', str(workspace.dir / 'inventory.ini'), str(playbooks['bulk'])]
        run = bench.timed_run(argv, workspace.env(), str(workspace.dir))
        if run['rc'] != 0:
            raise bench.BenchError('the profiled playbook failed:\n%s' % run['output'][-3000:])
        summary['playbook_wall_s'] = run['wall']
        control.replace_state(bench.tasks(options.count), held)
        argv = [sys.executable, __file__, '--output', str(output), '--inside-module', str(payload)]
        start = time.perf_counter()
        run = bench.timed_run(argv, workspace.env(), str(workspace.dir))
        summary['module_wall_s'] = time.perf_counter() - start
        summary['module_answer_bytes'] = len(run['output'].encode('utf-8'))
        answer = json.loads(run['output'])
        summary['module_answer_bytes_by_key'] = dict((key, len(json.dumps(value))) for key, value in answer.items())
    finally:
        stop_emulator(process)
        workspace.remove()
    case = 'every script changed' if options.changed else 'nothing to change'
    print('bulk task over %d callbacks (%s): the profiled playbook took %.2f s (wall), the module alone %.2f s; '
          'the module answered %d bytes' % (options.count, case, summary['playbook_wall_s'], summary['module_wall_s'],
                                            summary['module_answer_bytes']))
    print('the answer by key, in bytes of JSON: %s' % ', '.join('%s %d' % pair for pair in sorted(
        summary['module_answer_bytes_by_key'].items(), key=lambda pair: -pair[1])))
    summary['ansible-playbook'] = report('ansible-playbook, the main process', 'main', output / 'ansible-playbook.prof')
    workers = sorted(output.glob('worker-*.prof'))
    summary['workers'] = [report('the worker of the task', 'worker', path) for path in workers]  # one: the bulk task
    summary['module'] = report('the module alone', 'module', output / 'module.prof')
    (output / 'summary.json').write_text(json.dumps(summary, indent=2, sort_keys=True) + '\n', encoding='utf-8')
    print('\nprofiles in %s (python -m pstats FILE)' % output)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
