"""Compare the files of a built collection tarball with tests/meta/tarball-contents.txt (test_publication.py builds it).

Each file of the tarball must fall under one line of the list (the file itself, or a directory
ending in /), and each line must match at least one file, so that a new development file does
not slip into what users install, and a file users need is not dropped by build_ignore.
"""

import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
