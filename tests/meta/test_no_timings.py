"""No run time is written into the prose of the README and docs/testing.md.

A run time is the output of a command on one machine at one moment; written into prose, it must be edited by hand
and is wrong on every other machine. These docs say how to measure (time make demo, make bench) and give ratios;
the benchmarks keep their figures in their output files.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ('README.md', 'docs/testing.md')
RUN_TIME = re.compile(r'\b[0-9]+(?:[.,][0-9]+)? ?(?:ms|s|sec|secs|min|mins|h|seconds|minutes|hours)\b')


def run_times(text):
    """(line number, line) of each line of text that states a duration."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if RUN_TIME.search(line)]


@pytest.mark.parametrize('doc', DOCS)
def test_the_doc_states_no_run_time(doc):
    assert run_times((ROOT / doc).read_text(encoding='utf-8')) == []


@pytest.mark.parametrize(('text', 'found'), [
    ('took 28 s from a fresh clone', True),
    ('6 min 50 s to 7 min 37 s', True),
    ('in 19 min on 2 cores', True),
    ('about 1.5 min, then', True),
    ('41 seconds the first time', True),
    ('about 3 times as long, with `time make demo`', False),
    ('2 cores, 10 % of CPU, 95.3 %, 0.87 of what it was', False),
    ('ansible-core 2.16 to 2.21, Python 3.13', False),
])
def test_a_duration_is_found_and_a_ratio_is_not(text, found):
    assert bool(run_times(text)) is found
