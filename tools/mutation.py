"""Mutation score of plugins/module_utils under its unit tests (make mutation; nox -s mutation).

mutmut runs from build/mutation/collections, where the collection is copied to
ansible_collections/nodeum/data_archiving, so that the mutants (build/mutation/collections/mutants/...)
import as ansible_collections.nodeum.data_archiving like the original. Every function of
plugins/module_utils is mutated; each mutant runs the unit tests of tests/unit/plugins/module_utils and
tests/unit/plugins/modules that call it (hypothesis profile 'mutation'). It prints mutmut's list of
survivors and the score, and exits 1 below SCORE_TARGET. No ledger: a survivor is a test to write.

    python tools/mutation.py [--jobs N]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / 'build' / 'mutation' / 'collections'
IN_TREE = 'ansible_collections/nodeum/data_archiving/'
COPIED = ('plugins', 'meta', 'tests/unit', 'tests/emulator')
MUTATED = 'plugins/module_utils/'
TESTS = ('tests/unit/plugins/module_utils/', 'tests/unit/plugins/modules/', 'tests/unit/plugins/action/')
SCORE_TARGET = 90.0


def stage():
    """Copy what the unit tests need into COLLECTIONS and write mutmut's setup.cfg beside it."""
    shutil.rmtree(COLLECTIONS, ignore_errors=True)
    for part in COPIED:
        shutil.copytree(ROOT / part, COLLECTIONS / IN_TREE / part, ignore=shutil.ignore_patterns('__pycache__'))
    config = ['[mutmut]', f'source_paths={IN_TREE}{MUTATED}', f'also_copy={IN_TREE}']
    config += ['pytest_add_cli_args_test_selection='] + [f'    {IN_TREE}{path}' for path in TESTS]
    config += ['pytest_add_cli_args=-p no:cacheprovider', 'use_git_change_detection=false', '']
    (COLLECTIONS / 'setup.cfg').write_text('\n'.join(config), encoding='utf-8')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    stage()
    env = dict(os.environ, NODEUM_HYPOTHESIS_PROFILE='mutation', PYTHONDONTWRITEBYTECODE='1')
    mutmut = [sys.executable, '-m', 'mutmut']
    subprocess.run([*mutmut, 'run', '--max-children', str(args.jobs)], cwd=COLLECTIONS, env=env, check=True)
    subprocess.run([*mutmut, 'results'], cwd=COLLECTIONS, env=env, check=True)
    subprocess.run([*mutmut, 'export-cicd-stats'], cwd=COLLECTIONS, env=env, check=True, stdout=subprocess.DEVNULL)
    stats = json.loads((COLLECTIONS / 'mutants' / 'mutmut-cicd-stats.json').read_text(encoding='utf-8'))
    measured = stats['killed'] + stats['survived'] + stats['timeout'] + stats['suspicious'] + stats['no_tests']
    score = 100.0 * (stats['killed'] + stats['timeout']) / max(1, measured)
    print(f"mutation: {stats['killed']} killed, {stats['timeout']} timed out, {stats['survived']} survived, "
          f"{stats['no_tests']} without a test, of {MUTATED}: {score:.1f} % (target {SCORE_TARGET:.0f} %)")
    return 0 if score >= SCORE_TARGET else 1


if __name__ == '__main__':
    sys.exit(main())
