"""The `nodeum` action group of meta/runtime.yml lists exactly the modules of plugins/modules.

A module missing from the group silently ignores `module_defaults: {group/nodeum.data_archiving.nodeum: ...}`;
a group entry without a module breaks every play that uses the group.
"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = 'nodeum.data_archiving'
GROUP = 'nodeum'


def module_names(modules_dir):
    return sorted(path.stem for path in Path(modules_dir).glob('*.py') if path.stem != '__init__')


def group_entries(runtime):
    groups = (runtime or {}).get('action_groups') or {}
    entries = groups.get(GROUP)
    if entries is None:
        raise AssertionError('meta/runtime.yml has no action group %r' % GROUP)
    return [entry for entry in entries if not isinstance(entry, dict)]  # a dict is a metadata entry (extend_group)


def group_problems(modules, entries):
    """Sentences that say what is wrong between the modules and the group entries; empty when they match."""
    short = [entry[len(COLLECTION) + 1:] if entry.startswith(COLLECTION + '.') else entry for entry in entries]
    problems = [
        '%s is listed twice in the %s action group' %
        (name, GROUP) for name in sorted(
            set(short)) if short.count(name) > 1]
    problems += ['module %s is not in the %s action group of meta/runtime.yml' %
                 (name, GROUP) for name in modules if name not in short]
    problems += ['the %s action group lists %s, which is not a module in plugins/modules' %
                 (GROUP, name) for name in sorted(set(short)) if name not in modules]
    return problems


def test_action_group_matches_the_modules():
    runtime = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    modules = module_names(ROOT / 'plugins' / 'modules')
    assert modules, 'plugins/modules holds no module'
    assert group_problems(modules, group_entries(runtime)) == []


@pytest.mark.parametrize(('modules', 'entries', 'expected'), [
    (['a', 'b'], ['a', 'nodeum.data_archiving.b'], []),
    (['a', 'b'], ['a'], ['module b is not in the nodeum action group of meta/runtime.yml']),
    (['a'], ['a', 'gone'], ['the nodeum action group lists gone, which is not a module in plugins/modules']),
    (['a'], ['a', 'a'], ['a is listed twice in the nodeum action group']),
])
def test_the_comparison_catches_each_mismatch(modules, entries, expected):
    assert group_problems(modules, entries) == expected


def test_a_missing_group_is_reported():
    with pytest.raises(AssertionError, match='no action group'):
        group_entries({'requires_ansible': '>=2.16.0'})
