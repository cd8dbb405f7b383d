"""Find Python interpreters and build the cached virtualenvs of the version matrix.

Used by tools/matrix.py (one venv per ansible-core line, one small venv per target Python)
and tools/galaxy_importer.py. Each venv lives under build/venvs/<name> and is reused while
the packages asked for stay the same: the list is kept in the venv's stamp file, so a
changed pin rebuilds it. A lock file per venv lets checks that run side by side wait for one
build instead of racing.
"""

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / 'build' / 'venvs'
STAMP = '.nodeum-requirements'


class Missing(Exception):
    """An interpreter or a venv that cannot be had here; its text is the reason a cell is skipped."""


def pyenv_root():
    """Return pyenv's root directory, or None when pyenv is not installed."""
    candidates = [os.environ.get('PYENV_ROOT'), str(Path.home() / '.pyenv')]
    pyenv = shutil.which('pyenv')
    if pyenv:
        result = subprocess.run([pyenv, 'root'], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            candidates.insert(0, result.stdout.strip())
    for candidate in candidates:
        if candidate and (Path(candidate) / 'versions').is_dir():
            return Path(candidate)
    return None


def version_key(path):
    """Sort key for pyenv version directories such as 3.12.1 (newest last)."""
    return tuple(int(part) for part in re.findall(r'\d+', path.parent.parent.name))


def find_python(version):
    """Return the full path of a Python <version> (such as '3.12'), or raise Missing.

    pyenv's own installs come first, by full path: the pyenv shims fail on this machine kind,
    so any interpreter under a shims directory is refused. Then pythonX.Y on PATH.
    """
    root = pyenv_root()
    if root:
        installs = sorted((root / 'versions').glob(f'{version}.*/bin/python'), key=version_key)
        installs = [path for path in installs if re.fullmatch(rf'{re.escape(version)}\.\d+', path.parent.parent.name)]
        if installs:
            return installs[-1]
    for directory in os.environ.get('PATH', '').split(os.pathsep):
        candidate = Path(directory) / f'python{version}'
        if 'shims' not in candidate.parts and candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise Missing(f'no Python {version}')


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive lock on path (created if needed) for the duration of the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def requirement_pins(names, requirements=ROOT / 'requirements-dev.txt'):
    """Return 'name==version' for each name, as pinned in requirements-dev.txt (the one place they are pinned)."""
    pins = {}
    for line in requirements.read_text(encoding='utf-8').splitlines():
        match = re.match(r'^([A-Za-z0-9_.-]+)==([^\s;#]+)', line)
        if match:
            pins[match.group(1).lower()] = f'{match.group(1)}=={match.group(2)}'
    missing = [name for name in names if name.lower() not in pins]
    if missing:
        raise SystemExit(f"venvs.py: requirements-dev.txt pins no version of {', '.join(missing)}")
    return [pins[name.lower()] for name in names]


def requirement_lines(path):
    """Return the requirement specifiers of a requirements file (markers kept, comments dropped)."""
    lines = (line.split(' #', 1)[0].strip() for line in path.read_text(encoding='utf-8').splitlines())
    return [line for line in lines if line and not line.startswith('#')]


def ensure_venv(name, python_version, packages, log=sys.stdout):
    """Return the venv build/venvs/<name> with packages installed, building it if needed.

    Prints one line saying whether it was reused or built, and how long the build took.
    Raises Missing when the interpreter is not on this machine.
    """
    python = find_python(python_version)
    venv = VENVS / name
    wanted = '\n'.join([str(python), *packages]) + '\n'
    with locked(VENVS / f'{name}.lock'):
        stamp = venv / STAMP
        if stamp.is_file() and stamp.read_text(encoding='utf-8') == wanted and (venv / 'bin' / 'python').exists():
            print(f'venv {name}: reused ({venv.relative_to(ROOT)})', file=log, flush=True)
            return venv
        start = time.monotonic()
        same_python = stamp.is_file() and stamp.read_text(encoding='utf-8').split('\n', 1)[0] == str(python)
        if not (same_python and (venv / 'bin' / 'python').exists()):  # else pip brings the venv to the new pins
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([str(python), '-m', 'venv', str(venv)], check=True, stdout=log, stderr=subprocess.STDOUT)
        result = subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', *packages],
                                stdout=log, stderr=subprocess.STDOUT, check=False)
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise SystemExit(f"venvs.py: pip could not install {' '.join(packages)} on Python {python_version}; see the output above.")
        stamp.write_text(wanted, encoding='utf-8')
        how = 'updated' if same_python else 'built'
        print(f"venv {name}: {how} in {time.monotonic() - start:.0f} s with {python} ({venv.relative_to(ROOT)})", file=log, flush=True)
        return venv
