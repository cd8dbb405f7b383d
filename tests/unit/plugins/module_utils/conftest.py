# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one fake server of the unit tests: the emulator (tests/emulator), through the real NodeumClient.

- `emulator_control`: one emulator per pytest process (each xdist worker), on a free port with a
  bounded lifetime, started when pytest configures this file and stopped by its own process handle
  when pytest unconfigures it.
- `nodeum`: that emulator reset (startup data, no faults, empty request log) and a NodeumClient on it
  whose waits are recorded instead of slept (its clock moves by them alone).
- `client_mock`: for the few tests that need a client without a server, a mock with NodeumClient's
  interface (create_autospec), never a re-implementation of the server.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
from urllib.parse import parse_qsl, unquote

import pytest

from ansible_collections.nodeum.data_archiving.plugins.module_utils.client import NodeumClient
from ansible_collections.nodeum.data_archiving.plugins.module_utils.connection_options import normalize_base_url
from ansible_collections.nodeum.data_archiving.plugins.module_utils.module_run import RunContext

_EMULATOR_CONTROL = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                                 '..', '..', 'emulator', 'emulator_control.py')
ADMIN = ('admin', 'nodeum-demo-password')
LIFETIME = 900


def _load_emulator_control():
    """emulator_control, loaded from its file (standard library only) rather than through sys.path."""
    spec = importlib.util.spec_from_file_location('nodeum_emulator_control', _EMULATOR_CONTROL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PROCESS = {}  # the emulator of this pytest process


def pytest_configure(config):
    """Start this process's emulator.

    ansible-test runs each test in a fork that ends with os._exit: a session fixture would run in every
    fork, so every test would start an emulator of its own. Started here, before the forks, one serves
    them all (each test resets it). An xdist controller runs no test and starts none.
    """
    if getattr(config.option, 'numprocesses', None) and not hasattr(config, 'workerinput'):
        return
    control_module = _load_emulator_control()
    url, process = control_module.start_emulator(lifetime=LIFETIME)
    _PROCESS.update(control=control_module.EmulatorControl(url), process=process, module=control_module)


def pytest_unconfigure():
    if 'process' in _PROCESS:
        _PROCESS['module'].stop_emulator(_PROCESS.pop('process'))


@pytest.fixture
def emulator_control():
    return _PROCESS['control']


class Nodeum:
    """A reset emulator, a real client on it, and what the tests read of the emulator's own view."""

    def __init__(self, control):
        self.control = control
        self.waits = []
        self.warnings = []  # what the client and the logic warned, in order
        self.on_wait = None  # called with the seconds of each wait of the client: another run acts meanwhile
        self.clock = 1000.0  # advanced by the waits alone: the retry budget never depends on how busy the machine is
        self.client = NodeumClient(normalize_base_url(control.url), self.warnings.append,
                                   auth=ADMIN, sleep=self._wait, clock=lambda: self.clock)
        self._others = []

    def _wait(self, seconds):
        self.waits.append(seconds)
        self.clock += seconds
        if self.on_wait is not None:
            self.on_wait(seconds)

    def context(self, check_mode=False):
        """The RunContext the resource logic gets: its warnings and waits go where the client's go."""
        return RunContext(check_mode, self.warnings.append, self._wait)

    def another_run(self):
        """A second client on the same server: what a concurrent run of the module would send."""
        other = NodeumClient(normalize_base_url(self.control.url), lambda warning: None,
                             auth=ADMIN, sleep=lambda seconds: None)
        self._others.append(other)
        return other

    def close(self):
        for client in [self.client] + self._others:
            client.close()

    def load(self, tasks=None, callbacks=()):
        """Replace the server's data: tasks {id: name} (default 1 'Archive', 2 'Nightly', 3 'Archive'), callbacks [{id,
        task_id, type, script}]."""
        tasks = {1: 'Archive', 2: 'Nightly', 3: 'Archive'} if tasks is None else tasks
        self.control.replace_state([dict(id=task_id, name=name)
                                   for task_id, name in sorted(tasks.items())], [dict(item) for item in callbacks])
        return self

    def callbacks(self, task_id=None):
        """{id: script} of the task's callbacks as the emulator holds them (every task's when task_id is None)."""
        return dict(
            (item['id'], item['script'])
            for item in self.control.state()['task_callbacks']
            if task_id in (None, item['task_id'])
        )

    def requests(self):
        """[(method, path under /api/v2 decoded, {query parameters but limit and offset})] in arrival order."""
        sent = []
        for entry in self.control.requests():
            query = dict((key, value) for key, value in parse_qsl(
                entry['query'] or '', keep_blank_values=True) if key not in ('limit', 'offset'))
            sent.append((entry['method'], unquote(entry['path'].split('/api/v2/', 1)[1]), query))
        return sent

    def reads(self):
        """The GET paths, sorted, a name look-up as 'tasks?name==<name>'."""
        return sorted(
            path + ('?name=' + query['name'] if 'name' in query else '')
            for method, path, query in self.requests()
            if method == 'GET'
        )

    def writes(self):
        return sorted((method, path) for method, path, _query in self.requests() if method != 'GET')

    def fault(self, **fault):
        return self.control.add_fault(**fault)

    def refuse(self, method, path, message):
        """The next method on /api/v2/<path> (exactly) is answered 422 with this message."""
        body = '{"messages": ["%s"], "details": {}}' % message
        return self.fault(
            method=method, path='^/api/v2/%s$' % path, status=422, body=body, content_type='application/json'
        )


@pytest.fixture
def nodeum(emulator_control):  # pylint: disable=redefined-outer-name  # pytest injects fixtures by name
    emulator_control.reset()
    server = Nodeum(emulator_control)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def client_mock(mocker):
    """A client without a server: NodeumClient's interface, no behaviour (set return values per test)."""
    client = mocker.create_autospec(NodeumClient, instance=True)
    client.warnings = []
    client.base_url = 'https://nodeum.example.com/api/v2'
    return client


@pytest.fixture
def new_nodeum(emulator_control):  # pylint: disable=redefined-outer-name  # pytest injects fixtures by name
    """For property tests (one hypothesis example each): a function that resets the emulator and returns a fresh
    Nodeum."""
    made = []

    def fresh():
        emulator_control.reset()
        made.append(Nodeum(emulator_control))
        return made[-1]
    try:
        yield fresh
    finally:
        for server in made:
            server.close()
