"""Facts the docs write in more than one place, checked against their source.

- The user guide opens with the collection's content: every module of plugins/modules and every role of roles/,
  by its current name (the docs site build fails on a dead reference, not on a missing one).
- Numbers of the code that the docs restate (concurrency, name lookups, retries) are those of plugins/module_utils.
- Every module documents api_error alike; the connection tables of the README and of the user guide are the
  table of plugins/module_utils/connection_options.py; the inclusion checklist names the plugin types there are.
"""

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
USER_GUIDE = ROOT / 'docs' / 'docsite' / 'rst' / 'user_guide.rst'


def opening_list(rst):
    """The text of the user guide's list of content, from 'The collection holds' to the contents directive."""
    return rst.split('The collection holds:', 1)[1].split('.. contents::', 1)[0]


def content_problems(text, modules, roles):
    """Sentences naming each module and role the text does not link."""
    problems = [f'the module {name} is not listed' for name in modules
                if f':ansplugin:`nodeum.data_archiving.{name}#module`' not in text]
    problems += [f'the role {name} is not listed' for name in roles
                 if f'<ansible_collections.nodeum.data_archiving.{name}_role>`' not in text]
    return problems


def test_the_user_guide_lists_every_module_and_role_by_its_name():
    modules = sorted(path.stem for path in (ROOT / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__')
    roles = sorted(path.name for path in (ROOT / 'roles').iterdir() if path.is_dir())
    assert content_problems(opening_list(USER_GUIDE.read_text(encoding='utf-8')), modules, roles) == []


def test_the_content_check_names_what_is_missing():
    text = ('- the module :ansplugin:`nodeum.data_archiving.a#module`\n'
            '- :ref:`x <ansible_collections.nodeum.data_archiving.old_role>`')
    assert content_problems(text, ['a', 'b'], ['new']) == ['the module b is not listed', 'the role new is not listed']


# -- numbers of the code that the docs restate ---------------------------------------------------------------------

NUMBER = r'(\d+(?:\.\d+)?)'
# (constant of plugins/module_utils, the prose that restates it: a pattern whose groups are its values)
RESTATED_CONSTANTS = (
    ('MAX_CONCURRENT_REQUESTS', r'at\s+most\s+%s\s+(?:requests\s+)?at\s+a\s+time' % NUMBER),
    ('NAME_LOOKUP_LIMIT', r'up\s+to\s+%s\s+distinct\s+names' % NUMBER),
    ('MAX_ATTEMPTS', r'%s\s+attempts\b' % NUMBER),
    ('MAX_ATTEMPTS', r'attempt\s+N\s+of\s+%s' % NUMBER),
    ('BACKOFF_SECONDS', r'waiting\s+%s,\s+%s,?\s+(?:and\s+)?%s\s+s' % (NUMBER, NUMBER, NUMBER)),
    ('RETRYABLE_STATUSES', r'statuses\s+(\d{3}),\s+(\d{3}),\s+(\d{3})\s+and\s+(\d{3})'),
    ('MAX_RETRY_AFTER_SECONDS', r'Retry-After`*\s+header\s+asks,\s+up\s+to\s+%s\s+seconds' % NUMBER),
    ('RETRY_DEADLINE_SECONDS', r'once\s+%s\s+seconds\s+have\s+passed' % NUMBER),
    ('DETAILS_MAX_DEPTH', r'details`*\s+keeps\s+its\s+structure\s+to\s+a\s+depth\s+of\s+%s' % NUMBER),
    ('DETAILS_MAX_ENTRIES', r'%s\s+entries\s+per\s+object\s+or\s+list' % NUMBER),
    ('DETAILS_MAX_TOTAL', r'%s\s+values\s+in\s+all' % NUMBER),
    ('DETAILS_MAX_TEXT', r'each\s+text\s+cut\s+at\s+%s\s+characters' % NUMBER),
)


def prose_files(root=ROOT):
    """What users read: the README, docs/ (Markdown and reStructuredText), the module docs and the role's."""
    paths = [root / 'README.md', *sorted((root / 'docs').rglob('*.md')), *sorted((root / 'docs').rglob('*.rst')),
             *sorted((root / 'plugins' / 'modules').glob('*.py')),
             *sorted((root / 'plugins' / 'doc_fragments').glob('*.py')),
             *sorted((root / 'roles').rglob('*.md')), *sorted((root / 'roles').glob('*/meta/argument_specs.yml'))]
    return [path for path in paths if path.is_file()]


def module_utils_constants(root=ROOT):
    """Every top-level constant of plugins/module_utils whose value is a literal, by name."""
    constants = {}
    for path in sorted((root / 'plugins' / 'module_utils').rglob('*.py')):
        for node in ast.parse(path.read_text(encoding='utf-8')).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    constants[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return constants


def as_numbers(value):
    return [float(number) for number in (value if isinstance(value, (tuple, list)) else [value])]


def restated_problems(texts, constants):
    """Sentences naming each restatement whose numbers differ from the constant's, and each pattern found nowhere."""
    problems = []
    for name, pattern in RESTATED_CONSTANTS:
        found = [(where, match) for where, text in texts for match in re.finditer(pattern, text)]
        if not found:
            problems.append('no doc restates %s as %r: the docs or this pattern changed' % (name, pattern))
        for where, match in found:
            if [float(group) for group in match.groups()] != as_numbers(constants[name]):
                problems.append('%s says %r, but %s is %r' %
                                (where, ' '.join(match.group(0).split()), name, constants[name]))
    return problems


def test_the_numbers_the_docs_restate_are_those_of_the_code():
    texts = [(str(path.relative_to(ROOT)), path.read_text(encoding='utf-8')) for path in prose_files()]
    assert restated_problems(texts, module_utils_constants()) == []


def test_a_restated_number_that_differs_is_named():
    texts = [('doc', 'at most 8 at a time, up to 5 distinct names, 4 attempts, attempt N of 4, waiting 0.5, 1 and 2 '
                     'seconds, '
                     'the statuses 429, 502, 503 and 504; as the Retry-After header asks, up to 30 seconds; '
                     'once 30 seconds have passed; api_error.details keeps its structure to a depth of 8, 50 entries '
                     'per object '
                     'or list and 500 values in all, each text cut at 500 characters')]
    constants = dict(MAX_CONCURRENT_REQUESTS=6, NAME_LOOKUP_LIMIT=5, MAX_ATTEMPTS=4, BACKOFF_SECONDS=(0.5, 1.0, 2.0),
                     RETRYABLE_STATUSES=(429, 502, 503, 504), MAX_RETRY_AFTER_SECONDS=30.0, RETRY_DEADLINE_SECONDS=30.0,
                     DETAILS_MAX_DEPTH=8, DETAILS_MAX_ENTRIES=50, DETAILS_MAX_TOTAL=500, DETAILS_MAX_TEXT=500)
    assert restated_problems(texts, constants) == ["doc says 'at most 8 at a time', but MAX_CONCURRENT_REQUESTS is 6"]
    assert 'no doc restates NAME_LOOKUP_LIMIT' in restated_problems([('doc', '')], constants)[1]


# -- copies that must stay equal --------------------------------------------------------------------------------------

def return_docs(path):
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == 'RETURN' for target in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no RETURN' % path)


def without_samples(doc):
    """A return value's documentation without its samples, which may differ by module (each shows a request it
    sends)."""
    if isinstance(doc, dict):
        return dict((key, without_samples(value)) for key, value in doc.items() if key != 'sample')
    return doc


def test_every_module_documents_api_error_alike():
    blocks = dict((path.stem, without_samples(return_docs(path).get('api_error')))
                  for path in sorted((ROOT / 'plugins' / 'modules').glob('*.py')) if path.stem != '__init__')
    assert all(blocks.values()), 'a module documents no api_error: %s' % sorted(
        name for name, doc in blocks.items() if not doc)
    first = next(iter(blocks))
    assert [name for name, doc in blocks.items() if doc != blocks[first]] == [
    ], 'api_error differs from that of %s' % first


def connection_rows():
    """(option, environment variable, default) of CONNECTION_OPTIONS, in table order."""
    tree = ast.parse((ROOT / 'plugins' / 'module_utils' / 'connection_options.py').read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None)
                                                == 'CONNECTION_OPTIONS' for target in node.targets):
            return [(name, env, default) for name, _type, env, default, _no_log in ast.literal_eval(node.value)]
    raise AssertionError('plugins/module_utils/connection_options.py defines no CONNECTION_OPTIONS')


def readme_connection_table(markdown):
    """(option, environment variable, default) of each row of the README's table under Connection and authentication."""
    section = markdown.split('### Connection and authentication', 1)[1].split('\n## ', 1)[0]
    rows = [line.strip('|').split('|') for line in section.splitlines() if line.startswith('| `')]
    return [tuple(cell.strip() for cell in row[:3]) for row in rows]


def user_guide_connection_table(rst):
    """(option, environment variable) of each row of the user guide's list-table under Connecting and authenticating."""
    section = rst.split('Connecting and authenticating\n', 1)[1].split('\nExactly one kind of credential', 1)[0]
    cells = re.findall(r'^   [* ] - (.*)$', section, re.MULTILINE)
    return [(cells[index].strip('`'), cells[index + 1].strip('`')) for index in range(3, len(cells) - 2, 3)]


def readme_default(default):
    if default is None:
        return ''
    return '`%s`' % (str(default).lower() if isinstance(default, bool) else '%g' % default)


def test_the_readme_connection_table_is_the_table_of_the_code():
    expected = [('`%s`' % name, '`%s`' % env, '(required)' if name == 'url' else readme_default(default))
                for name, env, default in connection_rows()]
    assert readme_connection_table((ROOT / 'README.md').read_text(encoding='utf-8')) == expected


def test_the_user_guide_connection_table_is_the_table_of_the_code():
    expected = [(name, env) for name, env, _default in connection_rows()]
    assert user_guide_connection_table(USER_GUIDE.read_text(encoding='utf-8')) == expected


def test_the_inclusion_checklist_names_the_plugin_types_of_plugins():
    row = next(line for line in (ROOT / 'docs' / 'inclusion_checklist.md').read_text(encoding='utf-8').splitlines()
               if line.startswith('| Only allowed plugin types'))
    where = row.split('|')[3].split('(', 1)[0]
    present = sorted(path.name for path in (ROOT / 'plugins').iterdir()
                     if path.is_dir() and not path.name.startswith(('.', '_')))
    assert sorted(re.findall(r'`(\w+)`', where)) == present
