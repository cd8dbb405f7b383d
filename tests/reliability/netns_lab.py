"""A network namespace with the emulator in it, behind a veth pair, and faults made by the kernel.

    with Lab(work_dir, fixtures_document) as lab:   # skips (pytest.skip) where no namespace can be made
        lab.url                  # http://<ns address>:8787, reached through the veth pair
        with lab.faults(rules=[...], blackout=(3.5, 6.5), rate='128kbit'):
            ...                  # ansible-playbook against lab.url meets the faults
        lab.state()              # the emulator's state, read inside the namespace (not through the veth)

Addresses: one /30 of 198.18.0.0/15 (the benchmarking range, RFC 2544) per lab, on the two ends
of the veth pair this lab creates and on nothing else; the lab checks the /30 is unused first.
Faults: an nftables table in the namespace whose rules match only the namespace's end of the veth
(`iifname`/`oifname`), so the state reads, which go over the namespace's loopback, never meet them;
a `tc tbf` qdisc on both veth ends for a slow link (this kernel kind has no netem). Everything is
removed by the names this lab gave it, whatever happens: the emulator by its pid, the namespace
(with its veth pair and table) by its name; a lab left behind by a killed run (its pid gone) is
removed the next time.
"""

import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harness import EmulatorFleet
from emulator_control import emulator_command, stop_emulator

PORT = 8787
TABLE = 'nodeum_faults'
RANGE = ipaddress.ip_network('198.18.0.0/15')
PREFIX = 'nodeum-net-'
LIFETIME = 3600  # a safety net: the lab stops its emulator by pid
COMMAND_TIMEOUT = 20
_NUMBERS = iter(range(1, 10000))
_NUMBERS_LOCK = threading.Lock()


class LabUnavailable(Exception):
    """No namespace can be made here (not root, or a tool is missing): the lane is skipped."""


def check_tools():
    """Raise LabUnavailable with one reason when this machine cannot run the lane."""
    if os.geteuid() != 0:
        raise LabUnavailable('network lane skipped: making a network namespace needs root')
    for tool, package in (('ip', 'iproute2'), ('nft', 'nftables'), ('tc', 'iproute2')):
        if shutil.which(tool) is None:
            raise LabUnavailable('network lane skipped: %s is not installed (Debian package %s)' % (tool, package))


def _run(*command, check=True):
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL)
    if check and completed.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(command), completed.returncode, completed.stderr.strip()))
    return completed


def remove_stale_labs():
    """Remove the namespaces of labs whose run is gone (named nodeum-net-<pid>-<n>, pid no longer alive)."""
    listed = _run('ip', 'netns', 'list', check=False).stdout.split()
    for name in listed:
        if not name.startswith(PREFIX):
            continue
        pid = name[len(PREFIX):].split('-')[0]
        if pid.isdigit() and not _alive(int(pid)):
            _run('ip', 'netns', 'del', name, check=False)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _used_addresses():
    shown = _run('ip', '-4', '-o', 'addr', 'show', check=False).stdout.split()
    return [ipaddress.ip_interface(word).network for word in shown if '/' in word and word[0].isdigit()]


def _free_subnet(number):
    """A /30 of RANGE that no interface of this host holds an address in (the index follows pid and lab number)."""
    used = _used_addresses()
    count = RANGE.num_addresses // 4
    start = (os.getpid() * 16 + number) % count
    for offset in range(64):
        subnet = ipaddress.ip_network((int(RANGE.network_address) + ((start + offset) % count) * 4, 30))
        if not any(subnet.overlaps(network) for network in used):
            return subnet
    raise RuntimeError('no free /30 in %s for the network lane' % RANGE)


class Lab:
    """One namespace, one veth pair, one emulator; see the module docstring."""

    def __init__(self, work_dir, fixtures_document):
        with _NUMBERS_LOCK:
            self.number = next(_NUMBERS)
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.fixtures_document = fixtures_document
        tag = '%d-%d' % (os.getpid(), self.number)
        self.namespace = PREFIX + tag
        short = '%d%d' % (os.getpid() % 100000, self.number)
        self.host_veth = 'nnh' + short  # at most 15 characters: nnh + 5 + up to 4 digits
        self.lab_veth = 'nnl' + short
        subnet = _free_subnet(self.number)
        self.host_address, self.lab_address = [str(address) for address in subnet.hosts()]
        self.prefix = subnet.prefixlen
        self.url = 'http://%s:%d' % (self.lab_address, PORT)
        self.process = None
        self._made = False

    def __enter__(self):
        try:
            self._make()
            self._start_emulator()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _make(self):
        made = _run('ip', 'netns', 'add', self.namespace, check=False)
        if made.returncode != 0:
            raise LabUnavailable(
                'network lane skipped: cannot make a network namespace (%s)' %
                (made.stderr.strip() or 'ip netns add failed'))
        self._made = True
        _run('ip', 'link', 'add', self.host_veth, 'type', 'veth', 'peer', 'name', self.lab_veth)
        _run('ip', 'link', 'set', self.lab_veth, 'netns', self.namespace)
        _run('ip', 'addr', 'add', '%s/%d' % (self.host_address, self.prefix), 'dev', self.host_veth)
        _run('ip', 'link', 'set', self.host_veth, 'up')
        self.inside('ip', 'addr', 'add', '%s/%d' % (self.lab_address, self.prefix), 'dev', self.lab_veth)
        self.inside('ip', 'link', 'set', self.lab_veth, 'up')
        self.inside('ip', 'link', 'set', 'lo', 'up')

    def inside(self, *command, check=True):
        return _run('ip', 'netns', 'exec', self.namespace, *command, check=check)

    def _start_emulator(self):
        path = self.work_dir / ('fixtures-%s.json' % self.namespace)
        path.write_text(json.dumps(self.fixtures_document), encoding='utf-8')
        command = ['ip', 'netns', 'exec', self.namespace] + \
            emulator_command(port=PORT, fixtures=path, lifetime=LIFETIME, host=self.lab_address)
        # pylint: disable-next=consider-using-with  # stopped by pid in close()
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True)
        EmulatorFleet._ready_url(self.process, time.monotonic() + 60)  # pylint: disable=protected-access

    def state(self):
        """The emulator's task callbacks, read from inside the namespace (its loopback, no fault on the way)."""
        reader = ('import json; from emulator_control import EmulatorControl; '  # PYTHONPATH holds tests/emulator
                  'print(json.dumps(EmulatorControl(%r).state()))' % self.url)
        return json.loads(self.inside(sys.executable, '-c', reader).stdout)['task_callbacks']

    def faults(self, rules=(), blackout=None, rate=None):
        return _Faults(self, rules, blackout, rate)

    def close(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            stop_emulator(self.process)
            self.process = None
        if self._made:
            _run('ip', 'netns', 'del', self.namespace, check=False)  # takes its end of the veth pair, and so the pair
            self._made = False
        if _run('ip', 'link', 'show', self.host_veth, check=False).returncode == 0:
            _run('ip', 'link', 'del', self.host_veth, check=False)


class _Faults:
    """The faults of one playbook run: nftables rules, blackout bursts and a rate limit, all undone on exit."""

    def __init__(self, lab, rules, blackout, rate):
        self.lab = lab
        self.rules = list(rules)
        self.blackout = blackout
        self.rate = rate
        self._stop = threading.Event()
        self._thread = None
        self.bursts = 0

    def __enter__(self):
        try:
            self._load_table()
            if self.rate:
                shape = ('root', 'tbf', 'rate', self.rate, 'burst', '4kb', 'latency', '400ms')
                _run('tc', 'qdisc', 'add', 'dev', self.lab.host_veth, *shape)
                self.lab.inside('tc', 'qdisc', 'add', 'dev', self.lab.lab_veth, *shape)
            if self.blackout:
                self._thread = threading.Thread(target=self._blackouts, daemon=True)
                self._thread.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _load_table(self):
        veth = self.lab.lab_veth
        into = 'iifname "%s" tcp dport %d ' % (veth, PORT)
        out_of = 'oifname "%s" tcp sport %d ' % (veth, PORT)
        rules = [rule.format(IN=into, OUT=out_of) for rule in self.rules]
        text = '\n'.join([
            'table inet %s {' % TABLE,
            '  chain blackout { }',
            '  chain input { type filter hook input priority 0; policy accept;',
            '    %sjump blackout' % into,
            *['    ' + rule for rule in rules if rule.startswith(into)],
            '  }',
            '  chain output { type filter hook output priority 0; policy accept;',
            '    %sjump blackout' % out_of,
            *['    ' + rule for rule in rules if rule.startswith(out_of)],
            '  }',
            '}', ''])
        assert all(rule.startswith((into, out_of)) for rule in rules), rules
        path = self.lab.work_dir / ('%s.nft' % self.lab.namespace)
        path.write_text(text, encoding='utf-8')
        self.lab.inside('nft', '-f', str(path))

    def _blackouts(self):
        """Bursts of 100 % loss both ways: `on` seconds dropped, `off` seconds clear, until the run ends."""
        on, off = self.blackout
        while not self._stop.wait(off / 2):
            self.lab.inside('nft', 'add', 'rule', 'inet', TABLE, 'blackout', 'drop', check=False)
            self.bursts += 1
            self._stop.wait(on)
            self.lab.inside('nft', 'flush', 'chain', 'inet', TABLE, 'blackout', check=False)
            if self._stop.wait(off / 2):
                break

    def __exit__(self, *exc_info):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.lab.inside('nft', 'delete', 'table', 'inet', TABLE, check=False)
        if self.rate:
            _run('tc', 'qdisc', 'del', 'dev', self.lab.host_veth, 'root', check=False)
            self.lab.inside('tc', 'qdisc', 'del', 'dev', self.lab.lab_veth, 'root', check=False)


def lab_or_skip(work_dir, fixtures_document):
    """A Lab, or pytest.skip with its one-line reason where none can be made."""
    try:
        check_tools()
        remove_stale_labs()
        return Lab(work_dir, fixtures_document).__enter__()
    except LabUnavailable as reason:
        pytest.skip(str(reason))
    return None
