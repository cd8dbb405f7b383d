"""The code blocks of the collection's Markdown and reStructuredText docs, and the playbooks among them.

Imported by examples_playbook.py (this target) and by the docs_examples target (its aliases say
needs/target/module_examples), with this directory on PYTHONPATH.
"""

import re
import shutil
import textwrap
from pathlib import Path

import yaml

SUPPORT = Path(__file__).resolve().parent / 'support'
MARKDOWN_BLOCK = re.compile(r'^```(\w+)\n(.*?)^```', re.MULTILINE | re.DOTALL)
RST_DIRECTIVE = re.compile(r'^( *)\.\. code-block:: (\w+) *$')
RST_OPTION = re.compile(r'^ *:[\w-]+:')
NAMED_FILE = re.compile(r'^(?://|#) ([\w./-]+): ')
# The docs whose playbooks run as written (docs_examples), relative to the collection's root.
DOCS = ('README.md', 'roles/callbacks_as_code/README.md', 'docs/docsite/rst/user_guide.rst')


def indentation(line):
    return len(line) - len(line.lstrip(' '))


def rst_blocks(text):
    """(language, text) of every code-block directive, at any indentation (a block in a list item too)."""
    lines = text.split('\n')
    blocks = []
    for number, line in enumerate(lines):
        directive = RST_DIRECTIVE.match(line)
        if not directive:
            continue
        body = []
        for following in lines[number + 1:]:
            if following.strip() and indentation(following) <= len(directive.group(1)):
                break
            body.append(following)
        while body and RST_OPTION.match(body[0]):
            body.pop(0)
        blocks.append((directive.group(2), textwrap.dedent('\n'.join(body)).strip('\n') + '\n'))
    return blocks


def code_blocks(path):
    """(language, text) of every code block of a Markdown or reStructuredText file, in order."""
    text = path.read_text(encoding='utf-8')
    if path.suffix == '.md':
        return MARKDOWN_BLOCK.findall(text)
    return rst_blocks(text)


def doc_playbooks(path):
    """(block number, text) of every yaml block of a doc that is a playbook.

    A yaml block that is a mapping (a requirements file, a credential type, a module_defaults excerpt) is no
    playbook: it is listed as skipped. A yaml block that is a list but not of plays fails, as does a doc with no
    playbook at all, so that a parser that stops finding them cannot pass unseen.
    """
    playbooks = []
    for number, (language, body) in enumerate(code_blocks(path), start=1):
        if language != 'yaml':
            continue
        data = yaml.safe_load(body)
        where = '%s, code block %d' % (path.name, number)
        if isinstance(data, dict):
            print('doc_blocks: %s is a mapping, not a playbook: skipped' % where)
            continue
        if not isinstance(data, list) or not all(isinstance(play, dict) and 'hosts' in play for play in data):
            raise SystemExit('doc_blocks: %s is a list but not of plays; write it as a whole playbook.' % where)
        playbooks.append((number, body))
    if not playbooks:
        raise SystemExit('doc_blocks: %s shows no playbook in a yaml block.' % path)
    return playbooks


def write_script_files(collection_root, output):
    """Write the script files the docs' playbooks read into output: this target's support/ files (those the docs
    name but do not show), and each javascript or python block whose first line names its file
    (// files/skip_tmp.js: ..., # files/skip_tmp.py: ...)."""
    shutil.copytree(SUPPORT, output, dirs_exist_ok=True)
    for path in (Path(collection_root) / doc for doc in DOCS):
        for language, body in code_blocks(path):
            match = NAMED_FILE.match(body)
            if language in ('javascript', 'python') and match:
                target = output / match.group(1)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(body, encoding='utf-8')
                print('doc_blocks: %s: wrote %s' % (path.name, match.group(1)))
