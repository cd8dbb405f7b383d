"""Every SEE ALSO entry of the modules (and of the role's argument specs) leads somewhere that exists, checked offline.

- module/plugin entries name a module of this collection (plugins/modules) or of ansible-core;
- link entries point into this collection's repository (galaxy.yml `repository`, branch main) at a file of
  this tree and, after #, at a section heading of that file; or at a page of KNOWN_PAGES;
- ref entries are refused: ansible-doc shows them as a search URL of docs.ansible.com that finds nothing.
"""

import ast
import importlib.util
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = 'nodeum.data_archiving'
# External pages a SEE ALSO entry may name, each known to exist (none needed today).
KNOWN_PAGES = frozenset()
RST_UNDERLINE = re.compile(r'^([=\-~^"\'`#*+.:_])\1+$')


def repository_blob_prefix(root=ROOT):
    galaxy = yaml.safe_load((root / 'galaxy.yml').read_text(encoding='utf-8'))
    return galaxy['repository'].rstrip('/') + '/blob/main/'


def heading_anchors(path):
    """The anchors GitHub gives the section headings of a reStructuredText or Markdown file."""
    lines = path.read_text(encoding='utf-8').splitlines()
    if path.suffix == '.md':
        titles = [line.lstrip('#').strip() for line in lines if re.match(r'^#{1,6} ', line)]
        return {re.sub(r'[^\w\- ]', '', title.lower()).replace(' ', '-') for title in titles}
    titles = [title.strip() for title, underline in zip(lines, lines[1:])
              if title.strip() and RST_UNDERLINE.match(underline) and len(underline) >= len(title.strip())]
    return {re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-') for title in titles}


def module_exists(name, root=ROOT):
    if name.startswith(COLLECTION + '.'):
        return (root / 'plugins' / 'modules' / (name[len(COLLECTION) + 1:] + '.py')).is_file()
    if name.startswith('ansible.builtin.'):
        return importlib.util.find_spec('ansible.modules.' + name[len('ansible.builtin.'):]) is not None
    return False


def link_problem(url, root=ROOT):
    """One sentence saying why url does not resolve, or None."""
    if url in KNOWN_PAGES:
        return None
    prefix = repository_blob_prefix(root)
    if not url.startswith(prefix):
        return 'link %s is neither a file of this repository (%s...) nor in KNOWN_PAGES' % (url, prefix)
    parts = urlsplit(url[len(prefix):])
    target = root / parts.path
    if not parts.path or not target.is_file():
        return 'link %s names %s, which is not a file of this tree' % (url, parts.path or '(nothing)')
    if parts.fragment and parts.fragment not in heading_anchors(target):
        return 'link %s names the section #%s, which %s has no heading for' % (url, parts.fragment, parts.path)
    return None


def entry_problems(owner, entry, root=ROOT):
    """Sentences saying what is wrong with one SEE ALSO entry of owner; empty when it resolves."""
    if 'ref' in entry:
        return ['%s: SEE ALSO ref %s shows in ansible-doc as a search URL that finds nothing; use link with the page' %
                (owner, entry['ref'])]
    name = entry.get('module') or entry.get('plugin')
    if name:
        return [] if module_exists(name, root) else [
            '%s: SEE ALSO names %s, which is no module of this collection or of ansible-core' % (owner, name)]
    if 'link' in entry:
        problem = link_problem(entry['link'], root)
        return ['%s: %s' % (owner, problem)] if problem else []
    return ['%s: SEE ALSO entry %r has no module, plugin or link' % (owner, entry)]


def module_documentation(path):
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None)
                                                == 'DOCUMENTATION' for target in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no DOCUMENTATION' % path)


def fragment_documentations(path):
    """The documentation strings of a doc fragment's class (DOCUMENTATION, ATTRIBUTES, ...), parsed."""
    return [
        yaml.safe_load(node.value.value)
        for cls in ast.parse(path.read_text(encoding='utf-8')).body
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    ]


def seealso_entries(root=ROOT):
    """(owner, entry) of every SEE ALSO entry of the modules, of the doc fragments and of the roles' entry points."""
    entries = []
    for path in sorted((root / 'plugins' / 'modules').glob('*.py')):
        entries += [(path.stem, entry) for entry in module_documentation(path).get('seealso') or []]
    for path in sorted((root / 'plugins' / 'doc_fragments').glob('*.py')):
        entries += [('doc fragment %s' % path.stem, entry) for doc in fragment_documentations(path)
                    for entry in doc.get('seealso') or []]
    for spec in sorted((root / 'roles').glob('*/meta/argument_specs.yml')):
        for entry_point, doc in (yaml.safe_load(spec.read_text(encoding='utf-8')).get('argument_specs') or {}).items():
            owner = 'role %s (%s)' % (spec.parent.parent.name, entry_point)
            entries += [(owner, entry) for entry in doc.get('seealso') or []]
    return entries


def test_every_seealso_entry_resolves():
    entries = seealso_entries()
    assert entries, 'no SEE ALSO entry found: the parser or the docs changed'
    assert [problem for owner, entry in entries for problem in entry_problems(owner, entry)] == []


GUIDE = 'docs/docsite/rst/user_guide.rst'


@pytest.mark.parametrize(('entry', 'expected'), [
    ({'module': COLLECTION + '.task_callback_info'}, ''),
    ({'module': 'ansible.builtin.uri'}, ''),
    ({'link': '{prefix}' + GUIDE + '#check-mode-and-diff-mode'}, ''),
    ({'link': '{prefix}' + GUIDE}, ''),
    ({'module': COLLECTION + '.no_such_module'}, 'which is no module'),
    ({'ref': 'ansible_collections.nodeum.data_archiving.docsite.user_guide'}, 'search URL'),
    ({'link': '{prefix}' + GUIDE + '#no-such-section'}, 'has no heading for'),
    ({'link': '{prefix}docs/missing.rst'}, 'not a file of this tree'),
    ({'link': 'https://example.com/somewhere'}, 'nor in KNOWN_PAGES'),
])
def test_entry_problems(entry, expected):
    entry = {key: value.replace('{prefix}', repository_blob_prefix()) for key, value in entry.items()}
    problems = entry_problems('m', entry)
    if expected:
        assert len(problems) == 1 and expected in problems[0], problems
    else:
        assert problems == []
