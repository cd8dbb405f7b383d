"""Write the EXAMPLES of every module of nodeum.data_archiving, as ansible-doc shows them, as one playbook.

    python examples_playbook.py COLLECTION_ROOT OUTPUT_DIR

Writes, in OUTPUT_DIR, examples.yml (one play per module, in name order) and the script files the examples
read (see doc_blocks.write_script_files). Each play puts the emulator back to the state it had when this
script ran (the demo data, in the extra variable demo_state) in its pre_tasks, so that no module's examples
depend on another's; the examples themselves are taken as written.
"""

import json
import subprocess
import sys
from pathlib import Path

import yaml

from doc_blocks import write_script_files

COLLECTION = 'nodeum.data_archiving'
STATE_URL = "{{ lookup('ansible.builtin.env', 'EMULATOR_URL') }}/_emulator/state"


def ansible_doc(*args):
    result = subprocess.run(['ansible-doc', '--json', *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def restore_state_task():
    return {
        'name': 'Put the emulator back to the demo data',
        'ansible.builtin.uri': {'url': STATE_URL, 'method': 'PUT', 'body_format': 'json', 'body': '{{ demo_state }}'},
    }


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


def main(collection_root, output):
    output = Path(output)
    write_script_files(collection_root, output)
    with open(output / 'examples.yml', 'w', encoding='utf-8') as stream:
        stream.write('---\n')
        yaml.safe_dump(module_example_plays(), stream, sort_keys=False, width=1000)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
