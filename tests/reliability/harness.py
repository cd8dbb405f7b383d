"""Machinery of the reliability suite: emulators, ansible-playbook runs, output scans and figures.

Every scenario runs the real modules through an `ansible-playbook` subprocess against emulators
started here (127.0.0.1, port 0, bounded lifetime) and stopped by pid whatever happens. Many
scenarios share one playbook run: each inventory host is one scenario, with its own emulator
(its own state, faults and request log), so that the hosts run in parallel (forks) and the
retry waits overlap. Each host runs a list of steps (module + arguments); the steps are the
same playbook tasks for every host, skipped where a host has fewer steps.
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path


# The emulator's modules and the collection come from PYTHONPATH, which the nox session sets (noxfile.py).
import demo_data
from emulator_control import READY_PREFIX, EmulatorControl, emulator_command, stop_emulator
from ansible_collections.nodeum.data_archiving.plugins.module_utils import (
    connection_options as connection,
    task_callback,
    task_callback_info,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

LIFETIME = 600
ANSIBLE_PLAYBOOK = str(Path(sys.executable).with_name('ansible-playbook'))
TRACEBACK = 'Traceback (most recent call last)'
MODULES = ('task_callback', 'task_callback_info')


def module_options():
    """Each module's options, read from the collection's own tables (the connection options are declared once)."""
    return dict((name, tuple(connection.module_argument_spec(resource.OPTIONS)))
                for name, resource in (('task_callback', task_callback), ('task_callback_info', task_callback_info)))


# The options the playbooks pass through (each one omitted when a step does not set it): no
# templated argument dict, so that the modules get their options the way a playbook writes them.
MODULE_OPTIONS = module_options()

USERNAME = 'rel-operator'
SECRETS = {
    'password': 'Pw-rel1abil1ty-7Qxk2',
    'api key': 'Key-rel1abil1ty-9Fz4Lm',
    'token': 'Tok.rel1abil1ty.Jw8Rt3',
    'demo password': 'nodeum-demo-password',
    'demo full-access key': 'demo-full-access-key',
    'demo token': demo_data.DEMO_FIXTURES['tokens'][0],
}

# The secret values reach the playbooks only as extra vars (-e @file) or NODEUM_* variables.
CREDENTIAL_VARS = {
    'rel_username': USERNAME,
    'rel_password': SECRETS['password'],
    'rel_api_key': SECRETS['api key'],
    'rel_token': SECRETS['token'],
    'demo_password': SECRETS['demo password'],
    'demo_api_key': SECRETS['demo full-access key'],
    'demo_token': SECRETS['demo token'],
}
CREDENTIALS = {
    'basic': {'username': '{{ rel_username }}', 'password': '{{ rel_password }}'},
    'api_key': {'api_key': '{{ rel_api_key }}'},
    'token': {'token': '{{ rel_token }}'},
    'demo_basic': {'username': 'admin', 'password': '{{ demo_password }}'},
    'demo_api_key': {'api_key': '{{ demo_api_key }}'},
    'demo_token': {'token': '{{ demo_token }}'},
}
CREDENTIAL_KINDS = tuple(CREDENTIALS)
ALL_SCOPES = ['task_callbacks/index', 'task_callbacks/show', 'task_callbacks/create', 'task_callbacks/update',
              'task_callbacks/destroy', 'tasks/index', 'tasks/show']

HTML_PAGE = ('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>'
             '<hr><center>nginx</center></body></html>')


def credentials(index):
    """Module options of one credential kind, rotating over all kinds by index."""
    return dict(CREDENTIALS[CREDENTIAL_KINDS[index % len(CREDENTIAL_KINDS)]])


def fixtures(tasks, task_callbacks):
    """An emulator fixtures document: our distinctive credentials, the demo ones, and this data."""
    demo = demo_data.DEMO_FIXTURES
    return {
        'users': [{'username': USERNAME, 'password': SECRETS['password']}] + list(demo['users']),
        'api_keys': [{'key': SECRETS['api key'], 'scopes': ALL_SCOPES}] + list(demo['api_keys']),
        'tokens': [SECRETS['token']] + list(demo['tokens']),
        'tasks': tasks,
        'task_callbacks': task_callbacks,
    }


class Emulator:
    """One started emulator and its control client; counts the faults injected into it."""

    def __init__(self, url, process, ssl_context=None):
        self.url = url
        self.api_url = url + '/api/v2'
        self.process = process
        self.control = EmulatorControl(url, ssl_context=ssl_context)
        self.faults_injected = 0

    def fault(self, **spec):
        self.control.add_fault(**spec)
        self.faults_injected += 1

    def callbacks(self):
        return self.control.state()['task_callbacks']

    def snapshot(self):
        """State, request log and pending faults, read once the playbook is over."""
        return dict(state=self.control.state(), requests=self.control.requests(),
                    pending_faults=self.control._call('GET', '/faults')['faults'])


class EmulatorFleet:
    """Start many emulators at once (in parallel) and stop every one of them by pid."""

    def __init__(self, work_dir):
        self.work_dir = Path(work_dir)
        self.emulators = []
        self._processes = []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self, specs):
        """specs: list of dicts with 'fixtures' (a document) and optional 'tls' ((cert, key, ssl_context))."""
        started = []
        for number, spec in enumerate(specs, start=len(self.emulators)):
            path = self.work_dir / ('fixtures-%d.json' % number)
            path.write_text(json.dumps(spec['fixtures']), encoding='utf-8')
            cert, key, _context = spec.get('tls') or (None, None, None)
            command = emulator_command(fixtures=path, lifetime=LIFETIME, tls_cert=cert, tls_key=key)
            # pylint: disable-next=consider-using-with  # stopped by pid in stop()
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                text=True)
            self._processes.append(process)
            started.append((process, spec))
        deadline = time.monotonic() + 90
        for process, spec in started:
            url = self._ready_url(process, deadline)
            self.emulators.append(Emulator(url, process, ssl_context=(spec.get('tls') or (None, None, None))[2]))
        return self.emulators[-len(specs):]

    @staticmethod
    def _ready_url(process, deadline):
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError('An emulator printed no ready line within 90 seconds.')
            readable = select.select([process.stdout], [], [], remaining)[0]
            if readable:
                line = process.stdout.readline()
                if line.startswith(READY_PREFIX):
                    return line[len(READY_PREFIX):].strip()
                if not line:
                    raise RuntimeError('An emulator exited with status %s before it listened.' % process.wait())

    def stop(self):
        for process in self._processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self._processes:
            stop_emulator(process)
        self._processes = []

    @property
    def faults_injected(self):
        return sum(emulator.faults_injected for emulator in self.emulators)


class PlaybookRun:
    """What one ansible-playbook run gave: exit code, outputs, per-host step results, time."""

    def __init__(self, returncode, stdout, stderr, log, results_text, seconds):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.log = log
        self.results_text = results_text
        self.seconds = seconds
        self.records = [json.loads(line) for line in results_text.splitlines() if line.strip()]

    def texts(self):
        return {'stdout': self.stdout, 'stderr': self.stderr,
                'log file': self.log, 'returned results': self.results_text}

    def step(self, host, number):
        """The record of a host's step (the module task that ran, not the skipped one), or None."""
        prefix = 'step %d ' % number
        found = [record for record in self.records
                 if record['host'] == host and record['task'].startswith(prefix) and record['status'] != 'skipped']
        assert len(found) <= 1, 'host %s ran step %d more than once' % (host, number)
        return found[0] if found else None

    def tracebacks(self):
        return sum(text.count(TRACEBACK) for text in self.texts().values())

    def leaks(self):
        """[(secret name, where)] for every secret value found literally in any output."""
        return [(name, where) for name, value in SECRETS.items()
                for where, text in self.texts().items() if value in text]

    def host_text(self, host):
        return '\n'.join(json.dumps(record, sort_keys=True) for record in self.records if record['host'] == host)


def step_play(number, module):
    """The play of step `number` for the hosts whose step runs `module` (inventory group step<number>_<module>)."""
    return {
        'name': 'step %d %s' % (number, module),
        'hosts': 'step%d_%s' % (number, module),
        'gather_facts': False,
        'tasks': [
            {
                'name': 'step %d %s' % (number, module),
                'nodeum.data_archiving.%s'
                % module: dict(
                    (option, '{{ cb_steps[%d].args[%r] | default(omit) }}' % (number, option))
                    for option in MODULE_OPTIONS[module]
                ),
                'environment': '{{ cb_steps[%d].env | default({}) }}' % number,
                'check_mode': '{{ cb_steps[%d].check | default(false) }}' % number,
                'ignore_errors': True,
            }
        ],
    }


def run_playbook(work_dir, hosts, forks=20, pauses=None, env=None, extra_vars=None, timeout=300):
    """Run one playbook over `hosts` ({name: [step, ...]}, a step being {module, args[, env, check]}).

    pauses: {step number: seconds} to wait (once, for all hosts) before that step.
    Always -vvvv with ANSIBLE_LOG_PATH set, so that every run is also a secret-leak probe.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    steps = max(len(steps) for steps in hosts.values())
    playbook = []
    groups = {}
    for number in range(steps):
        if pauses and pauses.get(number):
            playbook.append({'name': 'wait before step %d' % number, 'hosts': 'localhost', 'gather_facts': False,
                             'tasks': [{'name': 'wait', 'ansible.builtin.pause': {'seconds': pauses[number]}}]})
        for module in MODULES:
            members = [name for name, host_steps in hosts.items() if len(
                host_steps) > number and host_steps[number]['module'] == module]
            if members:
                groups['step%d_%s' % (number, module)] = {'hosts': dict((name, None) for name in members)}
                playbook.append(step_play(number, module))
    inventory = {'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable},
                         'hosts': dict((name, {'cb_steps': host_steps}) for name, host_steps in hosts.items()),
                         'children': groups}}
    (work_dir / 'playbook.yml').write_text(json.dumps(playbook, indent=1), encoding='utf-8')
    (work_dir / 'inventory.json').write_text(json.dumps(inventory, indent=1), encoding='utf-8')
    (work_dir / 'credentials.json').write_text(json.dumps(CREDENTIAL_VARS), encoding='utf-8')
    results = work_dir / 'results.jsonl'
    log = work_dir / 'ansible.log'
    for path in (results, log):
        if path.exists():
            path.unlink()
    (work_dir / 'tmp').mkdir(exist_ok=True)
    command = [ANSIBLE_PLAYBOOK, '-vvvv', '-i', str(work_dir / 'inventory.json'), '-f', str(forks),
               '-e', '@' + str(work_dir / 'credentials.json'), str(work_dir / 'playbook.yml')]
    for number, variables in enumerate(extra_vars or []):
        path = work_dir / ('extra-vars-%d.json' % number)
        path.write_text(json.dumps(variables), encoding='utf-8')
        command[-1:-1] = ['-e', '@' + str(path)]
    process_env = dict((key, value) for key, value in os.environ.items() if not key.startswith(('NODEUM_', 'ANSIBLE_')))
    process_env.update({
        'ANSIBLE_COLLECTIONS_PATH': os.environ['ANSIBLE_COLLECTIONS_PATH'],
        'ANSIBLE_CALLBACK_PLUGINS': str(HERE / 'callback_plugins'),
        'ANSIBLE_CALLBACKS_ENABLED': 'reliability_recorder',
        'RELIABILITY_RESULTS': str(results),
        'ANSIBLE_LOG_PATH': str(log),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCAL_TEMP': str(work_dir / 'tmp'),
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'PATH': str(Path(sys.executable).parent) + os.pathsep + os.environ.get('PATH', os.defpath),
    })
    process_env.update(env or {})
    start = time.monotonic()
    completed = subprocess.run(
        command,
        env=process_env,
        cwd=str(work_dir),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors='replace',
        timeout=timeout,
        check=False,
    )
    seconds = time.monotonic() - start
    log_text = log.read_text(encoding='utf-8', errors='replace') if log.exists() else ''
    results_text = results.read_text(encoding='utf-8', errors='replace') if results.exists() else ''
    return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, log_text, results_text, seconds)


def callbacks_by_task(callbacks):
    grouped = {}
    for callback in callbacks:
        grouped.setdefault(callback['task_id'], []).append(callback)
    return grouped


def duplicates(expected_callbacks, actual_callbacks):
    """How many callbacks more than expected each (task, type) holds, summed."""
    def count(callbacks):
        counted = {}
        for callback in callbacks:
            key = (callback['task_id'], callback['type'])
            counted[key] = counted.get(key, 0) + 1
        return counted
    expected = count(expected_callbacks)
    return sum(max(0, number - expected.get(key, 0)) for key, number in count(actual_callbacks).items())


def same_callbacks(expected_callbacks, actual_callbacks):
    """Compare states on (task_id, type, script), ignoring ids (a re-created callback has a new one)."""
    def key(callbacks):
        return sorted((callback['task_id'], callback['type'], callback['script']) for callback in callbacks)
    return key(expected_callbacks) == key(actual_callbacks)


SENTENCE = re.compile(r'^[A-Za-z0-9_].*[.]$', re.S)


def assert_one_sentence(message):
    """A user-facing failure: one line, starting with a word and ending with a full stop, no traceback."""
    assert isinstance(message, str) and message, 'no failure message: %r' % (message,)
    assert '\n' not in message, 'the failure message spans several lines: %r' % message
    assert SENTENCE.match(message), 'the failure message is not one sentence: %r' % message
    assert TRACEBACK not in message and 'Exception' not in message, message


class Figures:
    """What a test adds to the suite's table; conftest attaches it to the test report."""

    KEYS = ('scenarios', 'faults', 'converged', 'duplicates', 'tracebacks', 'leaks')

    def __init__(self):
        self.values = dict((key, 0) for key in self.KEYS)

    def add(self, **counts):
        for key, value in counts.items():
            self.values[key] += int(value)

    def record_run(self, run):
        """Count the tracebacks and secret leaks of one playbook run, then insist there are none."""
        tracebacks = run.tracebacks()
        leaks = run.leaks()
        self.add(tracebacks=tracebacks, leaks=len(leaks))
        assert tracebacks == 0, 'a traceback was shown:\n%s' % _around(run, TRACEBACK)
        assert not leaks, 'secret values leaked: %s' % leaks


def _around(run, needle, width=1500):
    for where, text in run.texts().items():
        index = text.find(needle)
        if index >= 0:
            return '%s: ...%s...' % (where, text[max(0, index - 200):index + width])
    return ''
