"""Run galaxy-importer, what Galaxy and Automation Hub run on an upload, on the built tarball, offline.

    .venv/bin/python tools/galaxy_importer.py

Builds the collection tarball from the staged tree (tools/staged.py) into build/galaxy-importer/,
then runs `python -m galaxy_importer.main` on it from its own venv (build/venvs/galaxy-importer:
galaxy-importer brings ansible-core 2.21 and ansible-lint, so it needs Python >= 3.12), with
ansible-test off and ansible-lint on, offline. Fails when the import fails or logs an error or
a warning (an ansible-lint finding is logged as a warning and shows on the collection's Galaxy page).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import venvs

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / 'build' / 'galaxy-importer'
GALAXY_IMPORTER = 'galaxy-importer==0.4.44'
PYTHONS = ('3.13', '3.12')
CONFIG = """[galaxy-importer]
run_ansible_test = False
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_doc = True
check_required_tags = True
"""
# How galaxy-importer's log lines start (logging's levelname, then a colon).
PROBLEM = re.compile(r'^(ERROR|WARNING|CRITICAL):')


def importer_venv():
    """Return galaxy-importer's venv on the newest Python >= 3.12 found here."""
    for version in PYTHONS:
        try:
            return venvs.ensure_venv('galaxy-importer', version, [GALAXY_IMPORTER])
        except venvs.Missing:
            continue
    raise SystemExit(f"galaxy_importer.py: galaxy-importer needs Python {' or '.join(PYTHONS)}, and neither is on this machine.")


def build_tarball():
    """Build the collection tarball from the staged tree into WORK; return its path."""
    for old in WORK.glob('nodeum-data_archiving-*.tar.gz'):
        old.unlink()
    subprocess.run([sys.executable, str(ROOT / 'tools' / 'staged.py'), 'ansible-galaxy', 'collection', 'build', '--force',
                    '--output-path', str(WORK)], check=True, stdout=sys.stdout, stderr=subprocess.STDOUT)
    tarballs = sorted(WORK.glob('nodeum-data_archiving-*.tar.gz'))
    if len(tarballs) != 1:
        raise SystemExit(f'galaxy_importer.py: expected one tarball in {WORK}, found {len(tarballs)}')
    return tarballs[0]


def main():
    """Import the built tarball; return 0 when it imports with no error and no warning."""
    WORK.mkdir(parents=True, exist_ok=True)
    venv = importer_venv()
    tarball = build_tarball()
    config = WORK / 'galaxy-importer.cfg'
    config.write_text(CONFIG, encoding='utf-8')
    home = WORK / 'home'
    home.mkdir(exist_ok=True)
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(config), HOME=str(home),
               PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', os.defpath)}")  # ansible-doc and ansible-lint of the venv
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    result = subprocess.run([str(venv / 'bin' / 'python'), '-m', 'galaxy_importer.main', str(tarball)], cwd=WORK, env=env,
                            capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    print(output)
    problems = [line for line in output.splitlines() if PROBLEM.match(line)]
    if result.returncode != 0 or problems:
        print(f'galaxy_importer.py: the import of {tarball.name} failed (exit code {result.returncode}) '
              f'or logged {len(problems)} errors and warnings:', *problems, sep='\n', file=sys.stderr)
        return 1
    print(f'galaxy_importer.py: {tarball.name} imports with no error and no warning.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
