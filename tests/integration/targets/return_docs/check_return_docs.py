"""Compare each module's RETURN documentation (ansible-doc --json) with the results recorded for it, key by key.

    python check_return_docs.py RESULTS_DIR

RESULTS_DIR holds <module FQCN>.jsonl files, one recorded result a line (callback_plugins/record_results.py).
Data-driven: every module that ansible-doc lists in the collection must have results (a new module is covered
by adding cases/<module>.yml), and every recorded result is checked. A result breaks its documentation when:
- it returns a key that RETURN does not document (keys common to every module, such as changed, are exempt);
- it lacks a key documented with returned: always or success;
- a value's type differs from the documented type (or elements type), at any depth of contains;
- a value is null while the key's description never says that it may be (C(null) or V(null)).
Every documented key must also be seen with a value in at least one result, so that no entry is untested.
Prints one line per problem and exits 1 when there is any.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

COLLECTION = 'nodeum.data_archiving'
# Keys Ansible or its module machinery adds to any result (reference_appendices/common_return_values),
# failed_when_* where a task sets failed_when.
COMMON_KEYS = frozenset(
    (
        'changed',
        'failed',
        'msg',
        'exception',
        'invocation',
        'warnings',
        'deprecations',
        'skipped',
        'diff',
        'ansible_facts',
        'failed_when_result',
        'failed_when_suppressed_exception',
    )
)
ALWAYS = ('always', 'success')
PYTHON_TYPES = {
    'str': (
        str,), 'int': (
            int,), 'float': (
                int, float), 'bool': (
                    bool,), 'dict': (
                        dict,), 'list': (
                            list,), 'path': (
                                str,)}
SAYS_NULL = re.compile(r'\b[CV]\(null\)|\bnull\b')


def ansible_doc(*args):
    result = subprocess.run(['ansible-doc', '--json', *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def type_matches(value, doc_type):
    if doc_type in (None, 'raw', 'any'):
        return True
    if isinstance(value, bool) and doc_type != 'bool':
        return False  # true is no int
    return isinstance(value, PYTHON_TYPES.get(doc_type, (object,)))


def describes_null(entry):
    description = entry.get('description') or ''
    text = ' '.join(description) if isinstance(description, list) else str(description)
    return bool(SAYS_NULL.search(text))


def check_value(path, value, entry, seen, problems):
    """Check one documented value (and its contents); record the paths seen with a value."""
    if value is None:
        if not describes_null(entry):
            problems.append('%s is null, but its description never says it may be' % path)
        return
    seen.add(path)
    if not type_matches(value, entry.get('type')):
        problems.append('%s is %s, documented as %s' % (path, type(value).__name__, entry.get('type')))
        return
    contains = entry.get('contains')
    if isinstance(value, list):
        for element in value:
            if not type_matches(element, entry.get('elements')):
                problems.append(
                    '%s[] holds a %s, documented as elements %s' %
                    (path, type(element).__name__, entry.get('elements')))
            elif contains and isinstance(element, dict):
                check_mapping(path + '[]', element, contains, seen, problems, default_returned='always')
    elif isinstance(value, dict) and contains:
        check_mapping(path, value, contains, seen, problems, default_returned='always')


def check_mapping(path, mapping, documented, seen, problems, default_returned=None, ignored=frozenset()):
    """Check the keys of a result (path '') or of a contained dict (path 'key' or 'key[]') against their
    documentation."""
    prefix = path + '.' if path else ''
    for key in sorted(mapping):
        if key.startswith('_ansible') or (key in ignored and key not in documented):
            continue
        if key not in documented:
            problems.append('%s%s is returned but not documented' % (prefix, key))
    for key, entry in sorted(documented.items()):
        returned = entry.get('returned', default_returned)
        if key not in mapping:
            if returned in ALWAYS:
                problems.append('%s%s is documented as returned %s but missing' % (prefix, key, returned))
            continue
        check_value(prefix + key, mapping[key], entry, seen, problems)


def documented_paths(path, documented):
    """Every key path of a RETURN block ('key', 'key.sub', 'key[].sub' under a list)."""
    paths = []
    for key, entry in documented.items():
        own = path + '.' + key if path else key
        paths.append(own)
        if entry.get('contains'):
            paths += documented_paths(own + ('[]' if entry.get('type') == 'list' else ''), entry['contains'])
    return paths


def check_module(name, documented, records):
    """Sentences naming every disagreement between one module's RETURN and its recorded results."""
    problems, seen = [], set()
    for record in records:
        result = record['result']
        if result.get('skipped'):
            continue
        found = []
        # A module failure that the case expected (failed_when) shows as msg beside failed_when_result.
        if record.get('failed') or result.get('failed') or ('failed_when_result' in result and 'msg' in result):
            # A failure returns only some of the keys (a bulk task's results and drift, say): those it
            # returns must agree with their documentation; the ones it leaves out are not missing.
            present = dict((key, entry) for key, entry in documented.items() if key in result)
            check_mapping('', result, present, seen, found, ignored=COMMON_KEYS)
        else:
            check_mapping('', result, documented, seen, found, ignored=COMMON_KEYS)
        modes = ', '.join(mode for mode in ('check_mode', 'diff') if record.get(mode)) or 'normal mode'
        problems += ['%s, task %r (%s): %s' % (name, record['task'], modes, problem) for problem in found]
    for path in documented_paths('', documented):
        if path not in seen:
            problems.append('%s: RETURN documents %s, but no case returned it with a value; add a case to cases/%s.yml'
                            % (name, path, name.split('.')[-1]))
    return problems


def main(results_dir):
    results = Path(results_dir)
    names = sorted(ansible_doc('-t', 'module', '--list', COLLECTION))
    if not names:
        raise SystemExit('check_return_docs: ansible-doc lists no module of %s.' % COLLECTION)
    docs = ansible_doc('-t', 'module', *names)
    problems = []
    for name in names:
        record_file = results / (name + '.jsonl')
        if not record_file.exists():
            problems.append('%s: no result was recorded; add cases/%s.yml' % (name, name.split('.')[-1]))
            continue
        records = [json.loads(line) for line in record_file.read_text(encoding='utf-8').splitlines() if line.strip()]
        found = check_module(name, docs[name].get('return') or {}, records)
        keys = sorted({key for record in records for key in record['result'] if not key.startswith('_ansible')})
        print('check_return_docs: %s: %d results (keys seen: %s), %d problems' %
              (name, len(records), ', '.join(keys), len(found)))
        problems += found
    for problem in problems:
        print('check_return_docs: %s' % problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
