"""Stage the collection and run a command inside the staged copy.

Usage (from any directory, with the python of the project's .venv, or of .venv-demo for make demo):

    .venv/bin/python tools/staged.py                 # stage only, print the staged path
    .venv/bin/python tools/staged.py COMMAND [ARG...] # stage, then run COMMAND in the staged tree

Why: ansible-test and ansible-lint need the collection at a path ending in
ansible_collections/nodeum/data_archiving, and ansible-test resolves symlinks, so the
working tree is copied to build/collections/ansible_collections/nodeum/data_archiving
(or under $NODEUM_STAGE_DIR instead of build/collections).
The copy holds what git would commit (tracked and untracked-but-not-ignored files), or,
outside a git checkout, the tree minus the usual build, venv and cache directories; it gets
an empty git repository of its own (see make_own_git_root).

The command runs with:
  - HOME=<repo>/build/home (build/checks/<check>/home under tools/checks.py), so that
    nothing is written to the user's home and an empty HOME works; ansible-test keeps its
    sanity venvs there between runs;
  - an offline get-pip stand-in in ansible-test's cache (see tools/get_pip_standin.py);
  - ANSIBLE_COLLECTIONS_PATH set to the directory that holds the staged ansible_collections,
    and the bin directory of the venv that runs this script (.venv, or a matrix line's) first on PATH;
  - for integration tests, the NODEUM_* switches written to the staged
    tests/integration/integration_config.yml (ansible-test passes no other environment
    variables to targets; role targets get the file as extra vars, runme.sh targets find
    it next to $INVENTORY_PATH).
  - NODEUM_REPO_ROOT and NODEUM_STAGED_TREE set to the two trees' paths.
One run at a time holds the stage lock (build/collections.lock), from staging until the
command ends, so that runs started at the same time do not replace the tree under each other.
Afterwards the staged tests/output is copied back to the repo's tests/output, and its junit
files to $CHECK_JUNIT_DIR when the check runner set it.
"""

import contextlib
import fcntl
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / 'build'
# The directory that holds ansible_collections: build/collections, or one per check
# (tools/checks.py sets NODEUM_STAGE_DIR so that staged checks can run side by side).
COLLECTIONS = Path(os.environ.get('NODEUM_STAGE_DIR') or BUILD / 'collections').resolve()
STAGE = COLLECTIONS / 'ansible_collections' / 'nodeum' / 'data_archiving'
STAGE_LOCK = COLLECTIONS.parent / (COLLECTIONS.name + '.lock')
# HOME for the commands: build/home, or one per check (its ansible-test state, such as the
# SSH key it creates on first use, would race between checks running side by side).
TEST_HOME = (COLLECTIONS.parent / 'home') if os.environ.get('NODEUM_STAGE_DIR') else BUILD / 'home'
# The bin directory of the venv whose python runs this script (.venv, .venv-demo for make demo, or a
# version-matrix line's own venv, tools/matrix.py), else the project's .venv.
VENV_BIN = Path(sys.prefix if sys.prefix != sys.base_prefix else ROOT / '.venv') / 'bin'

# Never staged, whatever git says: virtualenvs, build output, test output, caches.
EXCLUDED_DIRS = frozenset(('.git', '.venv', '.venv-demo', 'build', '.ansible', '.pytest_cache', '.hypothesis', '.schemathesis', '__pycache__',
                           '.tox', '.mypy_cache'))
EXCLUDED_PATHS = frozenset(('tests/output', 'tests/integration/inventory', 'docs/build'))
EXCLUDED_SUFFIXES = ('.pyc', '.tar.gz')

# Environment switches handed to integration targets through integration_config.yml
# (NODEUM_TARGET_PYTHON: the interpreter the modules run on, see setup_emulator/emulator.sh).
INTEGRATION_SWITCHES = ('NODEUM_EXECUTION_PATH', 'NODEUM_FORCE_MODULE', 'NODEUM_TARGET_PYTHON')


def is_excluded(relpath):
    """Tell whether a path relative to the repo root stays out of the staged tree."""
    parts = relpath.split('/')
    if any(part in EXCLUDED_DIRS for part in parts):
        return True
    if any(relpath == path or relpath.startswith(path + '/') for path in EXCLUDED_PATHS):
        return True
    return relpath.endswith(EXCLUDED_SUFFIXES)


def git_file_list():
    """Return the files git would commit (tracked or untracked but not ignored), or None outside git."""
    if not (ROOT / '.git').exists() or not shutil.which('git'):
        return None
    result = subprocess.run(['git', '-C', str(ROOT), 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            capture_output=True, check=False)
    if result.returncode != 0:
        return None
    return sorted({name for name in result.stdout.decode('utf-8', 'surrogateescape').split('\0') if name})


def walked_file_list():
    """Return every file under the repo root, pruning excluded directories."""
    files = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        reldir = os.path.relpath(dirpath, ROOT)
        reldir = '' if reldir == '.' else reldir + '/'
        dirnames[:] = [name for name in dirnames if not is_excluded(reldir + name)]
        files.extend(reldir + name for name in filenames)
    return sorted(files)


def stage():
    """Copy the working tree into the staged collection path, replacing any previous copy."""
    files = git_file_list()
    if files is None:
        files = walked_file_list()
    if STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    for relpath in files:
        if is_excluded(relpath):
            continue
        source = ROOT / relpath
        if not source.is_symlink() and not source.is_file():
            continue  # deleted from the working tree but still in the index
        target = STAGE / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    make_own_git_root()
    return STAGE


def make_own_git_root():
    """Give the staged tree an empty git repository of its own.

    ansible-test and ansible-lint list content with git from the nearest .git upwards; without
    this they would find the project's repository, in which build/ is ignored, and see no files.
    In an empty repository every staged file is untracked, so they see all but the ignored ones.
    """
    if shutil.which('git'):
        subprocess.run(['git', '-c', 'init.defaultBranch=main', 'init', '--quiet', str(STAGE)], check=True)


def ansible_test_pip_version():
    """Return the pip version ansible-test bootstraps, read from its own source."""
    spec = importlib.util.find_spec('ansible_test')
    if spec is None or not spec.submodule_search_locations:
        return None
    source = Path(list(spec.submodule_search_locations)[0]) / '_internal' / 'python_requirements.py'
    match = re.search(r"pip='([0-9.]+)'", source.read_text(encoding='utf-8'))
    return match.group(1) if match else None


def install_get_pip_standin():
    """Put the offline get-pip stand-in where ansible-test looks before downloading."""
    pip_version = ansible_test_pip_version()
    if pip_version is None:
        print('staged.py: cannot find the pip version ansible-test bootstraps; sanity and unit venvs may fail offline.', file=sys.stderr)
        return
    cache = TEST_HOME / '.ansible' / 'test' / 'cache'
    cache.mkdir(parents=True, exist_ok=True)
    standin = cache / f"get_pip_{pip_version.replace('.', '_')}.py"
    content = (ROOT / 'tools' / 'get_pip_standin.py').read_bytes()
    if not standin.exists() or standin.read_bytes() != content:
        standin.write_bytes(content)


def write_integration_switches(env):
    """Append the NODEUM_* switches of env to the staged integration_config.yml."""
    lines = [f'{name.lower()}: "{env[name]}"\n' for name in INTEGRATION_SWITCHES if env.get(name)]
    if not lines:
        return
    config = STAGE / 'tests' / 'integration' / 'integration_config.yml'
    config.parent.mkdir(parents=True, exist_ok=True)
    existing = config.read_text(encoding='utf-8') if config.exists() else '---\n'
    if existing and not existing.endswith('\n'):
        existing += '\n'
    config.write_text(existing + ''.join(lines), encoding='utf-8')


def copy_results_back():
    """Copy the staged tests/output to the repo, and its junit files to $CHECK_JUNIT_DIR if set."""
    output = STAGE / 'tests' / 'output'
    if not output.is_dir():
        return
    shutil.copytree(output, ROOT / 'tests' / 'output', dirs_exist_ok=True, ignore=shutil.ignore_patterns('.tmp'))
    junit_dir = os.environ.get('CHECK_JUNIT_DIR')
    if junit_dir and (output / 'junit').is_dir():
        shutil.copytree(output / 'junit', junit_dir, dirs_exist_ok=True)


@contextlib.contextmanager
def stage_lock():
    """Hold the stage lock, waiting for any other run that uses the same staged tree to finish first."""
    STAGE_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(STAGE_LOCK, 'w', encoding='utf-8') as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print('staged.py: another run is using the staged tree; waiting for it to finish.', file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def command_environment():
    """Return the environment for commands run in the staged tree."""
    env = dict(os.environ)
    env['HOME'] = str(TEST_HOME)
    env['ANSIBLE_COLLECTIONS_PATH'] = str(COLLECTIONS)
    env['PATH'] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', os.defpath)}"
    env['NODEUM_REPO_ROOT'] = str(ROOT)
    env['NODEUM_STAGED_TREE'] = str(STAGE)
    env.setdefault('PYTHONDONTWRITEBYTECODE', '1')
    return env


def main(argv):
    """Stage, then run the command given in argv inside the staged tree."""
    if argv and argv[0] == '--':
        argv = argv[1:]
    nested = os.environ.get('NODEUM_STAGED_TREE') == str(STAGE)
    with contextlib.nullcontext() if nested else stage_lock():
        if not nested:  # a nested call runs in a tree its caller staged and locked
            stage()
        if not argv:
            print(STAGE)
            return 0
        return run_staged(argv)


def run_staged(argv):
    """Run argv in the staged tree and copy its results back; return its exit code."""
    TEST_HOME.mkdir(parents=True, exist_ok=True)
    install_get_pip_standin()
    env = command_environment()
    write_integration_switches(env)
    try:
        result = subprocess.run(argv, cwd=STAGE, env=env, check=False)
    except FileNotFoundError as error:
        print(f'staged.py: cannot run {argv[0]}: {error.strerror}. Run make venv (or make demo) first.', file=sys.stderr)
        return 127
    copy_results_back()
    return result.returncode


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
