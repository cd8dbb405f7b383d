# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the nodeum.data_archiving collection and may change in any
# release, even a bugfix release.
"""The opt-in check of a filter script on the controller, before any request: syntax, and a validate command.

Syntax only: a script is parsed, never run. JavaScript is parsed by esprima2 (an optional controller dependency:
pure Python, BSD-2-Clause, Python >= 3.10, ECMAScript 2020 and later, as the vendor's own example with ?. needs),
Python by the controller's own compile(), which turns the text into a code object and runs nothing. validate runs
the user's command (never a shell) on a copy of the script in a private temporary directory.

Two kinds of failure: CheckSettingError when the check cannot be made as asked (a bad value, the parser missing,
the command not found), which fails the whole task before any request; ScriptRefused when a script fails the check,
which fails the task, or only its item in the bulk module.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections import namedtuple

from ansible_collections.nodeum.data_archiving.plugins.module_utils.task_callback import SCRIPT_SYNTAXES

LANGUAGES = dict(javascript='JavaScript', python='Python')
SUFFIXES = dict(javascript='.js', python='.py')
JAVASCRIPT_PARSER = 'esprima2'  # the distribution; its import name is esprima
VALIDATE_TIMEOUT = 60  # seconds a validate command may run before it is stopped
OUTPUT_LIMIT = 65536  # bytes of a validate command's output that are read
DETAIL_LIMIT = 200  # characters of a parser's or a command's message that a sentence quotes
ES2020_PROBE = 'a?.b ?? c'  # optional chaining and nullish coalescing, which esprima 4 cannot parse
COMPILED_NAME = '<script>'  # the file name compile() gives in its own errors, which no sentence quotes
NULL_BYTE = 'source code string cannot contain null bytes'  # Python's words, for which compile() gives no place
TOO_DEEP = 'nested deeper than the parser can follow'

# What to check a script with: syntax one of LANGUAGES or None, validate a command line with %s or None.
ScriptCheck = namedtuple('ScriptCheck', 'syntax validate')

# Where a script does not parse: line and column counted from 1 (None when the parser gave no place), and the
# parser's own words.
SyntaxFault = namedtuple('SyntaxFault', 'line column detail')


class CheckSettingError(Exception):
    """The check cannot be made as asked: its text is the sentence for the user."""


class ScriptRefused(Exception):
    """The script failed its check: its text is the sentence for the user."""


def script_check(syntax, validate, owner):
    """The ScriptCheck of the syntax and validate settings that owner gives, or CheckSettingError naming owner."""
    if syntax is not None and syntax not in SCRIPT_SYNTAXES:
        raise CheckSettingError('%s gives syntax %r, which is not one of %s; give javascript, python, or none for no '
                                'syntax check.'
                                % (owner, syntax, ', '.join(SCRIPT_SYNTAXES)))
    if validate is not None:
        command_line(validate, owner)
    if syntax == 'javascript':
        javascript_parser(owner)
    return ScriptCheck(None if syntax == 'none' else syntax, validate)


def asks_nothing(check):
    return check.syntax is None and check.validate is None


def command_line(validate, owner):
    """The arguments of a validate command line, split as a shell would split them but run without one."""
    example = 'for example node --check %s'
    if not isinstance(validate, str):
        raise CheckSettingError('%s gives validate as %s; give a command line as text, %s.' %
                                (owner, type(validate).__name__, example))
    if '%s' not in validate:
        raise CheckSettingError('%s gives validate %r, which has no %%s; put %%s where the path of the script\'s '
                                'temporary '
                                'file goes, %s.' % (owner, validate, example))
    try:
        return shlex.split(validate)
    except ValueError as error:
        raise CheckSettingError('%s gives validate %r, which is not a command line (%s); check its quotes.'
                                % (owner, validate, error)) from None


def javascript_parser(owner):
    """The esprima module of esprima2, or CheckSettingError saying what to install on the controller."""
    install = '%s -m pip install %s' % (sys.executable, JAVASCRIPT_PARSER)
    try:
        import esprima
    except ImportError:
        raise CheckSettingError('%s asks for syntax javascript, which needs the Python package %s on the controller, '
                                'and its '
                                'Python (%s) has none; install it there (%s), or leave syntax out.'
                                % (owner, JAVASCRIPT_PARSER, sys.executable, install)) from None
    try:
        esprima.parseScript(ES2020_PROBE)
    except Exception:  # any failure: esprima 4 and other forks of one name raise their own errors on ES2020
        raise CheckSettingError(
            '%s asks for syntax javascript, and the esprima module on the controller (%s) cannot '
            'parse '
            'ECMAScript 2020 (it is not %s, perhaps esprima 4); replace it (%s -m pip uninstall '
            'esprima, then '
            '%s).' % (owner, getattr(esprima, '__file__', 'esprima'), JAVASCRIPT_PARSER, sys.executable, install)
        ) from None
    return esprima


def javascript_fault(script):
    """Where the script does not parse as an ECMAScript script, or None when it parses (javascript_parser found
    esprima2)."""
    import esprima
    try:
        esprima.parseScript(script)
    except RecursionError:
        return SyntaxFault(None, None, TOO_DEEP)
    except esprima.Error as error:
        return SyntaxFault(error.lineNumber, error.column, re.sub(r'^Line \d+: ', '', str(error)))
    return None


def python_fault(script):
    """Where the script does not compile as Python on the controller, or None; nothing is run."""
    if '\0' in script:
        return _null_byte_fault(script)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # SyntaxWarning and DeprecationWarning are not failures
            compile(script, COMPILED_NAME, 'exec')
    except SyntaxError as error:  # IndentationError and TabError too
        return SyntaxFault(error.lineno, error.offset, error.msg)
    except (RecursionError, MemoryError):
        return SyntaxFault(None, None, TOO_DEEP)
    return None


def _null_byte_fault(script):
    """Where the first null byte of the script is."""
    before = script[:script.index('\0')]
    return SyntaxFault(before.count('\n') + 1, len(before) - before.rfind('\n'), NULL_BYTE)


def syntax_refusal(subject, language, fault, consequence):
    """The sentence for a script that does not parse."""
    return ('%s is not valid %s %s (%s); %s: fix it, or leave syntax out to send it unchecked.'
            % (subject, LANGUAGES[language], fault_place(fault), quoted(fault.detail), consequence))


def fault_place(fault):
    """Where a SyntaxFault is, in the words of a sentence."""
    if fault.line is None:
        return 'at a place the parser did not give'
    if fault.column is None:
        return 'at line %s' % fault.line
    return 'at line %s, column %s' % (fault.line, fault.column)


def check_script(check, script, subject, consequence, file_name=None, directory=None):
    """Check the script as check asks; ScriptRefused (its text is the sentence) when it fails.

    subject is what the sentence calls the script ("The script of task 'Nightly'"), consequence what did not happen
    ("nothing was sent"), file_name the script_file it came from (for the temporary copy's name).
    """
    if check.syntax is not None:
        if check.syntax == 'javascript':
            fault = javascript_fault(script)
        else:
            fault = python_fault(script)
        if fault is not None:
            raise ScriptRefused(syntax_refusal(subject, check.syntax, fault, consequence))
    if check.validate is not None:
        refusal = validate_refusal(check, script, subject, consequence, copy_name(file_name, check.syntax), directory)
        if refusal is not None:
            raise ScriptRefused(refusal)


def copy_name(file_name, syntax):
    """The name of the script's temporary copy: the script_file's own (less .j2), else script with the language's
    suffix."""
    if file_name:
        base = os.path.basename(file_name)
        base = base[:-3] if base.endswith('.j2') else base
        if re.match(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$', base):
            return base
    return 'script' + SUFFIXES.get(syntax, '')


def validate_refusal(check, script, subject, consequence, name, directory=None):
    """Run the validate command on a temporary copy of the script: None when it exits 0, else the sentence."""
    arguments = shlex.split(check.validate)  # script_check made sure it splits
    workdir = tempfile.mkdtemp(prefix='nodeum-validate-', dir=directory)
    try:
        path = os.path.join(workdir, name)
        with open(path, 'wb') as handle:
            handle.write(script.encode())
        status, first_line = run_command([argument.replace('%s', path) for argument in arguments])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if status == 0:
        return None
    if status is None:
        return ('%s was not validated: its validate command %s ran longer than %d seconds and was stopped; %s: check '
                'the '
                'command.' % (subject, check.validate, VALIDATE_TIMEOUT, consequence))
    said = quoted(first_line) if first_line else 'no output'
    return ('%s fails its validate command %s (exit status %d: %s); %s: fix it, or correct validate.'
            % (subject, check.validate, status, said, consequence))


def run_command(argv):
    """(exit status, first line of its error output), status None when it ran too long; CheckSettingError if it cannot
    start."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        except OSError as error:
            raise CheckSettingError('The validate command %s cannot be started on the controller (%s); install it, or '
                                    'give its '
                                    'full path.' % (argv[0], error.strerror or error)) from None
        try:
            status = process.wait(timeout=VALIDATE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the command and what it started
            process.wait()
            status = None
        return status, first_output_line(err) or first_output_line(out)


def first_output_line(stream):
    """The first line of the stream's first OUTPUT_LIMIT bytes that is not blank, stripped; '' when there is none."""
    stream.seek(0)
    return stream.read(OUTPUT_LIMIT).decode(errors='replace').strip().partition('\n')[0].strip()


def quoted(text):
    """text in double quotes, control characters escaped, at most DETAIL_LIMIT characters: safe on a terminal."""
    text = ''.join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))
    if len(text) > DETAIL_LIMIT:
        text = text[:DETAIL_LIMIT] + '...'
    return '"%s"' % text
