"""Write every playbook of the README, the role README and the user guide, as written, one file each.

    PYTHONPATH=../module_examples python docs_playbooks.py COLLECTION_ROOT OUTPUT_DIR

Writes, in OUTPUT_DIR:
- one file per yaml block that is a playbook (doc_blocks.doc_playbooks), its text unchanged, named after the
  doc and the block's number (README-3.yml, roles_callbacks_as_code_README-1.yml, ...);
- index.tsv: one line per playbook, its file name and where it comes from, separated by a tab;
- the script files they read, beside them in files/ and templates/ (doc_blocks.write_script_files).
"""

import re
import sys
from pathlib import Path

from doc_blocks import DOCS, doc_playbooks, write_script_files


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
    (output / 'index.tsv').write_text(''.join(index), encoding='utf-8')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
