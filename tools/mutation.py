"""Mutation score of plugins/module_utils, plugins/action and plugins/plugin_utils under the unit tests
(make mutation; nox -s mutation).

mutmut runs from build/mutation/collections, where the collection is copied to
ansible_collections/nodeum/data_archiving, so that the mutants (build/mutation/collections/mutants/...)
import as ansible_collections.nodeum.data_archiving like the original. Every function of the MUTATED
directories is mutated; each mutant runs the unit tests of tests/unit/plugins that call it (hypothesis
profile 'mutation'). It prints mutmut's list of survivors, the score of each directory and of all, and
exits 1 when a directory is below SCORE_TARGET. No ledger: a survivor is a test to write.

    python tools/mutation.py [--jobs N] [--only plugins/action/ ...]

--only mutates the directories named (each one of MUTATED) and scores those alone, for a short look.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / 'build' / 'mutation' / 'collections'
IN_TREE = 'ansible_collections/nodeum/data_archiving/'
COPIED = ('plugins', 'meta', 'tests/unit', 'tests/emulator')
MUTATED = ('plugins/module_utils/', 'plugins/action/', 'plugins/plugin_utils/')
TESTS = ('tests/unit/plugins/module_utils/', 'tests/unit/plugins/modules/', 'tests/unit/plugins/action/',
         'tests/unit/plugins/plugin_utils/')
COUNTED = ('killed', 'timeout', 'survived', 'suspicious', 'no tests')
SCORE_TARGET = 90.0


def stage(mutated):
    """Copy what the unit tests need into COLLECTIONS and write mutmut's setup.cfg beside it."""
    shutil.rmtree(COLLECTIONS, ignore_errors=True)
    for part in COPIED:
        shutil.copytree(ROOT / part, COLLECTIONS / IN_TREE / part, ignore=shutil.ignore_patterns('__pycache__'))
    config = ['[mutmut]', 'source_paths='] + [f'    {IN_TREE}{path}' for path in mutated] + [f'also_copy={IN_TREE}']
    config += ['pytest_add_cli_args_test_selection='] + [f'    {IN_TREE}{path}' for path in TESTS]
    config += ['pytest_add_cli_args=-p no:cacheprovider', 'use_git_change_detection=false', '']
    (COLLECTIONS / 'setup.cfg').write_text('\n'.join(config), encoding='utf-8')


def scores(results, mutated):
    """{directory: {status: count}} from the lines 'name: status' of `mutmut results --all true`."""
    table = dict((directory, dict((status, 0) for status in COUNTED)) for directory in mutated)
    for line in results.splitlines():
        name, _sep, status = line.strip().rpartition(': ')
        module = name.split('.x_', 1)[0].split('.xǁ', 1)[0]
        package = module.replace('ansible_collections.nodeum.data_archiving.', '').rpartition('.')[0]
        directory = package.replace('.', '/') + '/'
        if directory in table and status in COUNTED:
            table[directory][status] += 1
    return table


def percent(counts):
    measured = sum(counts.values())
    return 100.0 * (counts['killed'] + counts['timeout']) / max(1, measured), measured


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    parser.add_argument('--only', nargs='+', choices=MUTATED, default=list(MUTATED))
    args = parser.parse_args()
    stage(args.only)
    env = dict(os.environ, NODEUM_HYPOTHESIS_PROFILE='mutation', PYTHONDONTWRITEBYTECODE='1')
    mutmut = [sys.executable, '-m', 'mutmut']
    subprocess.run([*mutmut, 'run', '--max-children', str(args.jobs)], cwd=COLLECTIONS, env=env, check=True)
    subprocess.run([*mutmut, 'results'], cwd=COLLECTIONS, env=env, check=True)
    listing = subprocess.run([*mutmut, 'results', '--all', 'true'], cwd=COLLECTIONS, env=env, check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
    table = scores(listing, args.only)
    total = dict((status, sum(counts[status] for counts in table.values())) for status in COUNTED)
    print('| directory | killed (timed out) / mutants | survived | without a test | score |')
    print('| --- | --- | --- | --- | --- |')
    for directory, counts in list(table.items()) + [('all', total)]:
        score, measured = percent(counts)
        print(f"| {directory} | {counts['killed'] + counts['timeout']} ({counts['timeout']}) / {measured} "
              f"| {counts['survived']} | {counts['no tests']} | {score:.1f} % |")
    below = [directory for directory, counts in table.items() if percent(counts)[0] < SCORE_TARGET]
    print(f"mutation: target {SCORE_TARGET:.0f} % for each directory; below it: {', '.join(below) or 'none'}")
    return 1 if below else 0


if __name__ == '__main__':
    sys.exit(main())
