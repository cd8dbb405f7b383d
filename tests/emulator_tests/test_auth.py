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


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/tasks/1/task_callbacks", "task_callbacks/index"),
        ("GET", "/tasks/1/task_callbacks/10", "task_callbacks/show"),
        ("POST", "/tasks/1/task_callbacks", "task_callbacks/create"),
        ("PUT", "/tasks/1/task_callbacks/10", "task_callbacks/update"),
        ("DELETE", "/tasks/1/task_callbacks/10", "task_callbacks/destroy"),
        ("GET", "/tasks", "tasks/index"),
        ("GET", "/tasks/1", "tasks/show"),
    ],
)
def test_each_operation_needs_its_own_scope(start_emulator_process, tmp_path, method, path, scope):
    all_scopes = ["task_callbacks/index", "task_callbacks/show", "task_callbacks/create", "task_callbacks/update", "task_callbacks/destroy",
                  "tasks/index", "tasks/show"]
    fixtures = tmp_path / "fixtures.json"
    fixtures.write_text(json.dumps({
        "api_keys": [{"key": "all-but-one", "scopes": [item for item in all_scopes if item != scope]}, {"key": "only-one", "scopes": [scope]}],
        "tasks": [{"id": 1, "name": "t"}],
        "task_callbacks": [{"id": 10, "task_id": 1, "type": "filter", "script": "s"}],
    }))
    server = start_emulator_process(fixtures=fixtures, lifetime=60)
    denied = server.session(authorization="all-but-one").request(method, server.api_url + path, json=CALLBACK)
    assert denied.status_code == 403
    assert denied.json()["messages"] == [f"API key lacks the scope {scope}"]
    allowed = server.session(authorization="only-one").request(method, server.api_url + path, json=CALLBACK)
    assert allowed.status_code in (200, 201, 204)
