"""Fixtures that start the Nodeum API emulator as a subprocess and stop it by its pid, whatever happens.

- `emulator_server` (module scope): one emulator with the demo data per test module (and per
  xdist worker), on a free port, with a bounded lifetime.
- `emulator`: the same server, reset to the demo data with no faults and an empty request log.
- `start_emulator_process` (function scope) and `start_emulator_module_process` (module scope):
  factories for tests that need their own server (other options); every process they started
  is stopped at teardown.
"""

import pytest
import requests

# tests/emulator is on PYTHONPATH (the nox session sets it).
import demo_data
# EMULATOR_DIR: for the test modules
from emulator_control import (  # noqa: F401  pylint: disable=unused-import
    EMULATOR_DIR,
    EmulatorControl,
    start_emulator,
    stop_emulator,
)

ADMIN = ("admin", "nodeum-demo-password")
FULL_KEY = "demo-full-access-key"
READ_ONLY_KEY = "demo-read-only-key"
TOKEN = demo_data.DEMO_FIXTURES["tokens"][0]
LIFETIME = 300


class RunningEmulator:
    """A started emulator: its URLs, its process and its control client."""

    def __init__(self, url, process):
        self.url = url
        self.api_url = url + "/api/v2"
        self.process = process
        self.control = EmulatorControl(url)

    def session(self, auth=ADMIN, authorization=None):
        """A requests session that authenticates with Basic auth, or with a raw Authorization header."""
        session = requests.Session()
        if authorization is not None:
            session.headers["Authorization"] = authorization
        else:
            session.auth = auth
        return session

    def reset(self):
        self.control.reset()


@pytest.fixture(scope="module")
def emulator_server():
    url, process = start_emulator(lifetime=LIFETIME)
    try:
        yield RunningEmulator(url, process)
    finally:
        stop_emulator(process)


@pytest.fixture
def emulator(emulator_server):  # pylint: disable=redefined-outer-name  # pytest injects fixtures by name
    emulator_server.reset()
    return emulator_server


@pytest.fixture
def api(emulator):  # pylint: disable=redefined-outer-name  # pytest injects fixtures by name
    """A session authenticated as the demo admin, on a reset emulator."""
    with emulator.session() as session:
        yield session


def _started_emulators():
    """Yield a function that starts emulators with any options; stop each one it started afterwards."""
    started = []

    def start(**options):
        options.setdefault("lifetime", LIFETIME)
        url, process = start_emulator(**options)
        started.append(process)
        return RunningEmulator(url, process)

    try:
        yield start
    finally:
        for process in started:
            stop_emulator(process)


# One generator, two lifetimes: per test, and shared by a test module.
start_emulator_process = pytest.fixture(name="start_emulator_process")(_started_emulators)
start_emulator_module_process = pytest.fixture(name="start_emulator_module_process", scope="module")(_started_emulators)
