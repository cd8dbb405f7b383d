"""The public CI runs make matrix on exactly the ansible-core lines of noxfile.py.

noxfile.py derives the lines from requires_ansible (meta/runtime.yml) up to MAX_CORE, the newest final line, and
adds PRERELEASE_CORE, a line with release candidates only. .github/workflows/ci.yml lists the lines again, for its
job matrix: a line added to one and not to the other would go untested in CI, or fail there only.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def noxfile_version(name, text):
    """The (major, minor) of `NAME = Version(X, Y)` in noxfile.py, or None for `NAME = None`."""
    match = re.search(r'^%s = (?:Version\((\d+), (\d+)\)|None)$' % name, text, re.MULTILINE)
    assert match, 'noxfile.py defines no %s' % name
    return (int(match.group(1)), int(match.group(2))) if match.group(1) else None


def expected_lines(requires_ansible, max_core, prerelease_core):
    """The X.Y lines from the lowest line requires_ansible allows (>=X.Y.Z) to the pre-release line, else MAX_CORE."""
    low = re.match(r'^>=(\d+)\.(\d+)', requires_ansible)
    assert low, 'requires_ansible %r does not start with >=X.Y' % requires_ansible
    major, minor = int(low.group(1)), int(low.group(2))
    top = prerelease_core or max_core
    return ['%d.%d' % (major, line) for line in range(minor, top[1] + 1)] if top[0] == major else None


def test_the_ci_matrix_runs_the_lines_of_the_noxfile():
    noxfile = (ROOT / 'noxfile.py').read_text(encoding='utf-8')
    requires = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))['requires_ansible']
    lines = expected_lines(requires, noxfile_version('MAX_CORE', noxfile), noxfile_version('PRERELEASE_CORE', noxfile))
    workflow = yaml.safe_load((ROOT / '.github' / 'workflows' / 'ci.yml').read_text(encoding='utf-8'))
    assert workflow['jobs']['matrix']['strategy']['matrix']['line'] == lines


def test_the_lines_end_at_the_prerelease_line_or_at_the_newest_final_one():
    assert expected_lines('>=2.16.0', (2, 21), (2, 22)) == ['2.16', '2.17', '2.18', '2.19', '2.20', '2.21', '2.22']
    assert expected_lines('>=2.18.0', (2, 22), None) == ['2.18', '2.19', '2.20', '2.21', '2.22']
