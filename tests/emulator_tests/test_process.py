"""The emulator as a process: command line, fixtures files, demo data, TLS, signals, lifetime."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse

import pytest
import requests
import yaml

import demo_data
from conftest import ADMIN, EMULATOR_DIR
from emulator_control import READY_PREFIX, emulator_command, stop_emulator

DEMO_YAML = os.path.join(EMULATOR_DIR, "demo-fixtures.yml")
SMALL_FIXTURES = {
    "users": [{"username": "ops", "password": "secret"}],
    "tasks": [{"id": 40, "name": "Only task"}],
    "task_callbacks": [{"id": 400, "task_id": 40, "type": "filter", "script": "function filter(request) { return true; "
                                                                              "}"}],
}


def test_demo_module_and_demo_yaml_are_identical():
    with open(DEMO_YAML, encoding="utf-8") as handle:
        assert yaml.safe_load(handle) == demo_data.DEMO_FIXTURES


def test_demo_data_values():
    demo = demo_data.DEMO_FIXTURES
    assert [(task["id"], task["name"]) for task in demo["tasks"]] == [
        (1, "Archive projects"),
        (2, "Nightly backup"),
        (3, "Archive projects"),
        (4, "Migrate cold data"),
        (5, "Restore requests"),
    ]
    assert [(callback["id"], callback["task_id"])
            for callback in demo["task_callbacks"]] == [(10, 1), (11, 1), (12, 2), (13, 3)]
    assert all(callback["script"].startswith(
        "function run(req) {") and "return true;" in callback["script"] for callback in demo["task_callbacks"])
    assert demo["users"] == [{"username": "admin", "password": "nodeum-demo-password"}]
    assert {key["key"]: len(key["scopes"]) for key in demo["api_keys"]} == {
        "demo-full-access-key": 7, "demo-read-only-key": 4}


def test_demo_yaml_as_fixtures_serves_the_demo_data(start_emulator_process):
    server = start_emulator_process(fixtures=DEMO_YAML)
    assert server.control.state() == {
        "tasks": demo_data.DEMO_FIXTURES["tasks"],
        "task_callbacks": demo_data.DEMO_FIXTURES["task_callbacks"]}
    assert server.session().post(f"{server.api_url}/tasks/1/task_callbacks",
                                 json={"type": "filter", "script": "s"}).json()["id"] == 14


@pytest.mark.parametrize("suffix", [".json", ".yml", ".fixtures"])
def test_json_and_yaml_fixtures(start_emulator_process, tmp_path, suffix):
    path = tmp_path / f"fixtures{suffix}"
    path.write_text(yaml.safe_dump(SMALL_FIXTURES) if suffix == ".yml" else json.dumps(SMALL_FIXTURES))
    server = start_emulator_process(fixtures=path, page_cap=3)
    session = server.session(auth=("ops", "secret"))
    assert session.get(f"{server.api_url}/tasks/Only%20task/task_callbacks").json()["task_callbacks"][0]["id"] == 400
    assert server.session().get(f"{server.api_url}/tasks").status_code == 401  # the demo admin is not in these fixtures
    # Ids grow from above the highest fixture id.
    assert session.post(
        f"{server.api_url}/tasks/40/task_callbacks",
        json={
            "type": "filter",
            "script": "s"}).json()["id"] == 401


def run_emulator_to_exit(arguments, python_flags=(), timeout=20):
    return subprocess.run([sys.executable, *python_flags, EMULATOR_DIR, *arguments],
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_runs_on_the_standard_library_alone(tmp_path):
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(SMALL_FIXTURES))
    # -I -S: no site-packages at all, so neither PyYAML nor any other third-party module.
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", EMULATOR_DIR, "--port", "0", "--lifetime", "60", "--fixtures", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(READY_PREFIX)
        url = line[len(READY_PREFIX):].strip()
        assert requests.get(f"{url}/api/v2/tasks/40", auth=("ops", "secret"),
                            timeout=10).json() == SMALL_FIXTURES["tasks"][0]
    finally:
        assert stop_emulator(process) == 0


def test_yaml_fixtures_without_pyyaml_fail_in_one_sentence(tmp_path):
    path = tmp_path / "fixtures.yml"
    path.write_text(yaml.safe_dump(SMALL_FIXTURES))
    result = run_emulator_to_exit(["--port", "0", "--lifetime", "30", "--fixtures",
                                  str(path)], python_flags=("-I", "-S"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "install PyYAML or use a JSON fixtures file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"tasks": [{"id": 1, "name": "a"}], "task_callbacks": [
         {"id": 2, "task_id": 3, "type": "filter", "script": "s"}]}), "task_id"),
        (json.dumps({"users": [{"username": "x"}]}), "password"),
        (json.dumps([1, 2]), "mapping"),
    ],
)
def test_bad_fixtures_exit_2_with_a_message(tmp_path, content, message):
    path = tmp_path / "fixtures.json"
    path.write_text(content)
    result = run_emulator_to_exit(["--port", "0", "--lifetime", "30", "--fixtures", str(path)])
    assert result.returncode == 2
    assert message in result.stderr


def test_missing_fixtures_file_exits_2(tmp_path):
    result = run_emulator_to_exit(["--port", "0", "--lifetime", "30", "--fixtures", str(tmp_path / "absent.json")])
    assert result.returncode == 2
    assert "Cannot read the fixtures file" in result.stderr


def test_busy_port_exits_1(emulator_server):
    port = urllib.parse.urlsplit(emulator_server.url).port
    result = run_emulator_to_exit(["--port", str(port), "--lifetime", "30"])
    assert result.returncode == 1
    assert "cannot listen" in result.stderr


@pytest.mark.parametrize("arguments", [["--page-cap", "0"], ["--lifetime", "-1"], ["--tls-cert", "x.pem"]])
def test_bad_arguments_are_refused(arguments):
    result = run_emulator_to_exit(["--port", "0", *arguments])
    assert result.returncode == 2


def start_raw(arguments):
    """Start the emulator with Popen directly, for tests about the process itself."""
    process = subprocess.Popen([sys.executable, EMULATOR_DIR, "--port", "0", *arguments],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    return line, process


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_promptly_with_status_0(signal_number):
    line, process = start_raw(["--lifetime", "120"])
    try:
        assert line.startswith(READY_PREFIX + "http://127.0.0.1:")
        url = urllib.parse.urlsplit(line[len(READY_PREFIX):].strip())
        # An idle keep-alive connection must not hold the server up.
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        connection.request("GET", "/_emulator/health")
        assert connection.getresponse().read() == b'{"status": "ok", "service": "nodeum-api-emulator"}'
        started = time.monotonic()
        process.send_signal(signal_number)
        assert process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
        assert process.stdout.read() == ""  # the ready line is the only line
        connection.close()
    finally:
        stop_emulator(process)


def test_lifetime_ends_the_process_with_status_0():
    started = time.monotonic()
    line, process = start_raw(["--lifetime", "1"])
    try:
        assert line.startswith(READY_PREFIX)
        assert process.wait(timeout=10) == 0
        assert 0.9 <= time.monotonic() - started < 15
    finally:
        stop_emulator(process)


def test_emulator_command_builds_the_documented_cli():
    command = emulator_command(
        port=8787,
        fixtures="f.yml",
        page_cap=10,
        lifetime=60,
        tls_cert="c.pem",
        tls_key="k.pem",
        python="python3")
    assert command == [
        "python3",
        EMULATOR_DIR,
        "--host",
        "127.0.0.1",
        "--port",
        "8787",
        "--lifetime",
        "60",
        "--fixtures",
        "f.yml",
        "--page-cap",
        "10",
        "--tls-cert",
        "c.pem",
        "--tls-key",
        "k.pem",
    ]


@pytest.fixture(scope="module")
def self_signed_certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_tls(start_emulator_process, self_signed_certificate):
    cert, key = self_signed_certificate
    server = start_emulator_process(tls_cert=cert, tls_key=key)
    assert server.url.startswith("https://127.0.0.1:")
    with requests.Session() as session:
        session.auth = ADMIN
        # verify per request: REQUESTS_CA_BUNDLE in the environment would override a session-level verify.
        assert session.get(
            f"{server.api_url}/tasks/1",
            verify=str(cert)).json() == {
            "id": 1,
            "name": "Archive projects"}
        assert session.get(f"{server.api_url}/tasks/2", verify=str(cert)).json()["name"] == "Nightly backup"
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{server.api_url}/tasks/1", auth=ADMIN, timeout=10)
    # A plain HTTP client on the TLS port does not break the server for others.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.url.replace("https://", "http://") + "/_emulator/health", timeout=5)
    assert requests.get(
        f"{server.url}/_emulator/health",
        verify=str(cert),
        timeout=10).json() == {
        "status": "ok",
        "service": "nodeum-api-emulator"}


def test_bad_tls_files_exit_2(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    result = run_emulator_to_exit(["--port", "0", "--lifetime", "30", "--tls-cert", str(cert), "--tls-key", str(cert)])
    assert result.returncode == 2
    assert "TLS" in result.stderr


def test_an_emulator_whose_parent_is_gone_stops_by_itself():
    # The parent starts the emulator, prints its pid once it listens, and exits without stopping it.
    starter = ("import subprocess, sys; p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True); "
               "p.stdout.readline(); print(p.pid, flush=True)")
    parent = subprocess.run([sys.executable, "-c", starter] + emulator_command(lifetime=120),
                            capture_output=True, text=True, timeout=30, check=True)
    pid = int(parent.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid) and "Z" not in _state(pid):
        time.sleep(0.2)
    assert not os.path.exists("/proc/%d" % pid) or "Z" in _state(pid), "the orphaned emulator still runs"


def _state(pid):
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


SETUP_EMULATOR = os.path.join(os.path.dirname(EMULATOR_DIR), "integration", "targets", "setup_emulator", "emulator.sh")


@pytest.mark.parametrize("ending", ["exit 0", "false", "exit 3"])
def test_a_target_shell_that_ends_stops_its_emulators_and_runs_its_cleanup(tmp_path, ending):
    # What a target's runme.sh does: source the helper, define cleanup, start emulators, end in any way (set -e).
    mark = tmp_path / "cleaned"
    script = ("set -euo pipefail; source %s; cleanup() { touch %s; }; start_emulator; start_emulator; "
              "echo \"${EMULATOR_PIDS[@]}\"; %s" % (SETUP_EMULATOR, mark, ending))
    collections = tmp_path / "collections" / "ansible_collections" / "nodeum"
    collections.mkdir(parents=True)
    (collections / "data_archiving").symlink_to(os.path.dirname(os.path.dirname(EMULATOR_DIR)))
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(
            tmp_path /
            "collections"),
        ANSIBLE_TEST_PYTHON_INTERPRETER=sys.executable)
    shell = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, env=env, check=False)
    pids = [int(pid) for pid in shell.stdout.split()]
    assert len(pids) == 2, shell.stderr
    assert shell.returncode == {"exit 0": 0, "false": 1, "exit 3": 3}[ending]
    assert mark.exists(), "the target's cleanup did not run"
    assert [pid for pid in pids if os.path.exists("/proc/%d" % pid) and _state(pid) != "Z"] == []
