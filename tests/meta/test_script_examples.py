"""What a user reads and copies teaches the script interface the vendor documents, and nothing else.

Nodeum's page "Hook service (callback)" documents a Python `def run(req)` with `utils.get_node_info(req)`, and
says the logic is the same in JavaScript (`utils.getNodeInfo(req)`, `info?.getPath()`). An earlier picture built
from nodeum-proto alone, `function filter(request)` reading `request.copy.info`, is documented nowhere: no doc,
module, role, playbook, demo fixture or benchmark may show it. Test data that only checks how a script is stored
(byte for byte, whatever it holds) may keep any text, and is left out below.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNDOCUMENTED = re.compile(r'function\s+filter\s*\(|request\.copy\.info')
# Under tests/, only what a user sees through the demo and the docs' examples: the rest is test data.
USER_FACING_TESTS = ('tests/emulator/demo-fixtures.yml', 'tests/emulator/demo_data.py',
                     'tests/integration/targets/module_examples/support/')
TEXT_SUFFIXES = ('.md', '.rst', '.py', '.yml', '.yaml', '.js', '.j2', '.py.j2', '.txt', '.json')


def user_facing_files(root=ROOT):
    listed = subprocess.run(['git', 'ls-files'], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    keep = []
    for name in listed:
        if name.startswith('tests/') and not name.startswith(USER_FACING_TESTS):
            continue
        if name.endswith(TEXT_SUFFIXES) and (root / name).is_file():
            keep.append(name)
    return keep


def undocumented_interface(root=ROOT):
    """'path:line: text' of every line of a user-facing file that shows the undocumented interface."""
    found = []
    for name in user_facing_files(root):
        for number, line in enumerate((root / name).read_text(encoding='utf-8').splitlines(), start=1):
            if UNDOCUMENTED.search(line):
                found.append('%s:%d: %s' % (name, number, line.strip()))
    return found


def test_no_user_facing_file_shows_the_undocumented_interface():
    assert undocumented_interface() == []


def test_the_scan_sees_the_files_users_copy():
    files = user_facing_files()
    for name in ('README.md', 'docs/docsite/rst/user_guide.rst', 'plugins/modules/task_callback.py',
                 'roles/callbacks_as_code/meta/argument_specs.yml', 'playbooks/files/skip_tmp.js',
                 'tests/emulator/demo-fixtures.yml'):
        assert name in files
    assert not [name for name in files if name.startswith('tests/integration/targets/task_callback_info/')]


def test_the_scan_finds_the_undocumented_interface(tmp_path):
    subprocess.run(['git', 'init', '-q'], cwd=tmp_path, check=True)
    (tmp_path / 'README.md').write_text('```javascript\nfunction filter(request) {\n  return true;\n}\n```\n')
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'guide.rst').write_text('Read ``request.copy.info.path``.\n')
    (tmp_path / 'tests').mkdir()
    (tmp_path / 'tests' / 'data.json').write_text('"function filter(request) { return true; }"\n')
    subprocess.run(['git', 'add', '.'], cwd=tmp_path, check=True)
    assert undocumented_interface(tmp_path) == ['README.md:2: function filter(request) {',
                                                'docs/guide.rst:1: Read ``request.copy.info.path``.']


def filter_section(text):
    start = text.index('What a filter script receives\n---')
    following = re.search(r'\n\n[^\n]+\n-{3,}\n', text[start + 40:])
    return text[start:start + 40 + following.start()] if following else text[start:]


@pytest.mark.parametrize('needle', [
    '"Hook service (callback)"',            # the vendor's page, named
    'docs.nodeum.io',
    'def run(req):',                         # the Python form, as the vendor shows it
    'info = utils.get_node_info(req)',
    'import utils',
    'function run(req) {',                   # the JavaScript form
    'utils.getNodeInfo(req)',
    'info?.getPath()',
    'nodeum-proto',                          # what comes from the protocol definitions
    'inferred',                              # what is not shown: the JS entry function's name
    'how the server tells a REST callback\'s language',
    'opaque text',
])
def test_the_user_guide_says_what_the_vendor_documents_and_what_is_inferred(needle):
    section = filter_section((ROOT / 'docs' / 'docsite' / 'rst' / 'user_guide.rst').read_text(encoding='utf-8'))
    assert needle in ' '.join(section.split())
