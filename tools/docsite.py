"""Build the HTML docs site with antsibull-docs and Sphinx, offline, and check its internal links.

    .venv/bin/python tools/docsite.py      # what `make docs` runs; the site ends in build/docsite/build/html

1. Copies the collection to build/docsite-collections (a copy of its own: other checks re-stage
   build/collections meanwhile).
2. `antsibull-docs sphinx-init --use-current --dest-dir build/docsite nodeum.data_archiving`, then
   its build.sh (antsibull-docs collection + sphinx-build -W --keep-going: any warning fails).
   Sphinx looks up the Ansible docs' labels (common_return_values, ...) in intersphinx inventories
   it cannot download here; their local fall-backs (build/docsite/*.inv) are written first, with
   the few labels the generated pages use and their real docs.ansible.com addresses.
3. Every relative href and #fragment of the built HTML must resolve to a file and an id.
"""

import os
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / '.venv' / 'bin'
DOCSITE = ROOT / 'build' / 'docsite'
COLLECTIONS = ROOT / 'build' / 'docsite-collections'
HTML = DOCSITE / 'build' / 'html'
sys.path.insert(0, str(ROOT / 'tools'))
from copy_collection import copy_collection  # noqa: E402

# Labels of the Ansible docs that antsibull-docs pages refer to: (label, page#anchor, title).
ANSIBLE_LABELS = (
    ('ansible_configuration_settings', 'reference_appendices/config.html#ansible-configuration-settings', 'Ansible Configuration Settings'),
    ('action_plugins', 'plugins/action.html#action-plugins', 'Action plugins'),
    ('common_return_values', 'reference_appendices/common_return_values.html#common-return-values', 'Return Values'),
    ('ansible_collections.ansible.builtin.template_lookup', 'collections/ansible/builtin/template_lookup.html'
     '#ansible-collections-ansible-builtin-template-lookup', 'ansible.builtin.template lookup'),
)
EXPECTED_PAGES = (
    'collections/nodeum/data_archiving/index.html',
    'collections/nodeum/data_archiving/task_callback_module.html',
    'collections/nodeum/data_archiving/task_callback_info_module.html',
    'collections/nodeum/data_archiving/task_callbacks_role.html',
    'collections/nodeum/data_archiving/docsite/user_guide.html',
)


def inventory(entries):
    """An intersphinx inventory (format 2) holding std:label entries."""
    header = b'# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n'
    body = ''.join('%s std:label -1 %s %s\n' % (label, uri, title) for label, uri, title in entries)
    return header + zlib.compress(body.encode('utf-8'))


def write_offline_inventories():
    (DOCSITE / 'ansible_devel.inv').write_bytes(inventory(ANSIBLE_LABELS))
    for name in ('python2.inv', 'python3.inv', 'jinja2.inv'):
        (DOCSITE / name).write_bytes(inventory(()))


class Links(HTMLParser):
    """Collects the ids and the hrefs of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids = set()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get('id'):
            self.ids.add(attributes['id'])
        if tag == 'a' and attributes.get('name'):
            self.ids.add(attributes['name'])
        if tag in ('a', 'link') and attributes.get('href'):
            self.hrefs.append(attributes['href'])


def parse(path, cache):
    if path not in cache:
        parser = Links()
        parser.feed(path.read_text(encoding='utf-8', errors='replace'))
        cache[path] = parser
    return cache[path]


def broken_links():
    cache = {}
    broken = []
    pages = sorted(HTML.rglob('*.html'))
    for page in pages:
        for href in parse(page, cache).hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(('mailto:', '/')):  # only relative links are ours to check
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / 'index.html'
            if not target.exists():
                broken.append('%s: %s (no such file)' % (page.relative_to(HTML), href))
            elif parts.fragment and target.suffix == '.html' and unquote(parts.fragment) not in parse(target, cache).ids:
                broken.append('%s: %s (no such anchor)' % (page.relative_to(HTML), href))
    return pages, broken


def run(argv, env=None, cwd=None):
    print('$ ' + ' '.join(str(part) for part in argv), flush=True)
    return subprocess.run([str(part) for part in argv], env=env, cwd=cwd, check=False).returncode


def main():
    copy_collection(COLLECTIONS)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), PATH='%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', os.defpath)))
    env.setdefault('HOME', str(ROOT / 'build' / 'home'))
    if DOCSITE.exists():
        subprocess.run(['rm', '-rf', str(DOCSITE)], check=True)
    DOCSITE.mkdir(parents=True, mode=0o755)
    DOCSITE.chmod(0o755)  # antsibull-docs refuses a directory that others can write to
    if run([BIN / 'antsibull-docs', 'sphinx-init', '--use-current', '--dest-dir', DOCSITE, 'nodeum.data_archiving'], env=env, cwd=DOCSITE):
        return 1
    write_offline_inventories()
    if run(['bash', DOCSITE / 'build.sh'], env=env, cwd=DOCSITE):
        print('docsite: the build failed (Sphinx runs with -W: every warning above is an error).', file=sys.stderr)
        return 1
    missing = [page for page in EXPECTED_PAGES if not (HTML / page).exists()]
    pages, broken = broken_links()
    for page in missing:
        print('docsite: the site has no %s' % page, file=sys.stderr)
    for link in broken:
        print('docsite: broken link in %s' % link, file=sys.stderr)
    if missing or broken:
        return 1
    print('docsite: %d pages, every relative link resolves; open %s' % (len(pages), HTML / 'index.html'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
