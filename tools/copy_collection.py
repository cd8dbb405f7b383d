"""Copy the collection, as staging would (tools/staged.py's file list), into a collections path of its own.

    .venv/bin/python tools/copy_collection.py DEST    # prints DEST/ansible_collections/nodeum/data_archiving

For checks that may run while another check re-stages build/collections: a private copy cannot
be replaced under their feet.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tools'))
import staged  # noqa: E402


def copy_collection(dest):
    target = Path(dest).resolve() / 'ansible_collections' / 'nodeum' / 'data_archiving'
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for relpath in staged.git_file_list() or staged.walked_file_list():
        source = ROOT / relpath
        if staged.is_excluded(relpath) or source.is_symlink() or not source.is_file():
            continue
        (target / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / relpath)
    return target


if __name__ == '__main__':
    if len(sys.argv) != 2:
        raise SystemExit('usage: copy_collection.py DEST')
    print(copy_collection(sys.argv[1]))
