"""Print "N passed, M failed" over the sessions of nox --report files; exit 1 when M > 0 (nox gives no such total).

A session counts the test cases of its JUnit (build/junit/<session>), else one result. The failed cases of a session
that succeeded were expected by their tests (a task an integration target makes fail on purpose): not counted.
A failed session counts at least one failure; a skipped one (no interpreter here) nothing.
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
