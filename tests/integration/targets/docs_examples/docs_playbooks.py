"""Write every playbook of the README, the role README, the user guide and the role's EXAMPLES, as written, one file
each.

    PYTHONPATH=../module_examples python docs_playbooks.py COLLECTION_ROOT OUTPUT_DIR

Writes, in OUTPUT_DIR:
- one file per yaml block that is a playbook (doc_blocks.doc_playbooks), its text unchanged, named after the
  doc and the block's number (README-3.yml, roles_callbacks_as_code_README-1.yml, ...);
- one file per entry point of the role, its EXAMPLES as ansible-doc -t role shows them
  (roles_callbacks_as_code_meta_argument_specs-main.yml, ...-export.yml);
- index.tsv: one line per playbook, its file name and where it comes from, separated by a tab;
- the script files they read, beside them in files/ and templates/ (doc_blocks.write_script_files).
"""

import re
import sys
from pathlib import Path

import yaml

from doc_blocks import DOCS, doc_playbooks, write_script_files

ROLE_SPECS = 'roles/callbacks_as_code/meta/argument_specs.yml'


def role_examples(root):
    """(entry point, text) of the examples of every entry point of the role; an entry point without any fails."""
    specs = yaml.safe_load((root / ROLE_SPECS).read_text(encoding='utf-8'))['argument_specs']
    missing = sorted(entry for entry, spec in specs.items() if not spec.get('examples'))
    if missing:
        raise SystemExit(
            'docs_playbooks: the entry points %s of %s show no examples.' %
            (', '.join(missing), ROLE_SPECS))
    return [(entry, spec['examples']) for entry, spec in specs.items()]


def main(collection_root, output):
    root, output = Path(collection_root), Path(output)
    write_script_files(root, output)
    index = []
    for doc in DOCS:
        stem = re.sub(r'\W+', '_', doc.rsplit('.', 1)[0])
        for number, text in doc_playbooks(root / doc):
            name = '%s-%d.yml' % (stem, number)
            (output / name).write_text(text, encoding='utf-8')
            index.append('%s\t%s, code block %d\n' % (name, doc, number))
            print('docs_playbooks: %s, code block %d: %s' % (doc, number, name))
    for entry, text in role_examples(root):
        name = '%s-%s.yml' % (re.sub(r'\W+', '_', ROLE_SPECS.rsplit('.', 1)[0]), entry)
        (output / name).write_text(text, encoding='utf-8')
        index.append('%s\t%s, examples of the entry point %s\n' % (name, ROLE_SPECS, entry))
        print('docs_playbooks: %s, examples of %s: %s' % (ROLE_SPECS, entry, name))
    (output / 'index.tsv').write_text(''.join(index), encoding='utf-8')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
