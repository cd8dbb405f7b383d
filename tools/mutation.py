"""Mutation testing of the collection's shared code (make mutation).

Two measures, one report:

1. mutmut mutates every function of plugins/module_utils and plugins/plugin_utils (small changes:
   an operator, a constant, a dropped argument), in the passes of PASSES: core (the resource logic,
   connection and core), client (the transport client) and adapter (the controller-side adapter).
   Each pass runs its tests against each mutant, only those that call the mutated function: the
   fast unit tests of module_utils and modules for the first two, the action plugin tests for the
   adapter. A mutant no test fails on survives. The report gives the score per file and per
   pass, and for plugins/module_utils in all, and lists every surviving mutant with its file,
   line and change. The
   survivors that are equivalent (no behaviour changes) or not worth a test are listed, each
   with its reason, in tests/mutation/reviewed_survivors.yml; they are shown as reviewed and left
   out of the score. An entry that matches no surviving mutant any more is reported as stale.
2. The hand-made realistic bugs of tests/mutation/handmade_bugs.yml are applied one at a time
   to a fresh copy, and the whole unit suite (tests/unit) must fail on each.

The run works in a staged tree (tools/staged.py; the tests import the collection as
ansible_collections.nodeum.data_archiving) under build/mutation/, with pytest directly, and the
hypothesis profile 'mutation' (tests/unit/conftest.py) for mutmut, 'ci' for the hand-made bugs.
It exits 1 when a pass scores below SCORE_TARGET, a survivor is neither killed nor reviewed, a
hand-made bug is not caught, or a list entry is stale.

    .venv/bin/python tools/mutation.py [--jobs N] [--passes core,client,adapter] [--skip-mutmut] [--skip-handmade] [--only GLOB]
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
from collections import namedtuple
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / 'build' / 'mutation'
HANDMADE_COLLECTIONS = WORK / 'handmade' / 'collections'
HANDMADE_STAGE = HANDMADE_COLLECTIONS / 'ansible_collections' / 'nodeum' / 'data_archiving'
VENV_BIN = ROOT / '.venv' / 'bin'
PACKAGE = 'ansible_collections.nodeum.data_archiving'
IN_STAGE = 'ansible_collections/nodeum/data_archiving/'

# The passes, each with the code it mutates and the tests it runs against each mutant (paths
# relative to the repository root). Every file of plugins/module_utils and plugins/plugin_utils
# is in exactly one pass (tests/meta checks it); the passes are reported one by one, and the
# module_utils passes together as well (the score the project aims at).
Pass = namedtuple('Pass', 'name mutate tests also_copy')
# Unit tests of one layer, no server started: what the module_utils passes run.
MODULE_UTILS_TESTS = ('tests/unit/plugins/module_utils', 'tests/unit/plugins/modules')
PASSES = (
    Pass('core', ('plugins/module_utils/connection_options.py', 'plugins/module_utils/module_run.py', 'plugins/module_utils/task_callback.py',
                  'plugins/module_utils/task_callback_info.py', 'plugins/module_utils/task_callbacks.py', 'plugins/module_utils/tasks.py',
                  'plugins/module_utils/unknown_options.py'),
         MODULE_UTILS_TESTS, ()),
    # The transport client has the most mutants and the slowest tests: a pass of its own.
    Pass('client', ('plugins/module_utils/client.py',), MODULE_UTILS_TESTS, ()),
)
# What every staged mutants tree needs besides the mutated code and the tests.
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


def write_mutmut_config(collections, mutation_pass):
    """setup.cfg of one pass: its files mutated, its tests selected, the rest of the tree copied."""
    directories = sorted(set(str(Path(path).parent) for path in mutation_pass.mutate))
    lines = ['[mutmut]', 'source_paths='] + ['    %s%s/' % (IN_STAGE, path) for path in directories]
    lines += ['only_mutate='] + ['    %s%s' % (IN_STAGE, path) for path in mutation_pass.mutate]
    lines += ['also_copy='] + ['    %s%s/' % (IN_STAGE, path) for path in ALSO_COPY + mutation_pass.also_copy]
    lines += ['pytest_add_cli_args_test_selection='] + ['    %s%s/' % (IN_STAGE, path) for path in mutation_pass.tests]
    lines += ['pytest_add_cli_args=', '    -p', '    no:cacheprovider', 'use_git_change_detection=false', '']
    (collections / 'setup.cfg').write_text('\n'.join(lines), encoding='utf-8')


def run_mutmut(collections, mutation_pass, jobs):
    """Stage, then run mutmut in the staged tree; its progress goes to mutmut.log beside it."""
    stage(collections)
    shutil.rmtree(collections / 'mutants', ignore_errors=True)
    write_mutmut_config(collections, mutation_pass)
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
    """Print the scores and the survivors; return (the pass's counts, indexes of the reviewed entries used)."""
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
    if totals['unchecked']:
        print('%d mutants were not checked: the score is incomplete.' % totals['unchecked'])
    if survivors:
        print('\nSurviving mutants (%d): add a test that fails on each, or review it into %s with its reason' % (len(survivors), REVIEWED.relative_to(ROOT)))
        for status, relpath, function, line_number, change in sorted(survivors, key=lambda item: (item[1], item[3])):
            print('  %s:%d  %s  %s%s' % (relpath, line_number, function, change, '' if status == 'survived' else '  [%s]' % status))
    return totals, used


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


def mutmut_pass(mutation_pass, jobs, report_only, reviewed):
    """Run (unless report_only) and report one mutmut pass; return (counts, reviewed entries used, mutants not checked)."""
    collections = WORK / mutation_pass.name / 'collections'
    started = time.monotonic()
    if not report_only:
        run_mutmut(collections, mutation_pass, jobs)
    seconds = time.monotonic() - started
    title = 'pass %s: %s' % (mutation_pass.name, ', '.join(mutation_pass.mutate))
    counts, used = report_mutmut(mutmut_results(collections), title, reviewed)
    print('mutmut pass %s: %.0f s' % (mutation_pass.name, seconds))
    return counts, used


def module_utils_score(counts_by_pass):
    """The score over every mutant of plugins/module_utils, from the passes that mutate it."""
    killed = survived = 0
    for mutation_pass in PASSES:
        if mutation_pass.name in counts_by_pass and all(path.startswith('plugins/module_utils/') for path in mutation_pass.mutate):
            killed += counts_by_pass[mutation_pass.name]['killed']
            survived += counts_by_pass[mutation_pass.name]['survived']
    return score_of(killed, survived)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    names = [mutation_pass.name for mutation_pass in PASSES]
    parser.add_argument('--jobs', type=int, default=int(os.environ.get('MUTATION_JOBS', '2')), help='mutants tested at the same time (default 2)')
    parser.add_argument('--skip-mutmut', action='store_true', help='run only the hand-made bugs')
    parser.add_argument('--skip-handmade', action='store_true', help='run only mutmut')
    parser.add_argument('--passes', default=','.join(names), help='the mutmut passes to run, comma-separated (default: %s)' % ','.join(names))
    parser.add_argument('--report-only', action='store_true', help='report the last mutmut runs again without running them')
    parser.add_argument('--only', default='*', help='hand-made bugs whose name matches this glob')
    args = parser.parse_args()
    chosen = [name for name in args.passes.split(',') if name]
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        parser.error('no pass %s; the passes are %s' % (', '.join(unknown), ', '.join(names)))
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    failures = []
    if not args.skip_mutmut:
        failures += run_passes([mutation_pass for mutation_pass in PASSES if mutation_pass.name in chosen], args)
    if not args.skip_handmade:
        handmade_started = time.monotonic()
        misses = run_handmade(args.only)
        print('hand-made bugs: %.0f s' % (time.monotonic() - handmade_started))
        if misses:
            failures.append('hand-made bugs not caught: %s' % ', '.join(misses))
    print('\nmake mutation: %.0f s in all; %s' % (time.monotonic() - started, '; '.join(failures) if failures else 'all targets met'))
    return 1 if failures else 0


def run_passes(passes, args):
    """Run and report the mutmut passes; return the targets they missed."""
    reviewed = load_reviewed()
    used = set()
    failures = []
    counts_by_pass = {}
    for mutation_pass in passes:
        counts, used_here = mutmut_pass(mutation_pass, max(1, args.jobs), args.report_only, reviewed)
        counts_by_pass[mutation_pass.name] = counts
        used |= used_here
        if counts['unchecked']:
            failures.append('%d mutants not checked (pass %s)' % (counts['unchecked'], mutation_pass.name))
        score = score_of(counts['killed'], counts['survived'])
        if score < SCORE_TARGET:
            failures.append('score %.1f %% is below %.0f %% (pass %s)' % (score, SCORE_TARGET, mutation_pass.name))
        if counts['survived']:
            failures.append('%d survivors not reviewed (pass %s)' % (counts['survived'], mutation_pass.name))
    if {'core', 'client'} <= set(counts_by_pass):
        print('\nplugins/module_utils in all (passes core and client): %.1f %% of the non-equivalent mutants killed' % module_utils_score(counts_by_pass))
    if len(passes) == len(PASSES):
        for index, entry in enumerate(reviewed):
            if index not in used:
                failures.append('a stale reviewed entry')
                print('\nStale entry in %s (no such surviving mutant any more): %s %s %s'
                      % (REVIEWED.relative_to(ROOT), entry['file'], entry['function'], entry['change']))
    return failures


if __name__ == '__main__':
    sys.exit(main())
