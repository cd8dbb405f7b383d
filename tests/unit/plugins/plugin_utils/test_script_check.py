# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the check of a script on the controller: its sentences, and that it never runs the script."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shlex
import sys
import time
import types

import pytest

from ansible_collections.nodeum.data_archiving.plugins.plugin_utils import _script_check
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils._script_check import (
    CheckSettingError, ScriptCheck, ScriptRefused, SyntaxFault, check_script, script_check, syntax_refusal,
)

SUBJECT = "The script of task 'Nightly'"
SENT = 'nothing was sent'
# The vendor's page "Hook service (callback)": its JavaScript lines, in run(req).
VENDOR_JS = ('function run(req) {\n  const id = req.getId();\n  const info = utils.getNodeInfo(req);\n'
             '  console.log(id, info?.getPath(), info?.getMode());\n  return true;\n}\n')
PYTHON_RUN = ('import utils\n\n\ndef run(req):\n    info = utils.get_node_info(req)\n'
              '    return info.size < 1024 and info.metadata[\'key\'] != \'x\'\n')
PYTHON = sys.executable


def refusal(check, script, file_name=None, directory=None):
    with pytest.raises(ScriptRefused) as caught:
        check_script(check, script, SUBJECT, SENT, file_name, directory)
    return str(caught.value)


def setting_error(syntax, validate, owner='The task'):
    with pytest.raises(CheckSettingError) as caught:
        script_check(syntax, validate, owner)
    return str(caught.value)


# -- the settings, refused before any script is read ---------------------------------------------

def test_an_unknown_language_is_named_with_the_choices():
    assert setting_error('js', None, "callbacks[1] (task 'Nightly')") == (
        "callbacks[1] (task 'Nightly') gives syntax 'js', which is not one of javascript, python, none; give "
        "javascript, python, or none for no syntax check.")


def test_a_validate_command_must_say_where_the_file_goes():
    assert setting_error(None, 'node --check') == (
        "The task gives validate 'node --check', which has no %s; put %s where the path of the script's temporary file "
        "goes, for example node --check %s.")


def test_a_validate_command_must_be_text_and_a_command_line():
    assert setting_error(None, ['node', '%s']) == (
        'The task gives validate as list; give a command line as text, for example node --check %s.')
    assert setting_error(None, 'node "--check %s') == (
        "The task gives validate 'node \"--check %s', which is not a command line (No closing quotation); check its "
        "quotes.")


def test_none_and_nothing_ask_for_no_check():
    assert _script_check.asks_nothing(script_check('none', None, 'The task'))
    assert _script_check.asks_nothing(script_check(None, None, 'The task'))
    assert not _script_check.asks_nothing(script_check('python', None, 'The task'))


def test_javascript_without_esprima2_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, 'esprima', None)  # import esprima now raises ImportError
    assert setting_error('javascript', None) == (
        'The task asks for syntax javascript, which needs the Python package esprima2 on the controller, and its '
        'Python '
        '(%s) has none; install it there (%s -m pip install esprima2), or leave syntax out.' % (PYTHON, PYTHON))


@pytest.mark.parametrize('location, named', [
    ('/site-packages/esprima/__init__.py', '/site-packages/esprima/__init__.py'), (None, 'esprima'),
], ids=['a file', 'a namespace package'])
def test_an_esprima_that_cannot_parse_es2020_is_named(monkeypatch, location, named):
    old = types.ModuleType('esprima')
    if location:
        old.__file__ = location

    def parse_script(code):
        raise ValueError('Line 1: Unexpected token ?')
    old.parseScript = parse_script
    monkeypatch.setitem(sys.modules, 'esprima', old)
    assert setting_error('javascript', None) == (
        'The task asks for syntax javascript, and the esprima module on the controller (%s) '
        'cannot parse ECMAScript 2020 (it is not esprima2, perhaps esprima 4); replace it (%s -m pip uninstall '
        'esprima, '
        'then %s -m pip install esprima2).' % (named, PYTHON, PYTHON))


# -- syntax: javascript --------------------------------------------------------------------------

JAVASCRIPT = ScriptCheck('javascript', None)


def test_broken_javascript_is_refused_with_its_line_and_column():
    assert refusal(JAVASCRIPT, 'function filter(request) { return request.copy.info.size < ; ') == (
        "The script of task 'Nightly' is not valid JavaScript at line 1, column 60 (\"Unexpected token ;\"); nothing "
        "was "
        'sent: fix it, or leave syntax out to send it unchecked.')
    assert 'at line 3, column 1 ("Unexpected end of input")' in refusal(
        JAVASCRIPT, 'function run(req) {\n  return true;\n')


def test_python_given_as_javascript_is_refused():
    assert 'is not valid JavaScript at line 1, column 5 ("Unexpected identifier")' in refusal(
        JAVASCRIPT, 'def run(req):\n    return True\n')


def test_a_top_level_return_is_refused_as_in_a_script():
    assert 'at line 1, column 7 ("Illegal return statement")' in refusal(JAVASCRIPT, 'return true;')


@pytest.mark.parametrize('script', [
    VENDOR_JS,
    "function run(req) { return !/\\.tmp$/.test(utils.getNodeInfo(req)?.getPath() ?? ''); }",
    'function run(req) { var info = utils.getNodeInfo(req); return info.getSize() < 10; }',
    'class Limit { #bytes = 10n ** 9n; get bytes() { return this.#bytes; } }\nfunction run(req) { let a = null; a ??= '
    '1; return a; }',
    'const run = async (req) => { const { path, ...rest } = { path: `${req.getId()}` }; return path.length > 0; };',
])
def test_javascript_of_es5_to_es2022_passes(script):
    check_script(JAVASCRIPT, script, SUBJECT, SENT)


def test_javascript_nested_too_deeply_is_refused_without_a_place():
    assert refusal(JAVASCRIPT, '(' * 5000 + '1' + ')' * 5000) == (
        "The script of task 'Nightly' is not valid JavaScript at a place the parser did not give (\"nested deeper than "
        'the parser can follow"); nothing was sent: fix it, or leave syntax out to send it unchecked.')


# -- syntax: python ------------------------------------------------------------------------------

PYTHON_CHECK = ScriptCheck('python', None)


def test_the_vendors_python_form_passes():
    check_script(PYTHON_CHECK, PYTHON_RUN, SUBJECT, SENT)


def test_broken_python_is_refused_with_its_line_and_column():
    assert refusal(PYTHON_CHECK, 'def run(req):\nreturn True\n') == (
        "The script of task 'Nightly' is not valid Python at line 2, column 1 (\"expected an indented block after "
        'function definition on line 1"); nothing was sent: fix it, or leave syntax out to send it unchecked.')
    assert 'at line 1, column 1 ("\'return\' outside function")' in refusal(PYTHON_CHECK, 'return True\n')


def test_javascript_given_as_python_is_refused():
    assert 'is not valid Python at line 1' in refusal(PYTHON_CHECK, VENDOR_JS)


@pytest.mark.parametrize('script, place', [('x = 1\ny =\0 2\n', 'line 2, column 4'),
                                           ('\n\nz = 3\n# \0\n\0', 'line 4, column 3'),
                                           ('\0', 'line 1, column 1'), ('\n\0', 'line 2, column 1')])
def test_a_null_byte_is_refused_where_it_first_is(script, place):
    assert 'is not valid Python at %s ("source code string cannot contain null bytes")' % place in refusal(
        PYTHON_CHECK, script)


def test_a_fault_with_a_line_and_no_column_names_the_line():
    assert syntax_refusal(SUBJECT, 'python', SyntaxFault(3, None, 'bad'), SENT) == (
        "The script of task 'Nightly' is not valid Python at line 3 (\"bad\"); nothing was sent: fix it, or leave "
        "syntax out to send it unchecked.")


def test_python_nested_too_deeply_is_refused():
    assert '("nested deeper than the parser can follow")' in refusal(PYTHON_CHECK, 'a' + '.b' * 100000)


def test_the_python_check_runs_nothing(tmp_path):
    witness = tmp_path / 'ran'
    script = 'open(%r, "w").write("ran")\ndef run(req):\n    return True\n' % str(witness)
    check_script(PYTHON_CHECK, script, SUBJECT, SENT)
    assert not witness.exists()


def test_a_syntax_warning_is_no_failure(capfd):
    check_script(PYTHON_CHECK, 'import re\npattern = "\\d+"\n', SUBJECT, SENT)
    assert capfd.readouterr().err == ''


# -- validate ------------------------------------------------------------------------------------

def command(code):
    return '%s -c %s %%s' % (shlex.quote(PYTHON), shlex.quote(code))


def test_a_passing_command_lets_the_script_through_and_leaves_no_file(tmp_path):
    check_script(ScriptCheck(None, '%s -m py_compile %%s' % shlex.quote(PYTHON)),
                 PYTHON_RUN, SUBJECT, SENT, None, str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_failing_command_is_quoted_by_its_first_line_of_error(tmp_path):
    validate = command(
        'import sys; print("on stdout"); sys.stderr.write("\\n  first: " + sys.argv[1].rsplit("/")[-1] + '
        '"\\nsecond\\n"); sys.exit(3)')
    assert refusal(ScriptCheck(None, validate), 'x', 'filters/skip_tmp.js.j2', str(tmp_path)) == (
        "The script of task 'Nightly' fails its validate command %s (exit status 3: \"first: skip_tmp.js\"); nothing "
        "was "
        'sent: fix it, or correct validate.' % validate)
    assert list(tmp_path.iterdir()) == []


def test_without_error_output_the_first_line_of_its_output_is_quoted():
    assert '(exit status 1: "looked")' in refusal(ScriptCheck(
        None, command('print("looked"); raise SystemExit(1)')), 'x')
    assert '(exit status 1: no output)' in refusal(ScriptCheck(None, command('raise SystemExit(1)')), 'x')


def test_the_command_gets_the_script_byte_for_byte():
    script = 'line one\r\nüñí {{ x }}\n'
    expected = script.encode('utf-8')
    check_script(ScriptCheck(None, command(
        'import sys; sys.exit(open(sys.argv[1], "rb").read() != %r)' % expected)), script, SUBJECT, SENT)


def test_a_script_without_a_file_is_copied_under_its_language_s_suffix():
    assert '(exit status 1: "script.js")' in refusal(
        ScriptCheck('javascript', command('import os, sys; print(os.path.basename(sys.argv[1])); sys.exit(1)')),
        'var a = 1;')


def test_the_copy_is_named_after_the_script_file_or_the_language():
    assert _script_check.copy_name('templates/size_limit.js.j2', 'javascript') == 'size_limit.js'
    assert _script_check.copy_name('files/Size_Limit.js', 'javascript') == 'Size_Limit.js'
    assert _script_check.copy_name(None, 'python') == 'script.py'
    assert _script_check.copy_name(None, None) == 'script'
    assert _script_check.copy_name('odd name; rm.js', 'javascript') == 'script.js'


def test_a_command_that_runs_too_long_is_stopped(monkeypatch, tmp_path):
    monkeypatch.setattr(_script_check, 'VALIDATE_TIMEOUT', 1)
    pid_file = tmp_path / 'child.pid'
    validate = command('import os, subprocess, sys, time; '
                       'open(%r, "w").write(str(subprocess.Popen([sys.executable, "-c", "import time; '
                       'time.sleep(30)"]).pid)); '
                       'time.sleep(30)' % str(pid_file))
    assert refusal(ScriptCheck(None, validate), 'x') == (
        "The script of task 'Nightly' was not validated: its validate command %s ran longer than 1 seconds and was "
        'stopped; nothing was sent: check the command.' % validate)
    child = int(pid_file.read_text())
    # What the command started was stopped with it: gone, or a zombie until init reaps it.
    assert any(stopped(child) or time.sleep(0.1) for _attempt in range(50))


def stopped(pid):
    try:
        with open('/proc/%d/stat' % pid) as stat:
            return stat.read().rsplit(')', 1)[1].split()[0] == 'Z'
    except FileNotFoundError:
        return True


def test_a_command_that_cannot_start_fails_the_task():
    with pytest.raises(CheckSettingError) as caught:
        check_script(ScriptCheck(None, 'no-such-validator-here %s'), 'x', SUBJECT, SENT)
    assert str(caught.value) == ('The validate command no-such-validator-here cannot be started on the controller (No '
                                 'such file '
                                 'or directory); install it, or give its full path.')


def test_syntax_is_checked_before_the_command_runs(tmp_path):
    witness = tmp_path / 'ran'
    check = ScriptCheck('python', command('open(%r, "w")' % str(witness)))
    assert 'is not valid Python' in refusal(check, 'def (')
    assert not witness.exists()


def test_quoted_text_is_safe_on_a_terminal():
    assert _script_check.quoted('bad\x1b[31m\ttab') == '"bad\\x1b[31m\\ttab"'
    assert _script_check.quoted('C:\\scripts été "x"') == '"C:\\scripts été "x""'
    assert _script_check.quoted('x' * 300) == '"%s..."' % ('x' * 200)
    assert _script_check.quoted('x' * 200) == '"%s"' % ('x' * 200)


def test_output_that_is_not_utf8_is_quoted_with_replacement_characters():
    assert '(exit status 1: "caf\ufffd")' in refusal(
        ScriptCheck(None, command('import os; os.write(2, b"caf\\xe9"); raise SystemExit(1)')), 'x')


def test_only_the_first_64_kib_of_the_output_are_read():
    assert '(exit status 1: no output)' in refusal(
        ScriptCheck(None, command('import sys; sys.stderr.write("\\n" * 65536 + "late"); raise SystemExit(1)')), 'x')


def test_the_command_does_not_read_the_controller_s_input():
    """Its standard input is /dev/null, not the terminal of ansible-playbook (here: a pipe in its place)."""
    reader, writer = os.pipe()
    saved = os.dup(0)
    try:
        os.dup2(reader, 0)
        check_script(ScriptCheck(None, command(
            'import os, sys; sys.exit(not os.path.samestat(os.fstat(0), os.stat(os.devnull)))')), 'x', SUBJECT, SENT)
    finally:
        os.dup2(saved, 0)
        for descriptor in (saved, reader, writer):
            os.close(descriptor)


def test_a_command_that_removes_its_own_directory_still_gets_its_sentence():
    validate = command('import shutil, os, sys; shutil.rmtree(os.path.dirname(sys.argv[1])); sys.exit(2)')
    assert refusal(ScriptCheck(None, validate), 'x') == (
        "The script of task 'Nightly' fails its validate command %s (exit status 2: no output); nothing was sent: fix "
        "it, or correct validate." % validate)


def test_the_documented_timeout_is_the_one_in_force():
    from ansible_collections.nodeum.data_archiving.plugins.modules import task_callback
    assert 'longer than\n        %d seconds' % _script_check.VALIDATE_TIMEOUT in task_callback.DOCUMENTATION
