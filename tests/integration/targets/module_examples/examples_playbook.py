"""Write the example playbooks of nodeum.data_archiving, as its docs show them, into one directory.

    python examples_playbook.py COLLECTION_ROOT OUTPUT_DIR

Writes, in OUTPUT_DIR:
- examples.yml: the EXAMPLES of every module, as ansible-doc shows them, one play per module in name order;
- readme.yml: every playbook of the README's ```yaml blocks;
- guide.yml: every playbook of the user guide's (docs/docsite/rst/user_guide.rst) yaml code blocks;
- the files those playbooks read: every javascript block of the README or the user guide whose first line
  is a comment naming a relative path (``// files/skip_tmp.js: ...``) is written to that path, and the
  files of this target's support/ directory (those the docs name but do not show) are copied.

Each play of a doc is preceded by a play that puts the emulator back to the state it had when this script
ran (the demo data, in the extra variable demo_state), so that no example depends on another; the EXAMPLES
plays do the same in their pre_tasks. The examples are taken as written: nothing is added to their plays or
tasks. A yaml block that is a mapping (a requirements file, a credential type, an execution environment) is
no playbook: it is listed as skipped. A yaml block that is a list but not of plays fails the run, as does a
doc with no playbook at all, so that a parser that stops finding them cannot pass unseen.
"""

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

COLLECTION = 'nodeum.data_archiving'
HERE = Path(__file__).resolve().parent
STATE_URL = "{{ lookup('ansible.builtin.env', 'EMULATOR_URL') }}/_emulator/state"
MARKDOWN_BLOCK = re.compile(r'^```(yaml|javascript)\n(.*?)^```', re.MULTILINE | re.DOTALL)
RST_BLOCK = re.compile(r'^\.\. code-block:: (yaml|javascript)\n\n((?:(?:    .*)?\n)+)', re.MULTILINE)
NAMED_FILE = re.compile(r'^// ([\w./-]+): ')


def ansible_doc(*args):
    result = subprocess.run(['ansible-doc', '--json', *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def restore_state_task():
    return {
        'name': 'Put the emulator back to the demo data',
        'ansible.builtin.uri': {'url': STATE_URL, 'method': 'PUT', 'body_format': 'json', 'body': '{{ demo_state }}'},
    }


def restore_state_play(label):
    # connection local and the controller's Python: this play must run with any inventory of localhost.
    return {'name': 'Demo data before %s' % label, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': [restore_state_task()]}


def module_example_plays():
    names = sorted(ansible_doc('-t', 'module', '--list', COLLECTION))
    if not names:
        raise SystemExit('examples_playbook: ansible-doc lists no module of %s.' % COLLECTION)
    docs = ansible_doc('-t', 'module', *names)
    plays = []
    for name in names:
        examples = yaml.safe_load(docs[name]['examples'] or '')
        if not isinstance(examples, list) or not examples:
            raise SystemExit('examples_playbook: %s has no EXAMPLES that parse as a list of tasks.' % name)
        plays.append({'name': 'EXAMPLES of %s' % name, 'hosts': 'localhost', 'gather_facts': False,
                      'pre_tasks': [restore_state_task()], 'tasks': examples})
        print('examples_playbook: %s: %d example tasks' % (name, len(examples)))
    return plays


def code_blocks(path):
    """(language, text) of every yaml and javascript block of a Markdown or reStructuredText file."""
    text = path.read_text(encoding='utf-8')
    if path.suffix == '.md':
        return MARKDOWN_BLOCK.findall(text)
    return [(language, textwrap.dedent(body)) for language, body in RST_BLOCK.findall(text)]


def doc_plays(path):
    """The plays of a doc's yaml blocks, each after a play that restores the demo data."""
    plays = []
    for number, (language, body) in enumerate(code_blocks(path), start=1):
        if language != 'yaml':
            continue
        data = yaml.safe_load(body)
        where = '%s, code block %d' % (path.name, number)
        if isinstance(data, dict):
            print('examples_playbook: %s is a mapping, not a playbook: skipped' % where)
            continue
        if not isinstance(data, list) or not all(isinstance(play, dict) and 'hosts' in play for play in data):
            raise SystemExit('examples_playbook: %s is a list but not of plays; write it as a whole playbook.' % where)
        for play in data:
            plays += [restore_state_play(where), play]
        print('examples_playbook: %s: %d plays' % (where, len(data)))
    if not plays:
        raise SystemExit('examples_playbook: %s shows no playbook in a yaml block.' % path)
    return plays


def write_named_files(paths, output):
    """Write each javascript block that names its file on its first line, relative to output."""
    for path in paths:
        for language, body in code_blocks(path):
            match = NAMED_FILE.match(body)
            if language == 'javascript' and match:
                target = output / match.group(1)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(body, encoding='utf-8')
                print('examples_playbook: %s: wrote %s' % (path.name, match.group(1)))


def write_playbook(path, plays):
    with open(path, 'w', encoding='utf-8') as stream:
        stream.write('---\n')
        yaml.safe_dump(plays, stream, sort_keys=False, width=1000)


def main(collection_root, output):
    root, output = Path(collection_root), Path(output)
    readme, guide = root / 'README.md', root / 'docs' / 'docsite' / 'rst' / 'user_guide.rst'
    shutil.copytree(HERE / 'support', output, dirs_exist_ok=True)
    write_named_files((readme, guide), output)
    write_playbook(output / 'examples.yml', module_example_plays())
    write_playbook(output / 'readme.yml', doc_plays(readme))
    write_playbook(output / 'guide.yml', doc_plays(guide))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
