"""Print "N passed, M failed" over the nox sessions of make test; exit 1 when M > 0 (nox has no such total).

    python tools/junit_summary.py build/nox-*.json   # nox --report files; JUnit of a session in build/junit/<session>

A session with JUnit counts its test cases (skipped ones not); one without counts as one result.
When a session succeeded, the failed cases in its JUnit were expected by their tests (ansible's junit
callback records a task that a target made fail on purpose) and are not counted. A session that
failed counts at least one failure; a session skipped (no interpreter here) is not counted.
"""

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

JUNIT = Path(__file__).resolve().parent.parent / 'build' / 'junit'


def junit_counts(directory):
    """Return (passed, failed) over the test cases of the JUnit files in directory, or None when there are none."""
    passed = failed = 0
    cases = [case for path in sorted(directory.rglob('*.xml')) for case in ET.parse(path).iter('testcase')]
    for case in cases:
        tags = {child.tag for child in case}
        failed += bool(tags & {'failure', 'error'})
        passed += not tags & {'failure', 'error', 'skipped'}
    return (passed, failed) if cases else None


def main(reports):
    passed = failed = 0
    for report in reports:
        for session in json.loads(Path(report).read_text(encoding='utf-8'))['sessions']:
            if session['result'] == 'skipped':
                continue
            ok = session['result'] == 'success'
            counts = junit_counts(JUNIT / session['name']) or (int(ok), int(not ok))
            passed += counts[0]
            failed += 0 if ok else max(1, counts[1])
            print(f"{session['name']:<28} {session['result']:<8} {counts[0]} passed", flush=True)
    if not reports:
        failed += 1
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
