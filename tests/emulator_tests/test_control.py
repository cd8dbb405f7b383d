"""Control endpoints: faults of every kind, the request log, the state, health."""

import time

import pytest
import requests

import demo_data

NEW_CALLBACK = {"type": "filter", "script": "function filter(request) { return true; }"}


def callbacks_of_task(emulator, task_id):
    return [callback for callback in emulator.control.state()["task_callbacks"] if callback["task_id"] == task_id]


def test_health(emulator):
    assert requests.get(
        f"{emulator.url}/_emulator/health",
        timeout=10).json() == {
        "status": "ok",
        "service": "nodeum-api-emulator"}


def test_status_fault_with_retry_after_and_json_body(emulator, api):
    emulator.control.add_fault(method="GET", path="/task_callbacks$", status=503, retry_after=2, times=2)
    for _attempt in range(2):
        answer = api.get(f"{emulator.api_url}/tasks/1/task_callbacks")
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "2"
        assert answer.json()["messages"]
    assert api.get(f"{emulator.api_url}/tasks/1/task_callbacks").status_code == 200


def test_status_fault_with_raw_body_and_content_type(emulator, api):
    emulator.control.add_fault(status=502, body="<html>Bad gateway</html>")
    answer = api.get(f"{emulator.api_url}/tasks")
    assert answer.status_code == 502
    assert answer.headers["Content-Type"] == "text/html"
    assert answer.text == "<html>Bad gateway</html>"
    assert "Retry-After" not in answer.headers
    emulator.control.add_fault(status=500, body="oops", content_type="text/plain")
    answer = api.get(f"{emulator.api_url}/tasks")
    assert (answer.status_code, answer.headers["Content-Type"], answer.text) == (500, "text/plain", "oops")


def test_status_fault_does_not_apply_the_change(emulator, api):
    emulator.control.add_fault(method="POST", status=503)
    assert api.post(f"{emulator.api_url}/tasks/4/task_callbacks", json=NEW_CALLBACK).status_code == 503
    assert callbacks_of_task(emulator, 4) == []


def test_fault_matches_method_and_path_only(emulator, api):
    emulator.control.add_fault(method="DELETE", path=r"/task_callbacks/10$", status=500)
    assert api.get(f"{emulator.api_url}/tasks/1/task_callbacks/10").status_code == 200
    assert api.delete(f"{emulator.api_url}/tasks/1/task_callbacks/11").status_code == 204
    assert api.delete(f"{emulator.api_url}/tasks/1/task_callbacks/10").status_code == 500
    assert api.delete(f"{emulator.api_url}/tasks/1/task_callbacks/10").status_code == 204


def test_faults_apply_in_the_order_added(emulator, api):
    emulator.control.add_fault(status=503)
    emulator.control.add_fault(status=429, retry_after=1)
    assert [api.get(f"{emulator.api_url}/tasks").status_code for _attempt in range(3)] == [503, 429, 200]


def test_faults_do_not_touch_control_endpoints_and_can_be_cleared(emulator, api):
    emulator.control.add_fault(status=503, times=5)
    assert emulator.control.health() == {"status": "ok", "service": "nodeum-api-emulator"}
    assert len(requests.get(f"{emulator.url}/_emulator/faults", timeout=10).json()["faults"]) == 1
    emulator.control.clear_faults()
    assert api.get(f"{emulator.api_url}/tasks").status_code == 200


def test_delay_fault_waits_then_answers(emulator, api):
    emulator.control.add_fault(path="/tasks/2$", delay=0.6)
    started = time.monotonic()
    answer = api.get(f"{emulator.api_url}/tasks/2")
    assert time.monotonic() - started >= 0.6
    assert answer.json() == {"id": 2, "name": "Nightly backup"}
    # The fault was used up: the next request is not delayed.
    assert requests.get(f"{emulator.url}/_emulator/faults", timeout=10).json() == {"faults": []}
    assert api.get(f"{emulator.api_url}/tasks/2").status_code == 200


def test_drop_before_does_not_apply_the_change(emulator, api):
    emulator.control.add_fault(method="POST", drop="before")
    with pytest.raises(requests.ConnectionError):
        api.post(f"{emulator.api_url}/tasks/4/task_callbacks", json=NEW_CALLBACK)
    assert callbacks_of_task(emulator, 4) == []
    log = emulator.control.requests()
    assert log == [{"method": "POST", "path": "/api/v2/tasks/4/task_callbacks",
                    "query": "", "status": None, "caller": "user:admin"}]


def test_drop_after_applies_the_change(emulator, api):
    emulator.control.add_fault(method="POST", path="/tasks/4/", drop="after")
    with pytest.raises(requests.ConnectionError):
        api.post(f"{emulator.api_url}/tasks/4/task_callbacks", json=NEW_CALLBACK)
    created = callbacks_of_task(emulator, 4)
    assert [(callback["type"], callback["script"])
            for callback in created] == [(NEW_CALLBACK["type"], NEW_CALLBACK["script"])]
    assert emulator.control.requests()[-1]["status"] is None
    # The next request (a fresh connection) is answered.
    assert api.get(f"{emulator.api_url}/tasks/4/task_callbacks").json()["count"] == 1


@pytest.mark.parametrize(
    "fault",
    [
        {},
        {"status": 503, "delay": 1},
        {"status": 99},
        {"status": "503"},
        {"delay": -1},
        {"drop": "during"},
        {"path": "(", "status": 503},
        {"times": 0, "status": 503},
        {"status": 503, "body": 5},
    ],
)
def test_bad_fault_descriptions_are_400(emulator, fault):
    answer = requests.post(f"{emulator.url}/_emulator/faults", json=fault, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["messages"]


def test_request_log_records_every_api_request_in_order(emulator, api):
    api.get(f"{emulator.api_url}/tasks/Archive%20projects/task_callbacks?id=%3E10&sort_by=id:desc")
    api.post(f"{emulator.api_url}/tasks/1/task_callbacks", json={})
    requests.get(f"{emulator.api_url}/tasks", timeout=10)
    api.delete(f"{emulator.api_url}/tasks/1/task_callbacks/10")
    requests.get(f"{emulator.url}/elsewhere", timeout=10)
    emulator.control.state()
    assert emulator.control.requests() == [
        {
            "method": "GET",
            "path": "/api/v2/tasks/Archive%20projects/task_callbacks",
            "query": "id=%3E10&sort_by=id:desc",
            "status": 200,
            "caller": "user:admin",
        },
        {
            "method": "POST",
            "path": "/api/v2/tasks/1/task_callbacks",
            "query": "",
            "status": 422,
            "caller": "user:admin",
        },
        {"method": "GET", "path": "/api/v2/tasks", "query": "", "status": 401, "caller": None},
        {
            "method": "DELETE",
            "path": "/api/v2/tasks/1/task_callbacks/10",
            "query": "",
            "status": 204,
            "caller": "user:admin",
        },
    ]
    emulator.control.reset_requests()
    assert emulator.control.requests() == []


def test_request_log_names_each_credential_without_giving_it_away(emulator):
    keys = [api_key["key"] for api_key in demo_data.DEMO_FIXTURES["api_keys"]]
    token = demo_data.DEMO_FIXTURES["tokens"][0]
    emulator.control.reset_requests()
    for authorization in (keys[1], "Bearer " + keys[0], "Bearer " + token, "wrong-key"):
        requests.get(f"{emulator.api_url}/tasks", headers={"Authorization": authorization}, timeout=10)
    requests.get(f"{emulator.api_url}/tasks", auth=("admin", "nodeum-demo-password"), timeout=10)
    log = emulator.control.requests()
    assert [entry["caller"] for entry in log] == ["api_key:2", "api_key:1", "token:1", None, "user:admin"]
    assert not any(secret in repr(log) for secret in keys + [token, "nodeum-demo-password"])


def test_state_round_trip(emulator, api):
    state = emulator.control.state()
    assert state["tasks"] == demo_data.DEMO_FIXTURES["tasks"]
    assert state["task_callbacks"] == demo_data.DEMO_FIXTURES["task_callbacks"]
    tasks = [{"id": 7, "name": "Only task", "comment": "kept"}]
    callbacks = [{"id": 70, "task_id": 7, "type": "filter", "script": "b"},
                 {"id": 60, "task_id": 7, "type": "filter", "script": "a"}]
    replaced = emulator.control.replace_state(tasks, callbacks)
    assert replaced == {"tasks": tasks, "task_callbacks": sorted(callbacks, key=lambda callback: callback["id"])}
    assert [item["id"]
            for item in api.get(f"{emulator.api_url}/tasks/7/task_callbacks").json()["task_callbacks"]] == [60, 70]
    assert api.get(f"{emulator.api_url}/tasks/Only%20task").json() == tasks[0]
    assert api.get(f"{emulator.api_url}/tasks/1").status_code == 404


@pytest.mark.parametrize(
    "state",
    [
        [],
        {"tasks": [{"id": "1", "name": "x"}]},
        {"tasks": [{"id": 1}]},
        {"tasks": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]},
        {"tasks": [{"id": 1, "name": "a"}], "task_callbacks": [
            {"id": 2, "task_id": 9, "type": "filter", "script": "s"}]},
        {"tasks": [{"id": 1, "name": "a"}], "task_callbacks": [{"id": 2, "task_id": 1, "type": "filter"}]},
    ],
)
def test_bad_state_is_400_and_changes_nothing(emulator, state):
    answer = requests.put(f"{emulator.url}/_emulator/state", json=state, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["messages"]
    assert len(emulator.control.state()["task_callbacks"]) == 4


def test_reset_restores_the_startup_data_and_clears_faults_and_log(emulator, api):
    created = api.post(f"{emulator.api_url}/tasks/1/task_callbacks", json=NEW_CALLBACK).json()
    api.delete(f"{emulator.api_url}/tasks/1/task_callbacks/10")
    emulator.control.add_fault(status=503)
    emulator.control.reset()
    assert emulator.control.requests() == []
    assert requests.get(f"{emulator.url}/_emulator/faults", timeout=10).json() == {"faults": []}
    assert emulator.control.state()["task_callbacks"] == demo_data.DEMO_FIXTURES["task_callbacks"]
    assert api.post(f"{emulator.api_url}/tasks/1/task_callbacks", json=NEW_CALLBACK).json()["id"] > created["id"]


def test_control_unknown_path_and_method(emulator):
    assert requests.get(f"{emulator.url}/_emulator/nothing", timeout=10).status_code == 404
    wrong = requests.post(f"{emulator.url}/_emulator/state", json={}, timeout=10)
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "GET, PUT"
