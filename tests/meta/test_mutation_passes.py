"""make mutation measures every file of the shared code exactly once (tools/mutation.py, PASSES).

A new file in plugins/module_utils or plugins/plugin_utils that no pass mutates would have no
mutation score at all, and nobody would notice; one in two passes would be counted twice.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'tools'))

import mutation  # noqa: E402  pylint: disable=wrong-import-position

SHARED_CODE = ('plugins/module_utils', 'plugins/plugin_utils')


def test_every_file_of_the_shared_code_is_in_exactly_one_pass():
    files = sorted(str(path.relative_to(ROOT)) for directory in SHARED_CODE for path in (ROOT / directory).glob('*.py') if path.name != '__init__.py')
    mutated = [path for mutation_pass in mutation.PASSES for path in mutation_pass.mutate]
    assert files, 'no shared code found'
    assert [path for path in files if mutated.count(path) != 1] == []
    assert sorted(set(mutated) - set(files)) == [], 'a pass names a file that does not exist'


def test_every_pass_runs_tests_that_exist():
    for mutation_pass in mutation.PASSES:
        for path in mutation_pass.tests + mutation_pass.also_copy:
            assert (ROOT / path).is_dir(), '%s of pass %s is not a directory' % (path, mutation_pass.name)
        assert sorted((ROOT / mutation_pass.tests[0]).rglob('test_*.py')), 'pass %s selects no test file' % mutation_pass.name
