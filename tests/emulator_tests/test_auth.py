"""Authentication (401 before anything else) and API key scopes (403 naming the scope)."""

import base64
import json

import pytest

from conftest import FULL_KEY, READ_ONLY_KEY, TOKEN

CALLBACK = {"type": "filter", "script": "function filter(request) { return true; }"}


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "authorization",
    [
        basic("admin", "nodeum-demo-password"),
        FULL_KEY,
        f"Bearer {FULL_KEY}",
        f"Bearer {TOKEN}",
        f"bearer {TOKEN}",
        READ_ONLY_KEY,
    ],
)
def test_accepted_credentials(emulator, authorization):
    answer = emulator.session(authorization=authorization).get(f"{emulator.api_url}/tasks/1/task_callbacks")
    assert answer.status_code == 200
    assert answer.json()["count"] == 2


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        basic("admin", "wrong"),
        basic("nobody", "nodeum-demo-password"),
        "Basic not-base64!",
        "Bearer not-a-key",
        "not-a-key",
        TOKEN,  # a token counts only after "Bearer "
        f"Bearer {TOKEN}x",
    ],
)
def test_rejected_credentials_are_401(emulator, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = emulator.session(auth=None).get(f"{emulator.api_url}/tasks/1/task_callbacks", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["messages"]
    assert "authorization" in answer.json()["details"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/no/such/path"),
        ("GET", "/tasks/999/task_callbacks"),
        ("PATCH", "/tasks/1/task_callbacks/10"),
        ("DELETE", "/tasks"),
        ("POST", "/tasks/1/task_callbacks"),
    ],
)
def test_401_comes_before_404_and_405(emulator, method, path):
    answer = emulator.session(auth=None).request(method, emulator.api_url + path, json=CALLBACK)
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/tasks/1/task_callbacks", "task_callbacks/create"),
        ("PUT", "/tasks/1/task_callbacks/10", "task_callbacks/update"),
        ("DELETE", "/tasks/1/task_callbacks/10", "task_callbacks/destroy"),
    ],
)
def test_read_only_key_gets_403_naming_the_scope(emulator, method, path, scope):
    answer = emulator.session(authorization=READ_ONLY_KEY).request(method, emulator.api_url + path, json=CALLBACK)
    assert answer.status_code == 403
    assert answer.json()["messages"] == [f"API key lacks the scope {scope}"]
    assert len(emulator.control.state()["task_callbacks"]) == 4


def test_read_only_key_may_read(emulator):
    session = emulator.session(authorization=f"Bearer {READ_ONLY_KEY}")
    assert session.get(f"{emulator.api_url}/tasks/1/task_callbacks/10").status_code == 200
    assert session.get(f"{emulator.api_url}/tasks").status_code == 200
    assert session.get(f"{emulator.api_url}/tasks/2").json()["name"] == "Nightly backup"


SCOPED_OPERATIONS = [
    ("GET", "/tasks/1/task_callbacks", "task_callbacks/index"),
    ("GET", "/tasks/1/task_callbacks/10", "task_callbacks/show"),
    ("POST", "/tasks/1/task_callbacks", "task_callbacks/create"),
    ("PUT", "/tasks/1/task_callbacks/10", "task_callbacks/update"),
    ("DELETE", "/tasks/1/task_callbacks/10", "task_callbacks/destroy"),
    ("GET", "/tasks", "tasks/index"),
    ("GET", "/tasks/1", "tasks/show"),
]
ALL_SCOPES = [operation[2] for operation in SCOPED_OPERATIONS]


@pytest.fixture(scope="module")
def scoped_server(tmp_path_factory, start_emulator_module_process):
    """An emulator with, for every scope, a key holding only it and a key holding all others."""
    api_keys = []
    for scope in ALL_SCOPES:
        api_keys.append({"key": f"only:{scope}", "scopes": [scope]})
        api_keys.append({"key": f"all-but:{scope}", "scopes": [item for item in ALL_SCOPES if item != scope]})
    fixtures = tmp_path_factory.mktemp("scopes") / "fixtures.json"
    fixtures.write_text(json.dumps({"api_keys": api_keys, "tasks": [{"id": 1, "name": "t"}],
                                    "task_callbacks": [{"id": 10, "task_id": 1, "type": "filter", "script": "s"}]}))
    return start_emulator_module_process(fixtures=fixtures)


@pytest.mark.parametrize(("method", "path", "scope"), SCOPED_OPERATIONS)
def test_each_operation_needs_its_own_scope(scoped_server, method, path, scope):
    scoped_server.reset()
    denied = scoped_server.session(
        authorization=f"all-but:{scope}").request(method, scoped_server.api_url + path, json=CALLBACK)
    assert denied.status_code == 403
    assert denied.json()["messages"] == [f"API key lacks the scope {scope}"]
    allowed = scoped_server.session(
        authorization=f"only:{scope}").request(
        method, scoped_server.api_url + path, json=CALLBACK)
    assert allowed.status_code in (200, 201, 204)
