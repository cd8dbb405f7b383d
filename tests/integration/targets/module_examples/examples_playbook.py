"""Write a playbook made of the EXAMPLES of every module of nodeum.data_archiving, as ansible-doc shows them.

    python examples_playbook.py OUTPUT.yml

One play per module, in name order. Each play first puts the emulator back to the state it had when
this script ran (the demo data), so that the examples of one module do not depend on those of another.
The examples are taken as written: nothing is added to their tasks, so they must run with only the
NODEUM_* environment variables set.
"""

import json
import subprocess
import sys

import yaml

COLLECTION = 'nodeum.data_archiving'


def ansible_doc(*args):
    result = subprocess.run(['ansible-doc', '--json', *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def module_names():
    names = sorted(ansible_doc('-t', 'module', '--list', COLLECTION))
    if not names:
        raise SystemExit('examples_playbook: ansible-doc lists no module of %s.' % COLLECTION)
    return names


def restore_state_task(state_url):
    return {
        'name': 'Put the emulator back to the demo data',
        'ansible.builtin.uri': {'url': state_url, 'method': 'PUT', 'body_format': 'json', 'body': '{{ demo_state }}'},
    }


def main(output):
    names = module_names()
    docs = ansible_doc('-t', 'module', *names)
    plays = []
    for name in names:
        examples = yaml.safe_load(docs[name]['examples'] or '')
        if not isinstance(examples, list) or not examples:
            raise SystemExit('examples_playbook: %s has no EXAMPLES that parse as a list of tasks.' % name)
        plays.append({
            'name': 'EXAMPLES of %s' % name,
            'hosts': 'localhost',
            'gather_facts': False,
            'pre_tasks': [restore_state_task("{{ lookup('ansible.builtin.env', 'EMULATOR_URL') }}/_emulator/state")],
            'tasks': examples,
        })
        print('examples_playbook: %s: %d example tasks' % (name, len(examples)))
    with open(output, 'w', encoding='utf-8') as stream:
        stream.write('---\n')
        yaml.safe_dump(plays, stream, sort_keys=False, width=1000)


if __name__ == '__main__':
    main(sys.argv[1])
