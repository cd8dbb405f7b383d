"""Start and stop an emulator subprocess from test code, and steer it (standard library only).

    # with tests/emulator on PYTHONPATH (the nox sessions set it)
    from emulator_control import start_emulator, stop_emulator, EmulatorControl

    url, process = start_emulator(lifetime=300)
    try:
        control = EmulatorControl(url)
        control.add_fault(status=503, times=1, path="/task_callbacks")
        ...  # talk to url + "/api/v2"
    finally:
        stop_emulator(process)
"""

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.request

EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))
READY_PREFIX = "Nodeum API emulator listening on "
API_PATH = "/api/v2"


class EmulatorStartError(RuntimeError):
    """The emulator did not print its ready line in time."""


def emulator_command(port=0, fixtures=None, page_cap=None, lifetime=300, tls_cert=None,
                     tls_key=None, host="127.0.0.1", python=None, extra_args=()):
    """The command line that starts the emulator with these options."""
    command = [python or sys.executable, EMULATOR_DIR, "--host", host, "--port", str(port), "--lifetime", str(lifetime)]
    if fixtures is not None:
        command += ["--fixtures", str(fixtures)]
    if page_cap is not None:
        command += ["--page-cap", str(page_cap)]
    if tls_cert is not None:
        command += ["--tls-cert", str(tls_cert), "--tls-key", str(tls_key)]
    return command + list(extra_args)


def start_emulator(
    port=0,
    fixtures=None,
    page_cap=None,
    lifetime=300,
    tls_cert=None,
    tls_key=None,
    host="127.0.0.1",
    python=None,
    extra_args=(),
    timeout=20,
):
    """Start an emulator subprocess; return (url, process) once it listens.

    url is the server root (the API is url + "/api/v2"). Standard error goes to
    /dev/null unless the verbose flag is among extra_args, in which case it is inherited.
    The lifetime bounds the process even if nobody calls stop_emulator().
    """
    command = emulator_command(port, fixtures, page_cap, lifetime, tls_cert, tls_key, host, python, extra_args)
    stderr = None if "--verbose" in extra_args else subprocess.DEVNULL
    # pylint: disable-next=consider-using-with  # the caller owns the process and ends it with stop_emulator()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True)
    try:
        line = _read_ready_line(process, timeout)
    except EmulatorStartError:
        stop_emulator(process)
        raise
    return line[len(READY_PREFIX):].strip(), process


def _read_ready_line(process, timeout):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EmulatorStartError(f"The emulator printed no ready line within {timeout} seconds.")
        readable = select.select([process.stdout], [], [], remaining)[0]
        if readable:
            line = process.stdout.readline()
            if line.startswith(READY_PREFIX):
                return line
            if not line:
                raise EmulatorStartError(f"The emulator exited with status {process.wait()} before it listened.")


def stop_emulator(process, timeout=10):
    """Stop the emulator by its own pid (SIGTERM, then SIGKILL after timeout); return its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    if process.stdout is not None:
        process.stdout.close()
    return process.returncode


class EmulatorControl:
    """Client of the /_emulator/ endpoints."""

    def __init__(self, url, ssl_context=None):
        self.url = url.rstrip("/")
        self.ssl_context = ssl_context

    @property
    def api_url(self):
        return self.url + API_PATH

    def _call(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            self.url + "/_emulator" + path,
            data=data,
            method=method,
            headers={
                "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30, context=self.ssl_context) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def health(self):
        return self._call("GET", "/health")

    def requests(self):
        """The /api/v2 requests since the last reset: [{method, path, query, status}]."""
        return self._call("GET", "/requests")["requests"]

    def reset_requests(self):
        self._call("DELETE", "/requests")

    def add_fault(self, **fault):
        """Add a fault, e.g. add_fault(method="POST", path="/task_callbacks$", status=503, retry_after=1)."""
        return self._call("POST", "/faults", fault)["fault"]

    def clear_faults(self):
        self._call("DELETE", "/faults")

    def reset(self):
        """Back to the startup fixtures (ids keep growing), no faults, an empty request log."""
        self._call("POST", "/reset")

    def state(self):
        return self._call("GET", "/state")

    def replace_state(self, tasks, task_callbacks):
        return self._call("PUT", "/state", {"tasks": tasks, "task_callbacks": task_callbacks})
