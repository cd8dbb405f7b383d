"""Check, offline, that the example execution environment installs the collection and requests.

    .venv/bin/python tools/check_ee.py

1. `ansible-builder create` on docs/execution-environment.yml gives a build context whose galaxy
   requirements name nodeum.data_archiving and whose Containerfile installs them, then introspects
   the installed collections and installs the Python packages they declare (assemble).
2. The collection, built and installed into an empty collections path, declares requests to
   ansible-builder (meta/execution-environment.yml -> requirements.txt), as the introspect step
   of that build sees it.
No container engine is needed: ansible-builder only writes the context.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tools'))
from copy_collection import copy_collection  # noqa: E402

BIN = ROOT / '.venv' / 'bin'
COLLECTION = 'nodeum.data_archiving'


def run(*argv, cwd=None):
    result = subprocess.run([str(part) for part in argv], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit('check_ee: %s failed:\n%s%s' % (' '.join(map(str, argv)), result.stdout, result.stderr))
    return result.stdout


def check_context(context):
    problems = []
    requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text(encoding='utf-8'))
    names = [entry.get('name') if isinstance(entry, dict) else entry for entry in requirements.get('collections', [])]
    if COLLECTION not in names:
        problems.append('the context requirements.yml does not list %s: %s' % (COLLECTION, names))
    containerfile = next((path for path in (context / 'Containerfile', context / 'Dockerfile') if path.exists()), None)
    if containerfile is None:
        return problems + ['the context has no Containerfile or Dockerfile']
    text = containerfile.read_text(encoding='utf-8')
    for needle in ('ansible-galaxy collection install', '-r requirements.yml', 'introspect', '/output/scripts/assemble'):
        if needle not in text:
            problems.append('%s has no %r step' % (containerfile.name, needle))
    return problems


def check_introspection(work):
    dist = work / 'dist'
    source = copy_collection(work / 'source')
    run(BIN / 'ansible-galaxy', 'collection', 'build', '--force', '--output-path', dist, cwd=source)
    tarball = next(dist.glob('nodeum-data_archiving-*.tar.gz'))
    collections = work / 'collections'
    run(BIN / 'ansible-galaxy', 'collection', 'install', '--offline', tarball, '-p', collections, cwd=work)
    output = run(BIN / 'ansible-builder', 'introspect', '--sanitize', collections, cwd=work)
    print(output)
    python_deps = [line for line in output.splitlines() if line.strip("- '").startswith('requests')]
    if not python_deps or COLLECTION not in python_deps[0]:
        return ['ansible-builder introspect does not list requests from %s' % COLLECTION]
    return []


def main():
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        context = work / 'context'
        print(run(BIN / 'ansible-builder', 'create', '-f', ROOT / 'docs' / 'execution-environment.yml', '-c', context, '--output-filename', 'Containerfile'))
        problems = check_context(context) + check_introspection(work)
    for problem in problems:
        print('check_ee: ' + problem, file=sys.stderr)
    if not problems:
        print('check_ee: the build context installs %s, and the collection declares requests.' % COLLECTION)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
