"""Facts the docs write in more than one place, checked against their source.

The user guide opens with the collection's content: every module of plugins/modules and every role of roles/,
by its current name (the docs site build fails on a dead reference, not on a missing one).
"""

from pathlib import Path

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
