"""Property-based checks with schemathesis v4 against the running emulator (bounded: a few examples per operation)."""

import base64
import os

import hypothesis
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance, status_code_conformance

from conftest import ADMIN, EMULATOR_DIR

SCHEMA = schemathesis.openapi.from_path(os.path.join(EMULATOR_DIR, "openapi.json"))
AUTHORIZATION = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()
# The document lists only the success and 422 statuses, while the contract adds 400, 401, 403, 404 and 405
# (with error bodies, checked by the other checks); and the contract answers 400 to some schema-valid
# values (an id filter that is not an integer, an unknown sort_by attribute), so these two checks cannot hold.
EXCLUDED_CHECKS = [status_code_conformance, positive_data_acceptance]


@SCHEMA.parametrize()
@hypothesis.settings(max_examples=10, deadline=None,
                     suppress_health_check=list(hypothesis.HealthCheck), derandomize=True, database=None)
def test_api_conforms_to_its_document(case, emulator_server):
    case.call_and_validate(
        base_url=emulator_server.api_url,
        headers={
            "Authorization": AUTHORIZATION},
        timeout=30,
        excluded_checks=EXCLUDED_CHECKS)
