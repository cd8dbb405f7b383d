"""Fail when tests/sanity holds ignore entries: sanity must pass with none.

ansible-test reads tests/sanity/ignore-<version>.txt to silence sanity errors; this project
keeps that list empty, so that `make test` is a gate without exceptions. Comment and blank
lines are allowed.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    """Print every ignore entry found and return 1 if there is any."""
    entries = []
    for path in sorted((ROOT / 'tests' / 'sanity').glob('ignore-*.txt')):
        for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith('#'):
                entries.append(f'{path.relative_to(ROOT)}:{number}: {line.strip()}')
    for entry in entries:
        print(entry)
    if entries:
        print(f'{len(entries)} sanity ignore entries: fix the code instead and remove them.')
        return 1
    print('tests/sanity holds no ignore entries.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
