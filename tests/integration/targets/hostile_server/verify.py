"""Checks of the hostile_server target: the sentences, the requests sent, and what the terminal showed (verify.py
WORK)."""

import json
import re
import sys
import unicodedata
from pathlib import Path

WORK = Path(sys.argv[1])
PORT = json.loads((WORK / 'port.json').read_text())['port']
SHOWN_ESCAPES = '\\x1b[2J\\x1b]0;owned\\x07\\x9b31m'
CALLBACK_PATH = re.compile(r'^/api/v2/tasks/[0-9]+/task_callbacks(/[0-9]+)?$')
FAILURES = []


def result(case):
    return json.loads((WORK / (case + '.json')).read_text(encoding='utf-8'))


def url(case, path='tasks/3/task_callbacks'):
    return 'http://127.0.0.1:%d/%s/api/v2/%s' % (PORT, case, path)


def check(condition, what, shown=None):
    if not condition:
        FAILURES.append('%s%s' % (what, '' if shown is None else ': %r' % (shown,)))


def depth(value):
    if isinstance(value, dict):
        return 1 + max([depth(item) for item in value.values()] or [0])
    if isinstance(value, list):
        return 1 + max([depth(item) for item in value] or [0])
    return 0


def requests():
    sent = {}
    for line in (WORK / 'requests.log').read_text(encoding='utf-8').splitlines():
        entry = json.loads(line)
        sent.setdefault(entry['case'], []).append((entry['method'], entry['path']))
    return sent


def terminal_problems(text):
    """Every character the output holds that a terminal would obey rather than show: all of Unicode's Cc and Cf, but
    line feeds."""
    return sorted(set('U+%04X' % ord(char) for char in text if char !=
                  '\n' and unicodedata.category(char) in ('Cc', 'Cf')))


def main():
    refused = result('ansi422')
    check(
        refused['msg'] == 'The Nodeum API refused POST %s (422): %sScript is forged' % (url('ansi422'), SHOWN_ESCAPES),
        'the 422 sentence',
        refused['msg'],
    )
    api_error = refused.get('api_error', {})
    check(api_error.get('messages') == [SHOWN_ESCAPES + 'Script is forged'], 'api_error.messages', refused)
    details = api_error.get('details')
    check(
        8 <= depth(details) <= 9 and 'nested deeper than 8 levels, left out' in json.dumps(details),
        'bounded details',
        details,
    )

    reason = result('reason')
    check(reason['msg'] == 'The Nodeum API refused POST %s (422): %sForged reason' % (url('reason'), SHOWN_ESCAPES),
          'the reason phrase sentence', reason['msg'])

    diff = result('script')['diff']
    check(diff == [dict(before='return 1;%s\r\nforged\\u202e\n' % SHOWN_ESCAPES, after='', before_header='task 3 / '
                                                                                                         'filter '
                                                                                                         'callback 5',
                        after_header='task 3 / filter callback 5')], 'the diff', diff)

    created = result('warnid')
    check(created['task_callback']['id'] == 9, 'the adopted callback', created['task_callback'])
    answered = [warning for warning in created['warnings'] if warning.startswith('The Nodeum API answered')]
    expected = ("The Nodeum API answered POST %s with a callback whose id is '%s' (text) instead of a whole number of "
                "1 "
                "or more; the callback it created was found among the task's callbacks (id 9) and is the one used."
                % (url('warnid'), SHOWN_ESCAPES))
    check(answered == [expected], 'the warning', created['warnings'])

    dotid = result('dotid')
    check(dotid['msg'] == "The Nodeum API answered GET %s with a callback whose id is '..' (text) instead of a whole "
                          "number of 1 or more; "
          "nothing was sent on the strength of that answer: check that url points to a Nodeum server." % url(
              'dotid'), 'the id sentence',
          dotid['msg'])

    sent = requests()
    check(sent.get('dotid') == [('GET', '/api/v2/tasks/3/task_callbacks')],
          'the requests after an id ..', sent.get('dotid'))
    strays = [(case, method, path) for case, entries in sent.items()
              for method, path in entries if not CALLBACK_PATH.match(path)]
    check(strays == [], 'requests outside tasks/<int>/task_callbacks[/<int>]', strays)

    output = (WORK / 'output.log').read_text(encoding='utf-8', errors='replace')
    check(terminal_problems(output) == [], 'control characters on the terminal', terminal_problems(output))
    for shown in ('Script is forged', 'Forged reason', 'forged\\u202e', 'PLAY RECAP'):
        check(shown in output, 'the output shows %r' % shown)
    check('Traceback' not in output and 'RecursionError' not in output, 'no traceback in the output')
    if FAILURES:
        print(output[-4000:])
        print('hostile_server: %d checks failed:\n- %s' % (len(FAILURES), '\n- '.join(FAILURES)), file=sys.stderr)
        return 1
    print('hostile_server: every check passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
