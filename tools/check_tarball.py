"""Compare the files of a built collection tarball with tests/meta/tarball-contents.txt.

    .venv/bin/python tools/check_tarball.py TARBALL     # one line per problem; exit 1 on any

Each file of the tarball must fall under one line of the list (the file itself, or a directory
ending in /), and each line must match at least one file, so that a new development file does
not slip into what users install, and a file users need is not dropped by build_ignore.
"""

import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / 'tests' / 'meta' / 'tarball-contents.txt'
FIX = 'add it to build_ignore in galaxy.yml, or to tests/meta/tarball-contents.txt if users need it'


def read_entries(path):
    """The entries of an expected-contents file: its lines without comments and blanks."""
    lines = (line.split('#', 1)[0].strip() for line in Path(path).read_text(encoding='utf-8').splitlines())
    return [line for line in lines if line]


def covers(entry, member):
    """Tell whether a list entry (a file, or a directory ending in /) covers a tarball file."""
    return member.startswith(entry) if entry.endswith('/') else member == entry


def problems(members, entries):
    """Sentences saying where the tarball's files and the expected entries disagree; empty when they match."""
    found = ['%s is in the tarball but on no line of tests/meta/tarball-contents.txt: %s.' % (member, FIX)
             for member in sorted(members) if not any(covers(entry, member) for entry in entries)]
    found += ['%s is listed in tests/meta/tarball-contents.txt but nothing in the tarball matches it: '
              'build_ignore in galaxy.yml leaves it out, or the file is gone.' % entry
              for entry in entries if not any(covers(entry, member) for member in members)]
    return found


def tarball_files(path):
    """The paths of the regular files in a tarball (directories are implied by them)."""
    with tarfile.open(path, 'r:gz') as archive:
        return [member.name for member in archive.getmembers() if member.isfile()]


def main(argv):
    if len(argv) != 2:
        print('usage: check_tarball.py TARBALL', file=sys.stderr)
        return 2
    members = tarball_files(argv[1])
    found = problems(members, read_entries(EXPECTED))
    for problem in found:
        print('check_tarball: %s' % problem, file=sys.stderr)
    if not found:
        print('check_tarball: the %d files of %s match tests/meta/tarball-contents.txt' % (len(members), Path(argv[1]).name))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
