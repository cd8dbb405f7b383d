"""Mutation testing of the collection's shared code (make mutation).

Two measures, one report:

1. mutmut mutates every function under MUTATED_PATHS (small changes: an operator, a constant,
   a dropped argument) and runs the fast unit tests (UNIT_TESTS) against each mutant, only those
   that call the mutated function. A mutant no test fails on survives. The report gives the score
   per file and in all, and lists every surviving mutant with its file, line and change. The
   survivors that are equivalent (no behaviour changes) or not worth a test are listed, each
   with its reason, in tests/mutation/reviewed_survivors.yml; they are shown as reviewed and left
   out of the score. An entry that matches no surviving mutant any more is reported as stale.
2. The hand-made realistic bugs of tests/mutation/handmade_bugs.yml are applied one at a time
   to a fresh copy, and the whole unit suite (tests/unit) must fail on each.

The run works in a staged tree (tools/staged.py; the tests import the collection as
ansible_collections.nodeum.data_archiving) under build/mutation/, with pytest directly, and the
hypothesis profile 'mutation' (tests/unit/conftest.py) for mutmut, 'ci' for the hand-made bugs.
It exits 1 when the score is below SCORE_TARGET, a hand-made bug is not caught, or a list
entry is stale.

    .venv/bin/python tools/mutation.py [--jobs N] [--skip-mutmut] [--skip-handmade] [--only GLOB]
"""

import argparse
import ast
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / 'build' / 'mutation'
HANDMADE_COLLECTIONS = WORK / 'handmade' / 'collections'
HANDMADE_STAGE = HANDMADE_COLLECTIONS / 'ansible_collections' / 'nodeum' / 'data_archiving'
VENV_BIN = ROOT / '.venv' / 'bin'
PACKAGE = 'ansible_collections.nodeum.data_archiving'
IN_STAGE = 'ansible_collections/nodeum/data_archiving/'

# The code that is mutated: the one setting (paths relative to the repository root; one that
# does not exist yet is skipped).
MUTATED_PATHS = ('plugins/module_utils', 'plugins/plugin_utils')
# Files of MUTATED_PATHS measured in a second pass, reported on their own (--last-pass runs it):
# the transport client has the most mutants and the slowest tests.
MEASURED_LAST = ('plugins/module_utils/client.py',)
# The tests mutmut runs: unit tests of one layer, no server started (the action plugin tests
# start the emulator and wait out real retry delays; the hand-made bugs run them too).
UNIT_TESTS = ('tests/unit/plugins/module_utils', 'tests/unit/plugins/modules')
# What the staged mutants tree needs besides the mutated code and the tests.
ALSO_COPY = ('plugins/action', 'plugins/modules', 'plugins/doc_fragments', 'meta', 'tests/unit', 'tests/emulator')
SCORE_TARGET = 90.0
REVIEWED = ROOT / 'tests' / 'mutation' / 'reviewed_survivors.yml'
HANDMADE = ROOT / 'tests' / 'mutation' / 'handmade_bugs.yml'
HANDMADE_TIMEOUT = 600
# The whole unit suite runs for each hand-made bug, with -x: it stops at the first failure, so
# the slow files come last (property tests; action plugin tests with the emulator and real waits).
HANDMADE_LAST = ('tests/unit/plugins/module_utils/test_properties.py', 'tests/unit/plugins/action/')


def stage(collections):
    """Stage the working tree under collections/ansible_collections/nodeum/data_archiving."""
    env = dict(os.environ, NODEUM_STAGE_DIR=str(collections))
    subprocess.run([str(VENV_BIN / 'python'), str(ROOT / 'tools' / 'staged.py')], env=env, check=True, stdout=subprocess.DEVNULL)


def mutated_paths():
    return [path for path in MUTATED_PATHS if (ROOT / path).is_dir()]


def write_mutmut_config(collections, last):
    lines = ['[mutmut]', 'source_paths=']
    lines += ['    %s%s/' % (IN_STAGE, path) for path in mutated_paths()]
    lines += ['only_mutate=' if last else 'do_not_mutate='] + ['    %s%s' % (IN_STAGE, path) for path in MEASURED_LAST]
    lines += ['also_copy='] + ['    %s%s/' % (IN_STAGE, path) for path in ALSO_COPY]
    lines += ['pytest_add_cli_args_test_selection='] + ['    %s%s/' % (IN_STAGE, path) for path in UNIT_TESTS]
    lines += ['pytest_add_cli_args=', '    -p', '    no:cacheprovider', 'use_git_change_detection=false', '']
    (collections / 'setup.cfg').write_text('\n'.join(lines), encoding='utf-8')


def run_mutmut(collections, last, jobs):
    """Stage, then run mutmut in the staged tree; its progress goes to mutmut.log beside it."""
    stage(collections)
    shutil.rmtree(collections / 'mutants', ignore_errors=True)
    write_mutmut_config(collections, last)
    env = dict(os.environ, NODEUM_HYPOTHESIS_PROFILE='mutation', PYTHONDONTWRITEBYTECODE='1')
    log_path = collections.parent / 'mutmut.log'
    with open(log_path, 'w', encoding='utf-8') as log:
        result = subprocess.run([str(VENV_BIN / 'mutmut'), 'run', '--max-children', str(jobs)], cwd=collections, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        tail = log_path.read_text(encoding='utf-8', errors='replace')[-3000:]
        raise SystemExit('mutation.py: mutmut failed (exit %s); end of %s:\n%s' % (result.returncode, log_path.relative_to(ROOT), tail))


def mutmut_results(collections):
    """Return [(mutant name, status, diff)] read with mutmut's own API from the staged tree."""
    os.chdir(collections)
    sys.path.insert(0, str(collections / 'mutants'))
    from mutmut import configuration  # pylint: disable=import-outside-toplevel
    configuration._config = None  # pylint: disable=protected-access  # each pass has its own setup.cfg
    from mutmut.__main__ import walk_mutatable_files  # pylint: disable=import-outside-toplevel
    from mutmut.mutation.data import SourceFileMutationData  # pylint: disable=import-outside-toplevel
    from mutmut.mutation.diff_apply import get_diff_for_mutant  # pylint: disable=import-outside-toplevel
    from mutmut.stats import status_by_exit_code  # pylint: disable=import-outside-toplevel
    results = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, exit_code in data.exit_code_by_key.items():
            status = status_by_exit_code[exit_code]
            results.append((name, status, get_diff_for_mutant(name, path=path) if status != 'killed' else ''))
    os.chdir(ROOT)
    return results


def describe(name, diff):
    """Return (file, function, line, change) of a mutant, the line in the original file."""
    module, mangled = name.rsplit('.', 1)
    relpath = module[len(PACKAGE) + 1:].replace('.', '/') + '.py'
    function = re.sub(r'__mutmut_\d+$', '', mangled)
    parts = function.split('ǁ')[1:] if 'ǁ' in function else [function[2:]]  # xǁClassǁmethod or x_function
    source = (ROOT / relpath).read_text(encoding='utf-8')
    start = _function_start(ast.parse(source), parts)
    removed, added, offset = [], [], None
    hunk_line = context = 0  # set by the first hunk header, which every diff starts with
    for index, line in enumerate(diff.splitlines()[2:]):
        match = re.match(r'^@@ -(\d+)', line)
        if match:
            hunk_line, context = int(match.group(1)), 0
            continue
        if line.startswith('-'):
            removed.append(line[1:].strip())
            offset = offset if offset is not None else hunk_line + context - 1
        elif line.startswith('+'):
            added.append(line[1:].strip())
        else:
            context += 1 if offset is None else 0
    line_number = start + (offset or 0) if start else 0
    change = '%s  ->  %s' % (' / '.join(removed), ' / '.join(added))
    return relpath, '.'.join(parts), line_number, change


def _function_start(tree, parts):
    nodes = tree.body
    found = None
    for part in parts:
        found = next((node for node in nodes if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == part), None)
        if found is None:
            return 0
        nodes = found.body
    return min([found.lineno] + [decorator.lineno for decorator in getattr(found, 'decorator_list', [])])


def load_reviewed():
    entries = yaml.safe_load(REVIEWED.read_text(encoding='utf-8')) or []
    for entry in entries:
        missing = {'file', 'function', 'change', 'reason'} - set(entry)
        if missing or not str(entry['reason']).strip():
            raise SystemExit('mutation.py: %s: an entry lacks %s: %r' % (REVIEWED.relative_to(ROOT), ', '.join(sorted(missing)) or 'a reason', entry))
    return entries


def report_mutmut(results, title, reviewed):
    """Print the scores and the survivors; return (score, indexes of the reviewed entries used, mutants not checked)."""
    used = set()
    per_file = {}
    survivors = []
    for name, status, diff in results:
        described = describe(name, diff) if status != 'killed' else None
        relpath = module_file(name)
        counts = per_file.setdefault(relpath, dict(killed=0, survived=0, reviewed=0, unchecked=0))
        if status == 'killed':
            counts['killed'] += 1
            continue
        if status == 'not checked':  # the run was stopped before this mutant
            counts['unchecked'] += 1
            continue
        match = next((index for index, entry in enumerate(reviewed)
                      if (entry['file'], entry['function'], entry['change']) == (described[0], described[1], described[3])), None)
        if match is not None:
            used.add(match)
            counts['reviewed'] += 1
            continue
        counts['survived'] += 1
        survivors.append((status,) + described)
    print('\nMutation score of the unit tests, %s (mutmut; reviewed survivors left out of the score)' % title)
    row = '%-45s %7s %8s %8s %9s %7s'
    print(row % ('file', 'killed', 'survived', 'reviewed', 'unchecked', 'score'))
    totals = dict(killed=0, survived=0, reviewed=0, unchecked=0)
    for relpath, counts in sorted(per_file.items()) + [('all', totals)]:
        if relpath != 'all':
            for key, value in counts.items():
                totals[key] += value
        print(row % (relpath, counts['killed'], counts['survived'], counts['reviewed'], counts['unchecked'],
                     '%.1f%%' % score_of(counts['killed'], counts['survived'])))
    score = score_of(totals['killed'], totals['survived'])
    if totals['unchecked']:
        print('%d mutants were not checked: the score is incomplete.' % totals['unchecked'])
    if survivors:
        print('\nSurviving mutants (%d): add a test that fails on each, or review it into %s with its reason' % (len(survivors), REVIEWED.relative_to(ROOT)))
        for status, relpath, function, line_number, change in sorted(survivors, key=lambda item: (item[1], item[3])):
            print('  %s:%d  %s  %s%s' % (relpath, line_number, function, change, '' if status == 'survived' else '  [%s]' % status))
    return score, used, totals['unchecked']


def module_file(name):
    return name.rsplit('.', 1)[0][len(PACKAGE) + 1:].replace('.', '/') + '.py'


def score_of(killed, survived):
    return 100.0 * killed / (killed + survived) if killed + survived else 100.0


def handmade_test_order():
    """Every unit test file, those of HANDMADE_LAST at the end."""
    files = sorted(str(path.relative_to(ROOT)) for path in (ROOT / 'tests' / 'unit').rglob('test_*.py'))
    last = [name for prefix in HANDMADE_LAST for name in files if name.startswith(prefix)]
    return [name for name in files if name not in last] + last


def run_handmade(only):
    """Apply each hand-made bug alone to a fresh copy; the unit tests must fail. Return the misses."""
    bugs = yaml.safe_load(HANDMADE.read_text(encoding='utf-8'))
    bugs = [bug for bug in bugs if fnmatch.fnmatch(bug['name'], only)]
    stage(HANDMADE_COLLECTIONS)
    env = dict(os.environ, NODEUM_HYPOTHESIS_PROFILE='ci', PYTHONPATH=str(HANDMADE_COLLECTIONS), PYTHONDONTWRITEBYTECODE='1')
    misses = []
    print('\nHand-made bugs (%s), each alone; the unit tests must fail' % HANDMADE.relative_to(ROOT))
    for bug in bugs:
        target = HANDMADE_STAGE / bug['file']
        original = target.read_text(encoding='utf-8')
        if original.count(bug['old']) != 1:
            misses.append(bug['name'])
            print('  %-40s STALE: the text to change occurs %d times in %s' % (bug['name'], original.count(bug['old']), bug['file']))
            continue
        target.write_text(original.replace(bug['old'], bug['new']), encoding='utf-8')
        start = time.monotonic()
        try:
            result = subprocess.run([str(VENV_BIN / 'python'), '-m', 'pytest', *handmade_test_order(), '-x', '-q', '-p', 'no:cacheprovider'],
                                    cwd=HANDMADE_STAGE, env=env, capture_output=True, text=True, timeout=HANDMADE_TIMEOUT, check=False)
            code, output = result.returncode, result.stdout
        except subprocess.TimeoutExpired:
            code, output = None, ''
        finally:
            target.write_text(original, encoding='utf-8')
        failed = re.findall(r'^FAILED (\S+)', output, re.M)
        if code == 1 and failed:
            print('  %-40s caught in %5.1f s by %s' % (bug['name'], time.monotonic() - start, failed[0].split('::', 1)[-1]))
        else:
            misses.append(bug['name'])
            why = 'timed out' if code is None else ('NOT CAUGHT: every unit test passed' if code == 0 else 'the tests did not run (exit %s)' % code)
            print('  %-40s %s' % (bug['name'], why))
    print('%d of %d hand-made bugs caught by the unit tests' % (len(bugs) - len(misses), len(bugs)))
    return misses


def mutmut_pass(last, jobs, report_only, reviewed):
    """Run (unless report_only) and report one mutmut pass; return (score, reviewed entries used, mutants not checked)."""
    collections = WORK / ('last' if last else 'main') / 'collections'
    started = time.monotonic()
    if not report_only:
        run_mutmut(collections, last, jobs)
    seconds = time.monotonic() - started
    title = ', '.join(MEASURED_LAST) if last else '%s without %s' % (', '.join(mutated_paths()), ', '.join(MEASURED_LAST))
    score, used, unchecked = report_mutmut(mutmut_results(collections), title, reviewed)
    print('mutmut pass: %.0f s' % seconds)
    return score, used, unchecked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--jobs', type=int, default=int(os.environ.get('MUTATION_JOBS', '2')), help='mutants tested at the same time (default 2)')
    parser.add_argument('--skip-mutmut', action='store_true', help='run only the hand-made bugs')
    parser.add_argument('--skip-handmade', action='store_true', help='run only mutmut')
    parser.add_argument('--last-pass', choices=('yes', 'no', 'only'), default='yes', help='the second pass over %s' % ', '.join(MEASURED_LAST))
    parser.add_argument('--report-only', action='store_true', help='report the last mutmut runs again without running them')
    parser.add_argument('--only', default='*', help='hand-made bugs whose name matches this glob')
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    failures = []
    if not args.skip_mutmut:
        reviewed = load_reviewed()
        used = set()
        passes = {'yes': (False, True), 'no': (False,), 'only': (True,)}[args.last_pass]
        for last in passes:
            score, used_here, unchecked = mutmut_pass(last, max(1, args.jobs), args.report_only, reviewed)
            used |= used_here
            if unchecked:
                failures.append('%d mutants not checked' % unchecked)
            if score < SCORE_TARGET:
                failures.append('score %.1f %% is below %.0f %%%s' % (score, SCORE_TARGET, ' (%s)' % ', '.join(MEASURED_LAST) if last else ''))
        if passes == (False, True):
            for index, entry in enumerate(reviewed):
                if index not in used:
                    failures.append('a stale reviewed entry')
                    print('\nStale entry in %s (no such surviving mutant any more): %s %s %s'
                          % (REVIEWED.relative_to(ROOT), entry['file'], entry['function'], entry['change']))
    if not args.skip_handmade:
        handmade_started = time.monotonic()
        misses = run_handmade(args.only)
        print('hand-made bugs: %.0f s' % (time.monotonic() - handmade_started))
        if misses:
            failures.append('hand-made bugs not caught: %s' % ', '.join(misses))
    print('\nmake mutation: %.0f s in all; %s' % (time.monotonic() - started, '; '.join(failures) if failures else 'all targets met'))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
