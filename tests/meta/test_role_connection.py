"""The role's connection variables follow the connection option table of the modules.

CONNECTION_OPTIONS in plugins/module_utils/connection_options.py declares the connection options once. The
role restates them twice: the option names that it turns into module_defaults (vars/main.yml), and
the nodeum_<option> entries of each entry point of meta/argument_specs.yml. An option added to the
table and not to the role would be silently unreachable through the role; these tests fail instead.
"""

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLE = ROOT / 'roles' / 'callbacks_as_code'
PREFIX = 'nodeum_'
# The role's own variables that share the prefix and are not connection options.
ROLE_VARIABLES = {'nodeum_task_callbacks', 'nodeum_task_callbacks_exclusive', 'nodeum_task_callbacks_exclusive_scope',
                  'nodeum_task_callbacks_allow_empty', 'nodeum_task_callbacks_syntax', 'nodeum_task_callbacks_validate',
                  'nodeum_task_callbacks_fail_on_change', 'nodeum_task_callbacks_expect_fingerprint',
                  'nodeum_export_dir'}


def connection_options():
    """CONNECTION_OPTIONS, read from the source (importing it needs the collection on sys.path)."""
    tree = ast.parse((ROOT / 'plugins' / 'module_utils' / 'connection_options.py').read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None)
                                                == 'CONNECTION_OPTIONS' for target in node.targets):
            return [dict(zip(('name', 'type', 'env', 'default', 'no_log'), row))
                    for row in ast.literal_eval(node.value)]
    raise AssertionError('plugins/module_utils/connection_options.py defines no CONNECTION_OPTIONS')


def argument_specs():
    return yaml.safe_load((ROLE / 'meta' / 'argument_specs.yml').read_text(encoding='utf-8'))['argument_specs']


def spec_problems(entry_point, options, table):
    """Sentences naming each difference between an entry point's nodeum_* options and the table; empty when none."""
    declared = dict((name, spec) for name, spec in options.items()
                    if name.startswith(PREFIX) and name not in ROLE_VARIABLES)
    expected = dict((PREFIX + row['name'], row) for row in table)
    problems = ['%s: %s is a connection option and is missing' %
                (entry_point, name) for name in expected if name not in declared]
    problems += ['%s: %s is not a connection option of the modules' %
                 (entry_point, name) for name in declared if name not in expected]
    for name in sorted(set(declared) & set(expected)):
        spec, row = declared[name], expected[name]
        if spec.get('type') != row['type']:
            problems.append(
                '%s: %s has type %s, the modules take %s' %
                (entry_point, name, spec.get('type'), row['type']))
        if bool(spec.get('no_log')) != row['no_log']:
            problems.append('%s: %s has no_log %s, the modules have %s' %
                            (entry_point, name, bool(spec.get('no_log')), row['no_log']))
        if 'E(%s)' % row['env'] not in ' '.join(spec.get('description') or []):
            problems.append('%s: the description of %s does not name E(%s)' % (entry_point, name, row['env']))
        if spec.get('required') or 'default' in spec:
            problems.append(
                '%s: %s must be optional with no default (unset means module_defaults, then %s)' %
                (entry_point, name, row['env']))
    return problems


@pytest.mark.parametrize('entry_point', ['main', 'export'])
def test_each_entry_point_declares_exactly_the_connection_options(entry_point):
    assert spec_problems(entry_point, argument_specs()[entry_point]['options'], connection_options()) == []


def test_both_entry_points_declare_them_alike():
    specs = argument_specs()
    connection = [dict((name, spec) for name, spec in specs[entry]['options'].items() if name not in ROLE_VARIABLES)
                  for entry in ('main', 'export')]
    assert connection[0] == connection[1]


def test_the_role_passes_exactly_the_connection_options_in_table_order():
    role_vars = yaml.safe_load((ROLE / 'vars' / 'main.yml').read_text(encoding='utf-8'))
    assert role_vars['callbacks_as_code_connection_options'] == [row['name'] for row in connection_options()]


def test_every_module_task_of_the_role_takes_its_connection_from_module_defaults():
    """A module task of the role without that module_defaults entry would ignore the nodeum_* variables."""
    for tasks_file in sorted((ROLE / 'tasks').glob('*.yml')):
        for task in yaml.safe_load(tasks_file.read_text(encoding='utf-8')):
            modules = [key for key in task if key.startswith('nodeum.data_archiving.')]
            for module in modules:
                assert (task.get('module_defaults') or {}).get(
                    module) == '{{ callbacks_as_code_connection }}', (tasks_file.name, task['name'])
                connection_args = set(task[module] or {}) & set(row['name'] for row in connection_options())
                assert not connection_args, (tasks_file.name, task['name'], connection_args)


TABLE = [dict(name='url', type='str', env='NODEUM_URL', default=None, no_log=False),
         dict(name='token', type='str', env='NODEUM_TOKEN', default=None, no_log=True)]
GOOD = {'nodeum_url': {'type': 'str', 'description': ['E(NODEUM_URL)']},
        'nodeum_token': {'type': 'str', 'no_log': True, 'description': ['E(NODEUM_TOKEN)']},
        'nodeum_task_callbacks': {'type': 'list'}}


@pytest.mark.parametrize(('change', 'expected'), [
    ({}, []),
    ({'nodeum_token': None}, ['main: nodeum_token is a connection option and is missing']),
    ({'nodeum_proxy': {'type': 'str'}}, ['main: nodeum_proxy is not a connection option of the modules']),
    ({'nodeum_url': {'type': 'path', 'description': ['E(NODEUM_URL)']}}, [
     'main: nodeum_url has type path, the modules take str']),
    ({'nodeum_token': {'type': 'str', 'description': ['E(NODEUM_TOKEN)']}}, [
     'main: nodeum_token has no_log False, the modules have True']),
    ({'nodeum_url': {'type': 'str', 'description': ['the URL']}}, [
     'main: the description of nodeum_url does not name E(NODEUM_URL)']),
    ({'nodeum_url': {'type': 'str', 'default': 'x', 'description': ['E(NODEUM_URL)']}},
     ['main: nodeum_url must be optional with no default (unset means module_defaults, then NODEUM_URL)']),
])
def test_the_comparison_catches_each_difference(change, expected):
    options = dict(GOOD)
    options.update(change)
    options = dict((name, spec) for name, spec in options.items() if spec is not None)
    assert spec_problems('main', options, TABLE) == expected


def test_the_table_is_read():
    names = [row['name'] for row in connection_options()]
    assert 'url' in names and 'api_key' in names
