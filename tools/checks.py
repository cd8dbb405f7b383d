"""Run the collection's checks one after the other and print one status line per check.

    .venv/bin/python tools/checks.py             # every check (what `make test` runs)
    .venv/bin/python tools/checks.py units lint  # only the named checks (see --list)

Each check runs from the repo root with .venv/bin first on PATH; its whole output goes to
build/logs/<slug>.log, and the terminal gets one line (name, passed/failed/skipped, seconds),
plus the tail of the log when it failed. A failed check does not stop the others.

Counting: a check that writes JUnit XML files into $CHECK_JUNIT_DIR (build/junit/<slug>,
emptied before it runs; tools/staged.py copies ansible-test's tests/output/junit there)
counts one result per test case; skipped test cases are not counted. A check without JUnit
output counts as one result. A check that exits non-zero counts at least one failure.
The last line printed is exactly "N passed, M failed"; the exit code is 1 when M > 0.

To add a check, append one line to CHECKS below, for example:

    Check('release check', ('tools/release-check.sh',)),
    Check('reliability', (PYTHON, '-m', 'pytest', 'tests/reliability', f'--junitxml={JUNIT}/pytest.xml'), needs='tests/reliability'),

Fields: name; command (argv; '{python}' and '{junit}' are replaced by the venv python and
the check's JUnit directory; wrap it in STAGED to run it in the staged collection tree);
env (extra environment variables); needs (a glob relative to the repo root: the check is
skipped, and not counted, when nothing matches); timeout in seconds (the check's process
group is killed after it and the check fails).
"""

import argparse
import dataclasses
import glob
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / 'build' / 'logs'
JUNIT_ROOT = ROOT / 'build' / 'junit'
VENV_BIN = ROOT / '.venv' / 'bin'

PYTHON = '{python}'
JUNIT = '{junit}'
STAGED = (PYTHON, 'tools/staged.py')
ANSIBLE_TEST = (*STAGED, 'ansible-test')
LOCAL = ('--local', '--python', '3.11', '--color', 'no')
TAIL_LINES = 30


@dataclasses.dataclass(frozen=True)
class Check:
    """One check: a command whose exit code (and JUnit files, if any) give its results."""

    name: str
    command: tuple
    env: dict = dataclasses.field(default_factory=dict)
    needs: str = ''
    timeout: int = 900

    @property
    def slug(self):
        """Return the check's name as used for its log file and on the command line."""
        return re.sub(r'[^a-z0-9]+', '-', self.name.lower()).strip('-')


def integration(name, **env):
    """Return an ansible-test integration check; env holds the execution-path switches."""
    return Check(name, (*ANSIBLE_TEST, 'integration', *LOCAL), env=env, needs='tests/integration/targets/*/aliases')


CHECKS = [
    Check('emulator tests', (PYTHON, '-m', 'pytest', 'tests/emulator_tests', '-p', 'no:cacheprovider', f'--junitxml={JUNIT}/pytest.xml'),
          needs='tests/emulator_tests/**/test_*.py'),
    Check('ansible-lint', (*STAGED, 'ansible-lint')),
    Check('docs lint', (*STAGED, 'antsibull-docs', 'lint-collection-docs', '--plugin-docs', '.')),
    Check('build and ansible-doc', ('tools/build-doc.sh',)),
    Check('sanity', (*ANSIBLE_TEST, 'sanity', *LOCAL, '--junit')),
    Check('units', (*ANSIBLE_TEST, 'units', *LOCAL), needs='tests/unit/**/test_*.py'),
    integration('integration'),
    integration('integration (module path)', NODEUM_EXECUTION_PATH='module', NODEUM_FORCE_MODULE='1'),
    Check('action group', (PYTHON, '-m', 'pytest', 'tests/meta', '-p', 'no:cacheprovider', f'--junitxml={JUNIT}/pytest.xml'), needs='tests/meta/test_*.py'),
    Check('execution environment', (PYTHON, 'tools/check_ee.py')),
    Check('docs site', (PYTHON, 'tools/docsite.py')),
    Check('release check', ('tools/release-check.sh',)),
    Check('reliability', (PYTHON, '-m', 'pytest', 'tests/reliability', 'tests/unit/plugins/module_utils/test_properties.py', '-n', '2', '--dist', 'loadgroup', '-p', 'no:cacheprovider', f'--junitxml={JUNIT}/pytest.xml'), needs='tests/reliability/test_*.py'),
    Check('bench smoke', (PYTHON, 'benchmarks/bench.py', '--smoke', '--output', 'build/bench-smoke.json'), timeout=600),
]


@dataclasses.dataclass
class Outcome:
    """What one check gave."""

    status: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    passed: int = 0
    failed: int = 0
    detail: str = ''


def junit_counts(junit_dir):
    """Return (passed, failed) over all test cases in the JUnit files under junit_dir, or None if there are none."""
    passed = failed = 0
    found = False
    for path in sorted(junit_dir.rglob('*.xml')):
        try:
            tree = ET.parse(path)
        except ET.ParseError:
            failed += 1
            found = True
            continue
        for case in tree.iter('testcase'):
            found = True
            tags = {child.tag for child in case}
            if tags & {'failure', 'error'}:
                failed += 1
            elif 'skipped' not in tags:
                passed += 1
    return (passed, failed) if found else None


def check_environment(check, junit_dir):
    """Return the environment a check runs with."""
    env = dict(os.environ)
    env['PATH'] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', os.defpath)}"
    env['VIRTUAL_ENV'] = str(VENV_BIN.parent)
    env['CHECK_JUNIT_DIR'] = str(junit_dir)
    env.setdefault('PYTHONDONTWRITEBYTECODE', '1')
    env.setdefault('NO_COLOR', '1')  # plain logs (ansible-lint, pytest)
    env.update(check.env)
    return env


def run_process(argv, env, log, timeout):
    """Run argv in its own process group with output to log; return its exit code, or None on timeout."""
    with subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                          start_new_session=True) as process:
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            return None


def run_check(check):
    """Run one check and return its outcome."""
    if check.needs and not glob.glob(check.needs, root_dir=ROOT, recursive=True):
        return Outcome('skipped', detail=f'nothing matches {check.needs}')
    junit_dir = JUNIT_ROOT / check.slug
    shutil.rmtree(junit_dir, ignore_errors=True)
    junit_dir.mkdir(parents=True)
    argv = [part.replace(PYTHON, str(VENV_BIN / 'python')).replace(JUNIT, str(junit_dir)) for part in check.command]
    log_path = LOGS / f'{check.slug}.log'
    start = time.monotonic()
    cpu_start = children_cpu_seconds()
    with open(log_path, 'w', encoding='utf-8') as log:
        log.write(f"$ {' '.join(argv)}\n")
        log.flush()
        try:
            returncode = run_process(argv, check_environment(check, junit_dir), log, check.timeout)
        except OSError as error:
            log.write(f'cannot start {argv[0]}: {error}\n')
            returncode = 127
        if returncode is None:
            log.write(f'\nchecks.py: killed after the {check.timeout} s timeout\n')
    seconds = time.monotonic() - start
    cpu_seconds = children_cpu_seconds() - cpu_start
    counts = junit_counts(junit_dir)
    if counts is None:
        passed, failed = (1, 0) if returncode == 0 else (0, 1)
        detail = ''
    else:
        passed, failed = counts
        if returncode != 0 and failed == 0:
            failed = 1  # the run failed outside any test case (crash, collection error, timeout)
        detail = f'{passed + failed} tests, {failed} failing'
    if returncode is None:
        detail = f'timed out after {check.timeout} s'
    status = 'passed' if returncode == 0 and failed == 0 else 'failed'
    return Outcome(status, seconds, cpu_seconds, passed, failed, detail)


def children_cpu_seconds():
    """Return the CPU time used so far by finished child processes (a load-independent measure of a check's cost)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def show_tail(log_path):
    """Print the last lines of a failed check's log."""
    lines = log_path.read_text(encoding='utf-8', errors='replace').splitlines()
    print(f'    --- last {min(TAIL_LINES, len(lines))} lines of {log_path.relative_to(ROOT)} ---')
    for line in lines[-TAIL_LINES:]:
        print(f'    {line}')


def select(names):
    """Return the checks named (by slug, or slug prefix followed by '-'), all when names is empty."""
    if not names:
        return CHECKS
    chosen = [check for check in CHECKS if any(check.slug == name or check.slug.startswith(name + '-') for name in names)]
    unknown = [name for name in names if not any(check.slug == name or check.slug.startswith(name + '-') for check in CHECKS)]
    if unknown:
        raise SystemExit(f"checks.py: unknown check {', '.join(unknown)}; known: {', '.join(check.slug for check in CHECKS)}")
    return chosen


def main():
    """Run the selected checks and print the summary line."""
    parser = argparse.ArgumentParser(description='Run the collection checks.')
    parser.add_argument('names', nargs='*', help='check slugs to run (default: all)')
    parser.add_argument('--list', action='store_true', help='list the checks and exit')
    args = parser.parse_args()
    if args.list:
        for check in CHECKS:
            print(f'{check.slug:<28} {check.name}')
        return 0
    checks = select(args.names)
    LOGS.mkdir(parents=True, exist_ok=True)
    if not (VENV_BIN / 'python').exists():
        print('checks.py: .venv is missing; run make venv first.', file=sys.stderr)
    total_passed = total_failed = 0
    width = max(len(check.name) for check in checks)
    for check in checks:
        if sys.stdout.isatty():
            print(f'{check.name:<{width}}  running...', end='\r', flush=True)
        outcome = run_check(check)
        detail = f'  {outcome.detail}' if outcome.detail else ''
        print(f'{check.name:<{width}}  {outcome.status:<7} {outcome.seconds:6.1f} s  (cpu {outcome.cpu_seconds:.0f} s){detail}', flush=True)
        if outcome.status == 'failed':
            show_tail(LOGS / f'{check.slug}.log')
        total_passed += outcome.passed
        total_failed += outcome.failed
    print(f'{total_passed} passed, {total_failed} failed', flush=True)
    return 1 if total_failed else 0


if __name__ == '__main__':
    sys.exit(main())
