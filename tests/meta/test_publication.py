"""What Galaxy, Automation Hub and the Ansible community package ask of the repository, checked.

The README has the sections of the community collection template and uses full URLs (it is shown
outside the repository); the facts written in several places (minimum Python and requests, the
licence text, the forum tag, the tarball's content list) agree with their source.
"""

import ast
import fnmatch
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import check_tarball

ROOT = Path(__file__).resolve().parents[2]

README = ROOT / 'README.md'
REPOSITORY = 'https://github.com/nodeum/data_archiving'
REQUIRED_SECTIONS = (
    'Description', 'Requirements', 'Installation', 'Use', 'Testing', 'Contributing', 'Code of conduct',
    'Communication', 'Support', 'Release notes', 'Versioning and deprecation', 'Roadmap', 'License',
)
# Blocks that other changes edit in place: they must stay findable under these headings.
REQUIRED_SUBSECTIONS = (
    'Support matrix',
    'A minimal playbook',
    'Connection and authentication',
    'The API emulator',
    'Development')
LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')


def headings(markdown, level):
    """The titles of the headings of one level, outside fenced code blocks."""
    titles, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith('```'):
            fenced = not fenced
        elif not fenced and line.startswith('#' * level + ' '):
            titles.append(line[level + 1:].strip())
    return titles


def anchor(title):
    """The anchor GitHub gives a heading."""
    return re.sub(r'[^\w\- ]', '', title.lower()).replace(' ', '-')


def section(markdown, title):
    """The text of one level-2 section, up to the next level-2 heading."""
    match = re.search(r'^## %s\n(.*?)(?=^## |\Z)' % re.escape(title), markdown, re.S | re.M)
    assert match, 'README.md has no "## %s" section' % title
    return match.group(1)


def link_problems(markdown):
    """Sentences naming each link that is neither a full https URL nor an anchor of the same page."""
    anchors = {anchor(title) for level in (1, 2, 3, 4) for title in headings(markdown, level)}
    problems = []
    for target in LINK.findall(markdown):
        if target.startswith('#'):
            if target[1:] not in anchors:
                problems.append('the link %s points to no heading of README.md' % target)
        elif not target.startswith('https://'):
            problems.append('the link %s is not a full https URL (the README is shown outside the repository)' % target)
    return problems


def test_the_readme_has_every_section_of_the_template():
    titles = headings(README.read_text(encoding='utf-8'), 2)
    assert [title for title in REQUIRED_SECTIONS if title not in titles] == []


def test_the_blocks_other_changes_edit_keep_their_headings():
    titles = headings(README.read_text(encoding='utf-8'), 3)
    assert [title for title in REQUIRED_SUBSECTIONS if title not in titles] == []


def test_every_readme_link_is_a_full_url_or_an_anchor():
    assert link_problems(README.read_text(encoding='utf-8')) == []


@pytest.mark.parametrize(('markdown', 'expected'), [
    ('# A\n[x](https://example.org) [y](#a)\n', []),
    ('# A\n[x](docs/guide.md)\n', ['the link docs/guide.md is not a full https URL (the README is shown outside the '
                                   'repository)']),
    ('# A\n[x](#missing)\n', ['the link #missing points to no heading of README.md']),
    ('```\n# not a heading\n```\n[x](#not-a-heading)\n', ['the link #not-a-heading points to no heading of README.md']),
])
def test_the_link_rule_catches_relative_links_and_dead_anchors(markdown, expected):
    assert link_problems(markdown) == expected


def test_the_release_notes_section_links_the_changelog():
    assert '%s/blob/main/CHANGELOG.rst' % REPOSITORY in section(README.read_text(encoding='utf-8'), 'Release notes')
    assert (ROOT / 'CHANGELOG.rst').is_file()


def test_the_code_of_conduct_is_the_ansible_one_and_linked_from_the_readme():
    ansible_coc = 'https://docs.ansible.com/projects/ansible/latest/community/code_of_conduct.html'
    assert ansible_coc in (ROOT / 'CODE_OF_CONDUCT.md').read_text(encoding='utf-8')
    assert '%s/blob/main/CODE_OF_CONDUCT.md' % REPOSITORY in section(
        README.read_text(encoding='utf-8'), 'Code of conduct')


def test_the_forum_of_links_yml_is_the_one_of_the_readme():
    links = yaml.safe_load((ROOT / 'docs' / 'docsite' / 'links.yml').read_text(encoding='utf-8'))
    forums = [forum['url'] for forum in links['communication']['forums']]
    tag_urls = [url for url in forums if url.startswith('https://forum.ansible.com/tag/')]
    assert tag_urls, 'docs/docsite/links.yml names no forum tag'
    communication = section(README.read_text(encoding='utf-8'), 'Communication')
    assert [url for url in tag_urls if url not in communication] == []


def test_galaxy_authors_are_name_and_handle_and_the_handles_are_maintainers():
    galaxy = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
    handles = [re.fullmatch(r'.+ \((@[\w-]+)\)', author) for author in galaxy['authors']]
    assert all(handles), 'every galaxy.yml author is "Name (@handle)": %s' % galaxy['authors']
    maintainers = {line.strip() for line in (ROOT / 'MAINTAINERS').read_text(encoding='utf-8').splitlines()
                   if line.strip() and not line.startswith('#')}
    assert {match.group(1) for match in handles} <= maintainers


def test_the_licence_text_is_the_same_in_copying_and_licenses():
    assert (ROOT / 'COPYING').read_bytes() == (ROOT / 'LICENSES' / 'GPL-3.0-or-later.txt').read_bytes()


def doc_of(path, name):
    """Parse the YAML string assigned to a module-level name (or class attribute) of a plugin file."""
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == name for target in node.targets):
            return node.value.value
    raise AssertionError('%s has no %s' % (path, name))


def module_paths():
    return sorted(path for path in (ROOT / 'plugins' / 'modules').glob('*.py') if path.name != '__init__.py')


@pytest.mark.parametrize('path', module_paths(), ids=lambda path: path.stem)
def test_version_added_is_a_quoted_collection_version(path):
    documentation = doc_of(path, 'DOCUMENTATION')
    line = re.search(r'^version_added: *(.*)$', documentation, re.M)
    assert line, '%s documents no version_added' % path.name
    assert re.fullmatch(r"""(['"])\d+\.\d+\.\d+\1""", line.group(1)), \
        '%s: version_added must be a quoted string, for example \'1.0.0\', not %s' % (path.name, line.group(1))


def test_the_doc_fragment_requirements_match_requirements_txt_and_tests_config():
    fragment = yaml.safe_load(doc_of(ROOT / 'plugins' / 'doc_fragments' / 'connection.py', 'DOCUMENTATION'))
    requests_line = (ROOT / 'requirements.txt').read_text(encoding='utf-8').split('\n')[0].strip()
    minimum = re.fullmatch(r'requests>=([\d.]+)', requests_line).group(1)
    python_requires = yaml.safe_load(
        (ROOT /
         'tests' /
         'config.yml').read_text(
            encoding='utf-8'))['modules']['python_requires']
    assert fragment['requirements'] == ['python %s' % python_requires.replace('>=', '>= '), 'requests >= %s' % minimum]


def build_ignore():
    return yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))['build_ignore']


@pytest.mark.parametrize('entry', check_tarball.read_entries(check_tarball.EXPECTED))
def test_no_expected_tarball_entry_is_left_out_by_build_ignore(entry):
    ignored = [pattern for pattern in build_ignore()
               if fnmatch.fnmatch(entry.rstrip('/'), pattern) or entry.startswith(pattern.rstrip('/') + '/')]
    assert ignored == []


@pytest.mark.parametrize('path', ('tests/unit', 'tests/emulator_tests', 'tests/reliability', 'tests/meta', '.github',
                                  '.ansible-lint', 'tools', 'benchmarks', 'Makefile', 'requirements-dev.txt'))
def test_development_files_are_left_out_of_the_tarball(path):
    assert path in build_ignore() and not any(check_tarball.covers(entry, path + '/x') or entry == path
                                              for entry in check_tarball.read_entries(check_tarball.EXPECTED))


NOT_LISTED = ' is in the tarball but on no line of tests/meta/tarball-contents.txt: ' + check_tarball.FIX + '.'
NOT_FOUND = (' is listed in tests/meta/tarball-contents.txt but nothing in the tarball matches it: '
             'build_ignore in galaxy.yml leaves it out, or the file is gone.')


@pytest.mark.parametrize(('members', 'entries', 'expected'), [
    (['README.md', 'plugins/modules/a.py'], ['README.md', 'plugins/'], []),
    (['README.md', 'tools/x.py'], ['README.md'], ['tools/x.py' + NOT_LISTED]),
    (['README.md'], ['README.md', 'tests/emulator/'], ['tests/emulator/' + NOT_FOUND]),
    (['plugins-extra.py'], ['plugins/'], ['plugins-extra.py' + NOT_LISTED, 'plugins/' + NOT_FOUND]),
])
def test_the_tarball_comparison_catches_each_mismatch(members, entries, expected):
    assert check_tarball.problems(members, entries) == expected


def test_the_built_tarball_holds_what_the_list_says(tmp_path):
    subprocess.run(['ansible-galaxy', 'collection', 'build', '--output-path',
                   str(tmp_path), str(ROOT)], check=True, capture_output=True)
    members = check_tarball.tarball_files(next(tmp_path.glob('*.tar.gz')))
    assert check_tarball.problems(members, check_tarball.read_entries(check_tarball.EXPECTED)) == []


def test_sanity_passes_with_no_ignore_entries():
    entries = [line for path in (ROOT / 'tests' / 'sanity').glob('ignore-*.txt')
               for line in path.read_text(encoding='utf-8').splitlines() if line.strip() and not line.startswith('#')]
    assert entries == [], 'fix the code instead of ignoring what ansible-test sanity finds'
