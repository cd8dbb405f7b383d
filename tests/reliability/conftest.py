"""pytest wiring of the reliability suite: the figures each test reports, and the one summary table.

Each test gets a `figures` object (harness.Figures) and adds what it ran and saw; the numbers
travel in the test report's user_properties (so they also reach the xdist controller and the
JUnit XML), and the terminal summary adds them up into one table.
"""

import json

import pytest

from harness import Figures

PROPERTY = 'reliability_figures'
LABELS = (
    ('scenarios', 'scenarios run'),
    ('faults', 'faults injected'),
    ('converged', 'runs that converged'),
    ('duplicates', 'duplicates found'),
    ('tracebacks', 'tracebacks seen'),
    ('leaks', 'secret leaks found'),
)
_TOTALS = dict((key, 0) for key, _label in LABELS)
_SEEN = set()
# The network lane (network_lane.py) reports one row per scenario.
NETWORK_PROPERTY = 'network_row'
NETWORK_COLUMNS = (
    'task runs',
    'failures',
    'duplicates',
    'lost writes',
    'tracebacks',
    'final-state mismatches',
    'retries',
    'seconds')
_NETWORK_ROWS = []


@pytest.fixture
def figures(request):
    collected = Figures()
    yield collected
    request.node.user_properties.append((PROPERTY, json.dumps(collected.values)))


def pytest_runtest_logreport(report):
    if report.when != 'teardown' or report.nodeid in _SEEN:
        return
    for name, value in report.user_properties:
        if name == NETWORK_PROPERTY:
            _SEEN.add(report.nodeid)
            _NETWORK_ROWS.append(json.loads(value))
        if name == PROPERTY:
            _SEEN.add(report.nodeid)
            for key, number in json.loads(value).items():
                _TOTALS[key] = _TOTALS.get(key, 0) + number


def pytest_terminal_summary(terminalreporter):
    if hasattr(terminalreporter.config, 'workerinput'):
        return  # an xdist worker: the controller prints the table
    if _NETWORK_ROWS:
        _network_table(terminalreporter)
    if not any(_TOTALS.values()):
        return
    width = max(len(label) for _key, label in LABELS)
    terminalreporter.write_sep('=', 'reliability figures')
    for key, label in LABELS:
        terminalreporter.write_line('{0:<{1}} {2:>6}'.format(label, width, _TOTALS[key]))
    bad = _TOTALS['duplicates'] + _TOTALS['tracebacks'] + _TOTALS['leaks']
    terminalreporter.write_line('{0:<{1}} {2:>6}'.format('verdict', width, 'FAIL' if bad else 'ok'))


def _network_table(terminalreporter):
    terminalreporter.write_sep('=', 'network lane: kernel-made faults, one row per scenario')
    width = max(len(row['scenario']) for row in _NETWORK_ROWS)
    terminalreporter.write_line(' | '.join(['{0:<{1}}'.format('scenario', width)] + list(NETWORK_COLUMNS)))
    for row in sorted(_NETWORK_ROWS, key=lambda row: row['scenario']):
        cells = ['{0:>{1}}'.format(row[column], len(column)) for column in NETWORK_COLUMNS]
        terminalreporter.write_line(' | '.join(['{0:<{1}}'.format(row['scenario'], width)] + cells))
