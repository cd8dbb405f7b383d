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
    for entry in log_entries():
        if 'method' in entry:
            sent.setdefault(entry['case'], []).append((entry['method'], entry['path']))
    return sent


def log_entries():
    return [json.loads(line) for line in (WORK / 'requests.log').read_text(encoding='utf-8').splitlines()]


def check_bounds():
    """A dripping answer ends at the deadline of its request (30 s of retries plus the timeout of 1 s), and an answer
    that never ends at 64 MiB: the server could send little more before the module hung up."""
    drip = result('drip')
    check(drip.get('msg') == ('The Nodeum API had not finished answering GET %s when the request reached 31 seconds, '
                              'the most one request may take (30 seconds of retries plus the timeout of 1 seconds), so '
                              'it was cut off; the server answers too slowly: check the server and the network, or '
                              'raise the timeout option, which the deadline includes.' % url('drip')),
          'the sentence of a dripping answer', drip.get('msg'))
    check(31 <= drip['seconds'] < 41, 'the dripping answer cut off at its deadline', drip['seconds'])
    huge = result('huge')
    check(huge.get('msg') == ('The Nodeum API answered GET %s with more than 64 MiB, more than this collection reads '
                              'of one answer; check that url points to the Nodeum server.' % url('huge')),
          'the sentence of an answer that never ends', huge.get('msg'))
    sent_bytes = [entry['sent_bytes'] for entry in log_entries() if 'sent_bytes' in entry]
    check(len(sent_bytes) == 1 and sent_bytes[0] < 96 * 1024 * 1024, 'the module read no further than 64 MiB',
          sent_bytes)


def terminal_problems(text):
    """Every character the output holds that a terminal would obey rather than show: all of Unicode's Cc and Cf, but
    line feeds."""
    return sorted(set('U+%04X' % ord(char) for char in text if char !=
                  '\n' and unicodedata.category(char) in ('Cc', 'Cf')))


def check_listings():
    """Each listing that would not end, or cannot be read, fails in its sentence (the unit tests hold them whole)."""
    starts = {
        'repeats': 'The Nodeum API answered GET %s (offset 50) with a page that holds only items it listed already, '
                   % url('repeats'),
        'endless': 'The Nodeum API announced 101000 items for GET %s, more than the 100000 ' % url('endless'),
        'count': "The Nodeum API answered GET %s with a count that is '120' (text) instead of a whole number"
                 % url('count'),
        'deep': 'The Nodeum API answered GET %s with JSON nested too deeply to read (200); ' % url('deep'),
        'location': ("The Nodeum API answered GET %s with a redirect (302) to "
                     "'http://127.0.0.1:9/\ufffd\ufffd\\x1b[2J'; " % url('location', 'tasks/3/task_callbacks')),
    }
    for case, start in starts.items():
        listed = result(case)
        check(listed.get('failed') is True and listed.get('msg', '').startswith(start), 'the sentence of %s' % case,
              listed.get('msg'))


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

    check_listings()
    check_bounds()
    gone = result('gone')
    check(gone.get('changed') is True and not gone.get('failed'), 'a removal answered 200 with text is done', gone)

    sent = requests()
    check(len(sent.get('repeats', [])) == 2, 'the repeated page stops the listing at its second page',
          sent.get('repeats'))
    # pages of 1000 at offsets 0, 1000, ..., 98000, whose count reaches 101000 at the 99th page
    check(len(sent.get('endless', [])) == 99, 'the endless listing stops at the cap of items',
          len(sent.get('endless', [])))
    check(sent.get('gone') == [('GET', '/api/v2/tasks/3/task_callbacks'),
                               ('DELETE', '/api/v2/tasks/3/task_callbacks/5')],
          'the requests of the removal', sent.get('gone'))
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
