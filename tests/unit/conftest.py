# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hypothesis profiles of the unit tests, chosen by NODEUM_HYPOTHESIS_PROFILE.

- ci (the default, what make test runs): derandomised and without an example database, so
  that every run tries the same examples and a red CI run is a real failure, never bad luck.
- mutation (make mutation): ci with fewer examples, as it runs once per mutant.
- thorough (make properties): many more examples from random seeds, to find what ci's fixed
  examples miss; a failure prints the blob that replays it (@reproduce_failure).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = 'NODEUM_HYPOTHESIS_PROFILE'
DEFAULT_PROFILE = 'ci'

_COMMON = dict(deadline=None, suppress_health_check=[
               HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

settings.register_profile('ci', max_examples=100, derandomize=True, database=None, print_blob=True, **_COMMON)
settings.register_profile('mutation', max_examples=25, derandomize=True, database=None, **_COMMON)
settings.register_profile('thorough', max_examples=2000, derandomize=False, database=None, print_blob=True, **_COMMON)

settings.load_profile(os.environ.get(PROFILE_VARIABLE) or DEFAULT_PROFILE)
