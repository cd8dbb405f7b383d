"""Run the collection's checks and print one status line per check.

    .venv/bin/python tools/checks.py             # every check (what `make test` runs)
    .venv/bin/python tools/checks.py units lint  # only the named checks (see --list)
    .venv/bin/python tools/checks.py --jobs 1    # one check at a time (default: 2 at once)

Each check runs from the repo root with .venv/bin first on PATH; its whole output goes to
build/logs/<slug>.log, and the terminal gets one line when it ends (name, passed/failed/
skipped, wall and CPU seconds), plus the tail of the log when it failed. A failed check does
not stop the others. Checks run two at a time on the machine's two cores, in list order,
except that checks sharing a `lock` never overlap and a check with cpus=2 runs alone.
Checks wrapped in STAGED get a staged tree of their own (build/checks/<slug>/collections),
so they do not wait for each other.

Counting: a check that writes JUnit XML files into $CHECK_JUNIT_DIR (build/junit/<slug>,
emptied before it runs; tools/staged.py copies ansible-test's tests/output/junit there)
counts one result per test case; skipped test cases are not counted. A check without JUnit
output counts as one result. A check that exits non-zero counts at least one failure; the
failed cases of a check that exits 0 were failures its tests expected (a negative case run by
an integration target, recorded by ansible's junit callback) and are left out of the count.
A check that exits with SKIPPED_EXIT (77) could not run here (such as an ansible-core line
whose Python is not installed): it is reported as skipped, with the last line of its log as
the reason, and not counted.
The last line printed is exactly "N passed, M failed"; the exit code is 1 when M > 0.

To add a check, append one line to CHECKS below, for example:

    Check('release check', ('tools/release-check.sh',)),
    Check('reliability', (PYTHON, '-m', 'pytest', 'tests/reliability', f'--junitxml={JUNIT}/pytest.xml'), needs='tests/reliability'),

Fields: name; command (argv; '{python}' and '{junit}' are replaced by the venv python and
the check's JUnit directory; prefix it with STAGED to run it in a staged collection tree);
env (extra environment variables); needs (a glob relative to the repo root: the check is
skipped, and not counted, when nothing matches); timeout in seconds (the check's process
group is killed after it and the check fails); lock (a name: checks with the same lock
never run at the same time); cpus (2 for a check that keeps both cores busy by itself,
such as pytest -n 2: it then runs alone). Put long checks early in the list.
"""

import argparse
import dataclasses
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / 'build' / 'logs'
JUNIT_ROOT = ROOT / 'build' / 'junit'
STAGES = ROOT / 'build' / 'checks'
VENV_BIN = ROOT / '.venv' / 'bin'

PYTHON = '{python}'
JUNIT = '{junit}'
STAGED = (PYTHON, 'tools/staged.py')
ANSIBLE_TEST = (*STAGED, 'ansible-test')
LOCAL = ('--local', '--python', '3.11', '--color', 'no')
TAIL_LINES = 30
DEFAULT_JOBS = 2
KILL_GRACE_SECONDS = 15
SKIPPED_EXIT = 77  # the automake convention for a test that cannot run here


@dataclasses.dataclass(frozen=True)
class Check:
    """One check: a command whose exit code (and JUnit files, if any) give its results."""

    name: str
    command: tuple
    env: dict = dataclasses.field(default_factory=dict)
    needs: str = ''
    timeout: int = 900
    lock: str = ''
    cpus: int = 1

    @property
    def slug(self):
        """Return the check's name as used for its log file and on the command line."""
        return re.sub(r'[^a-z0-9]+', '-', self.name.lower()).strip('-')


def integration(name, **env):
    """Return an ansible-test integration check; env holds the execution-path switches."""
    return Check(name, (*ANSIBLE_TEST, 'integration', *LOCAL), env=env, needs='tests/integration/targets/*/aliases')


def core_line(line, cell):
    """Return a check of the oldest or newest ansible-core line: one matrix cell on FAST_TARGETS (tools/matrix.py)."""
    return Check(f'ansible-core {line} {cell}', (PYTHON, 'tools/matrix.py', '--core', line, '--cell', cell, '--targets', FAST_TARGETS),
                 needs='tests/integration/targets/*/aliases')


# The targets where the two execution paths differ most in shape (execution_path compares their
# results) and a short one of both modules: enough for a change that breaks one line to fail here.
FAST_TARGETS = 'task_callback,task_callback_info'

# Long checks first: the scheduler starts them in this order (a cpus=2 check waits for both
# cores, so it goes last). The two integration runs may overlap: each has its own staged
# tree and HOME, and their targets start their emulators on port 0.
CHECKS = [
    Check('sanity', (*ANSIBLE_TEST, 'sanity', *LOCAL, '--junit')),
    integration('integration'),
    Check('units', (*ANSIBLE_TEST, 'units', *LOCAL), needs='tests/unit/**/test_*.py'),
    core_line('2.16', 'module-path'),
    core_line('2.21', 'module-path'),
    Check('galaxy-importer', (PYTHON, 'tools/galaxy_importer.py')),
    Check('emulator tests', (PYTHON, '-m', 'pytest', 'tests/emulator_tests', '-p', 'no:cacheprovider', f'--junitxml={JUNIT}/pytest.xml'),
          needs='tests/emulator_tests/**/test_*.py'),
    # Round trips, listing, and the bulk part at 2 callbacks (four short playbooks): the other
    # playbook-timing parts start dozens of playbooks, which is minutes of CPU for figures a smoke
    # run cannot give; make bench runs them.
    Check('bench smoke', (PYTHON, 'benchmarks/bench.py', '--smoke', '--parts', '1,3,5', '--output', 'build/bench-smoke.json'), timeout=600),
    Check('network lane', (PYTHON, '-m', 'pytest', 'tests/reliability/network_lane.py', '-p', 'no:cacheprovider', '-rs', f'--junitxml={JUNIT}/pytest.xml'),
          env={'NODEUM_NETWORK_LANE': 'short'}, needs='tests/reliability/network_lane.py', timeout=600),
    Check('ansible-lint', (*STAGED, 'ansible-lint')),
    Check('release check', ('tools/release-check.sh',)),
    Check('docs lint', (*STAGED, 'antsibull-docs', 'lint-collection-docs', '--plugin-docs', '.')),
    Check('docs site', (PYTHON, 'tools/docsite.py')),
    Check('build and ansible-doc', ('tools/build-doc.sh',)),
    Check('execution environment', (PYTHON, 'tools/check_ee.py')),
    # The collection's metadata against its facts: action group, SEE ALSO links, role connection
    # variables, README sections and publication files (tests/meta, every file of it).
    Check('collection metadata', (PYTHON, '-m', 'pytest', 'tests/meta', '-p', 'no:cacheprovider', f'--junitxml={JUNIT}/pytest.xml'),
          needs='tests/meta/test_*.py'),
    Check('no sanity ignores', (PYTHON, 'tools/no_sanity_ignores.py')),
    Check('actionlint', ('tools/actionlint.sh',), timeout=300),
    Check('zizmor', ('zizmor', '--offline', '.github/workflows'), timeout=120),
    Check('reuse lint', ('reuse', 'lint'), timeout=120),
    Check('release dry run', ('tools/release-dry-run-check.sh',), timeout=300),
    Check('reliability', (PYTHON, '-m', 'pytest', 'tests/reliability', '-n', '2', '--dist', 'loadgroup',
                          '-p', 'no:cacheprovider', f'--junitxml={JUNIT}/pytest.xml'), needs='tests/reliability/test_*.py', cpus=2),
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


class ProcessGroups:
    """The process groups of the running checks, so that all can be stopped on Ctrl-C."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pids = set()

    def add(self, pid):
        """Remember a running check's process group."""
        with self._lock:
            self._pids.add(pid)

    def discard(self, pid):
        """Forget a finished check's process group."""
        with self._lock:
            self._pids.discard(pid)

    def terminate_all(self):
        """Send SIGTERM to every running check's process group."""
        with self._lock:
            pids = list(self._pids)
        for pid in pids:
            signal_group(pid, signal.SIGTERM)


RUNNING = ProcessGroups()


def signal_group(pid, signum):
    """Send signum to the process group led by pid, if it still exists."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


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
    env['NODEUM_STAGE_DIR'] = str(STAGES / check.slug / 'collections')
    env.setdefault('PYTHONDONTWRITEBYTECODE', '1')
    env.setdefault('NO_COLOR', '1')  # plain logs (ansible-lint, pytest)
    env.update(check.env)
    return env


def stop_group(pid, timed_out):
    """Timer callback: stop a check's process group that ran past its timeout."""
    timed_out.set()
    signal_group(pid, signal.SIGTERM)
    time.sleep(KILL_GRACE_SECONDS)
    signal_group(pid, signal.SIGKILL)


def run_process(argv, env, log, timeout):
    """Run argv in its own process group with output to log.

    Return (exit code or None on timeout, CPU seconds of the process and the children it waited for).
    Whatever the command leaves running in its process group is stopped when it exits.
    """
    timed_out = threading.Event()
    with subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                          start_new_session=True) as process:
        RUNNING.add(process.pid)
        timer = threading.Timer(timeout, stop_group, (process.pid, timed_out))
        timer.daemon = True
        timer.start()
        try:
            dummy_pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            RUNNING.discard(process.pid)
        process.returncode = os.waitstatus_to_exitcode(status)
        signal_group(process.pid, signal.SIGTERM)  # leftovers, such as a server a test did not stop
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return (None if timed_out.is_set() else process.returncode), cpu_seconds


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
    cpu_seconds = 0.0
    with open(log_path, 'w', encoding='utf-8') as log:
        log.write(f"$ {' '.join(argv)}\n")
        log.flush()
        try:
            returncode, cpu_seconds = run_process(argv, check_environment(check, junit_dir), log, check.timeout)
        except OSError as error:
            log.write(f'cannot start {argv[0]}: {error}\n')
            returncode = 127
        if returncode is None:
            log.write(f'\nchecks.py: killed after the {check.timeout} s timeout\n')
    seconds = time.monotonic() - start
    if returncode == SKIPPED_EXIT:
        reason = log_path.read_text(encoding='utf-8', errors='replace').strip().splitlines()[-1]
        return Outcome('skipped', seconds, cpu_seconds, detail=reason)
    counts = junit_counts(junit_dir)
    if counts is None:
        passed, failed = (1, 0) if returncode == 0 else (0, 1)
        detail = ''
    else:
        passed, failed = counts
        detail = f'{passed + failed} tests, {failed} failing'
        if returncode == 0 and failed:
            # The runner passed: these are steps a test made fail on purpose and then checked,
            # such as a playbook run by an integration target's runme.sh that must fail.
            detail = f'{passed} tests, 0 failing, {failed} failures expected by their tests not counted'
            failed = 0
        elif returncode != 0 and failed == 0:
            failed = 1  # the run failed outside any test case (crash, collection error, timeout)
    if returncode is None:
        detail = f'timed out after {check.timeout} s'
    status = 'passed' if returncode == 0 and failed == 0 else 'failed'
    return Outcome(status, seconds, cpu_seconds, passed, failed, detail)


def show_tail(log_path):
    """Print the last lines of a failed check's log."""
    lines = log_path.read_text(encoding='utf-8', errors='replace').splitlines()
    print(f'    --- last {min(TAIL_LINES, len(lines))} lines of {log_path.relative_to(ROOT)} ---')
    for line in lines[-TAIL_LINES:]:
        print(f'    {line}')


def matches(check, name):
    """Tell whether a command-line name selects a check: its slug, or a prefix of it followed by '-'."""
    return check.slug == name or check.slug.startswith(name + '-')


def select(names):
    """Return the checks named, all when names is empty."""
    if not names:
        return list(CHECKS)
    unknown = [name for name in names if not any(matches(check, name) for check in CHECKS)]
    if unknown:
        raise SystemExit(f"checks.py: unknown check {', '.join(unknown)}; known: {', '.join(check.slug for check in CHECKS)}")
    return [check for check in CHECKS if any(matches(check, name) for name in names)]


class Scheduler:
    """Runs checks on a few worker threads, in list order, within the cores and the locks."""

    def __init__(self, checks, jobs):
        self.pending = list(checks)
        self.jobs = jobs
        self.condition = threading.Condition()
        self.busy_cpus = 0
        self.held_locks = set()
        self.width = max(len(check.name) for check in checks)
        self.passed = 0
        self.failed = 0

    def _fits(self, check):
        cpus = min(check.cpus, self.jobs)
        return self.busy_cpus + cpus <= self.jobs and not (check.lock and check.lock in self.held_locks)

    def _take(self):
        """Wait for a check that may start now and reserve its resources; None when there is none left."""
        with self.condition:
            while True:
                if not self.pending:
                    return None
                for check in self.pending:
                    if self._fits(check):
                        self.pending.remove(check)
                        self.busy_cpus += min(check.cpus, self.jobs)
                        if check.lock:
                            self.held_locks.add(check.lock)
                        return check
                self.condition.wait()

    def _release(self, check, outcome):
        with self.condition:
            self.busy_cpus -= min(check.cpus, self.jobs)
            self.held_locks.discard(check.lock)
            self.passed += outcome.passed
            self.failed += outcome.failed
            detail = f'  {outcome.detail}' if outcome.detail else ''
            print(f'{check.name:<{self.width}}  {outcome.status:<7} {outcome.seconds:6.1f} s  (cpu {outcome.cpu_seconds:.0f} s){detail}', flush=True)
            if outcome.status == 'failed':
                show_tail(LOGS / f'{check.slug}.log')
            self.condition.notify_all()

    def _worker(self):
        while True:
            check = self._take()
            if check is None:
                return
            try:
                outcome = run_check(check)
            except Exception as error:  # one broken check must not stop the others or hang the scheduler
                outcome = Outcome('failed', failed=1, detail=f'checks.py error: {error!r}')
            self._release(check, outcome)

    def run(self):
        """Run every check; return (passed, failed)."""
        workers = [threading.Thread(target=self._worker, daemon=True) for dummy in range(self.jobs)]
        for worker in workers:
            worker.start()
        for worker in workers:
            while worker.is_alive():
                worker.join(timeout=0.5)
        return self.passed, self.failed


def main():
    """Run the selected checks and print the summary line."""
    parser = argparse.ArgumentParser(description='Run the collection checks.')
    parser.add_argument('names', nargs='*', help='check slugs to run (default: all)')
    parser.add_argument('--list', action='store_true', help='list the checks and exit')
    parser.add_argument('--jobs', '-j', type=int, default=int(os.environ.get('CHECK_JOBS', DEFAULT_JOBS)),
                        help=f'checks run at the same time (default {DEFAULT_JOBS}, or $CHECK_JOBS)')
    args = parser.parse_args()
    if args.list:
        for check in CHECKS:
            print(f'{check.slug:<28} {check.name}')
        return 0
    checks = select(args.names)
    LOGS.mkdir(parents=True, exist_ok=True)
    if not (VENV_BIN / 'python').exists():
        print('checks.py: .venv is missing; run make venv first.', file=sys.stderr)
    scheduler = Scheduler(checks, max(1, args.jobs))
    try:
        passed, failed = scheduler.run()
    except KeyboardInterrupt:
        RUNNING.terminate_all()
        print('checks.py: interrupted; the running checks were stopped.', file=sys.stderr)
        return 130
    print(f'{passed} passed, {failed} failed', flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
