"""Task callback operations: create, show, update, delete, validation, tasks by name, ids, concurrency."""

import concurrent.futures
import http.client
import urllib.parse

import pytest

import demo_data

SCRIPT = "function filter(request) {\n  return request.copy.info.size > 0;\n}\n"


def create(api, emulator, task="1", body=None):
    return api.post(f"{emulator.api_url}/tasks/{task}/task_callbacks",
                    json=body if body is not None else {"type": "filter", "script": SCRIPT})


def test_demo_callbacks_are_served(emulator, api):
    body = api.get(f"{emulator.api_url}/tasks/1/task_callbacks").json()
    expected = [{key: callback[key] for key in ("id", "type", "script")}
                for callback in demo_data.DEMO_FIXTURES["task_callbacks"][:2]]
    assert body == {"count": 2, "task_callbacks": expected}
    assert api.get(f"{emulator.api_url}/tasks/4/task_callbacks").json() == {"count": 0, "task_callbacks": []}


def test_create_show_update_delete(emulator, api):
    created = create(api, emulator)
    assert created.status_code == 201
    callback = created.json()
    assert set(callback) == {"id", "type", "script"}
    assert callback["type"] == "filter" and callback["script"] == SCRIPT
    url = f"{emulator.api_url}/tasks/1/task_callbacks/{callback['id']}"
    assert api.get(url).json() == callback
    updated = api.put(url, json={"type": "filter", "script": "function filter(request) { return false; }"})
    assert updated.status_code == 200
    assert updated.json() == {"id": callback["id"], "type": "filter",
                              "script": "function filter(request) { return false; }"}
    deleted = api.delete(url)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


def test_put_changes_only_the_given_attributes(emulator, api):
    url = f"{emulator.api_url}/tasks/1/task_callbacks/10"
    before = api.get(url).json()
    assert api.put(url, json={}).json() == before
    assert api.put(url, json={"script": "x"}).json() == {"id": 10, "type": "filter", "script": "x"}
    assert api.put(url, json={"type": "filter"}).json() == {"id": 10, "type": "filter", "script": "x"}


def test_id_and_unknown_attributes_in_a_body_are_ignored(emulator, api):
    created = create(api, emulator, body={"id": 10, "type": "filter", "script": SCRIPT, "colour": "red"})
    assert created.status_code == 201
    assert created.json()["id"] != 10
    assert set(created.json()) == {"id", "type", "script"}
    updated = api.put(f"{emulator.api_url}/tasks/1/task_callbacks/11", json={"id": 99, "script": "y", "task_id": 2})
    assert updated.json() == {"id": 11, "type": "filter", "script": "y"}
    assert api.get(f"{emulator.api_url}/tasks/1/task_callbacks/11").status_code == 200


@pytest.mark.parametrize(
    ("body", "attribute", "code"),
    [
        ({"script": SCRIPT}, "type", "blank"),
        ({"type": "hook", "script": SCRIPT}, "type", "inclusion"),
        ({"type": "", "script": SCRIPT}, "type", "blank"),
        ({"type": None, "script": SCRIPT}, "type", "blank"),
        ({"type": 1, "script": SCRIPT}, "type", "inclusion"),
        ({"type": "filter"}, "script", "blank"),
        ({"type": "filter", "script": ""}, "script", "blank"),
        ({"type": "filter", "script": " \t\n "}, "script", "blank"),
        ({"type": "filter", "script": None}, "script", "blank"),
        ({"type": "filter", "script": 42}, "script", "invalid"),
        ({"type": "filter", "script": ["a"]}, "script", "invalid"),
    ],
)
def test_invalid_bodies_are_422(emulator, api, body, attribute, code):
    answer = create(api, emulator, body=body)
    assert answer.status_code == 422
    assert answer.json()["details"][attribute][0]["error"] == code
    assert answer.json()["messages"]
    assert api.get(f"{emulator.api_url}/tasks/1/task_callbacks").json()["count"] == 2


def test_422_names_every_problem_and_the_rails_message(emulator, api):
    answer = create(api, emulator, body={"type": "filter", "script": "   "})
    assert answer.json() == {"details": {"script": [{"error": "blank"}]}, "messages": ["Script can't be blank"]}
    both = create(api, emulator, body={})
    assert set(both.json()["details"]) == {"type", "script"}
    assert len(both.json()["messages"]) == 2


@pytest.mark.parametrize("body", [{"type": "nope"}, {"script": ""}, {"script": 3}, {"type": None}])
def test_put_validates_the_given_attributes(emulator, api, body):
    url = f"{emulator.api_url}/tasks/1/task_callbacks/10"
    before = api.get(url).json()
    assert api.put(url, json=body).status_code == 422
    assert api.get(url).json() == before


@pytest.mark.parametrize("data", [b"{", b"not json", b"[1, 2]", b'"text"', b"", b"\xff\xfe"])
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_malformed_or_non_object_bodies_are_400(emulator, api, data, method):
    path = "/tasks/1/task_callbacks" if method == "POST" else "/tasks/1/task_callbacks/10"
    answer = api.request(method, emulator.api_url + path, data=data, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["messages"]


@pytest.mark.parametrize(
    ("task", "expected_ids"),
    [
        ("1", [10, 11]),
        ("Archive projects", [10, 11]),  # shared with task 3: the lowest id wins
        ("Nightly backup", [12]),
        ("3", [13]),
        ("003", [13]),
    ],
)
def test_task_by_id_or_name(emulator, api, task, expected_ids):
    answer = api.get(f"{emulator.api_url}/tasks/{urllib.parse.quote(task, safe='')}/task_callbacks")
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["task_callbacks"]] == expected_ids


def test_percent_encoded_names_with_spaces_and_slashes(emulator, api):
    tasks = demo_data.DEMO_FIXTURES["tasks"] + [{"id": 6, "name": "Projects/2024 Q1"},
                                                {"id": 7, "name": "42 is a name"}, {"id": 8, "name": "7"}]
    emulator.control.replace_state(tasks, [{"id": 30, "task_id": 6, "type": "filter", "script": "s"}])
    quoted = urllib.parse.quote("Projects/2024 Q1", safe="")
    assert quoted == "Projects%2F2024%20Q1"
    assert api.get(f"{emulator.api_url}/tasks/{quoted}/task_callbacks").json()["task_callbacks"][0]["id"] == 30
    assert api.get(f"{emulator.api_url}/tasks/{quoted}").json()["id"] == 6
    assert api.get(f"{emulator.api_url}/tasks/42%20is%20a%20name").json()["id"] == 7
    # Digits only is always an id: task 8 named "7" is not found through "7".
    assert api.get(f"{emulator.api_url}/tasks/7").json()["name"] == "42 is a name"
    created = create(api, emulator, task=quoted)
    assert created.status_code == 201
    assert {"id": created.json()["id"], "task_id": 6, "type": "filter",
            "script": SCRIPT} in emulator.control.state()["task_callbacks"]


def test_show_task_and_lowest_id_for_shared_names(emulator, api):
    assert api.get(f"{emulator.api_url}/tasks/Archive%20projects").json() == {"id": 1, "name": "Archive projects"}
    assert api.get(f"{emulator.api_url}/tasks/3").json() == {"id": 3, "name": "Archive projects"}


@pytest.mark.parametrize(
    ("method", "path", "attribute"),
    [
        ("GET", "/tasks/999", "task_id"),
        ("GET", "/tasks/No%20such%20task/task_callbacks", "task_id"),
        ("POST", "/tasks/999/task_callbacks", "task_id"),
        ("GET", "/tasks/1/task_callbacks/999", "task_callback_id"),
        ("GET", "/tasks/2/task_callbacks/10", "task_callback_id"),  # callback 10 belongs to task 1
        ("PUT", "/tasks/2/task_callbacks/10", "task_callback_id"),
        ("DELETE", "/tasks/2/task_callbacks/10", "task_callback_id"),
        ("GET", "/tasks/1/task_callbacks/10/extra", "path"),
        ("GET", "/nothing", "path"),
    ],
)
def test_404s_carry_an_error_body(emulator, api, method, path, attribute):
    answer = api.request(method, emulator.api_url + path, json={"type": "filter", "script": SCRIPT})
    assert answer.status_code == 404
    assert answer.json()["details"][attribute][0]["error"] == "not_found"
    assert answer.json()["messages"]
    assert len(emulator.control.state()["task_callbacks"]) == 4


def test_unknown_task_beats_invalid_body(emulator, api):
    assert create(api, emulator, task="999", body={}).status_code == 404


def test_non_integer_callback_id_is_400(emulator, api):
    answer = api.get(f"{emulator.api_url}/tasks/1/task_callbacks/abc")
    assert answer.status_code == 400
    assert "task_callback_id" in answer.json()["details"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/tasks/1/task_callbacks/10"),
        ("DELETE", "/tasks/1/task_callbacks"),
        ("POST", "/tasks"),
        ("PUT", "/tasks/1"),
        ("OPTIONS", "/tasks"),
        ("TRACE", "/tasks/1"),
    ],
)
def test_wrong_method_is_405_never_501(emulator, api, method, path):
    answer = api.request(method, emulator.api_url + path)
    assert answer.status_code == 405
    assert answer.headers["Allow"]
    assert answer.json()["messages"]


def test_head_is_405_without_a_body(emulator, api):
    answer = api.head(f"{emulator.api_url}/tasks")
    assert answer.status_code == 405
    assert answer.content == b""
    # The connection stays usable after a bodiless answer.
    assert api.get(f"{emulator.api_url}/tasks").status_code == 200


def test_ids_only_grow_and_are_never_reused(emulator, api):
    first = create(api, emulator).json()["id"]
    assert first > 13
    api.delete(f"{emulator.api_url}/tasks/1/task_callbacks/{first}")
    second = create(api, emulator).json()["id"]
    assert second > first
    # Replacing the state with lower ids does not bring old ids back.
    emulator.control.replace_state(demo_data.DEMO_FIXTURES["tasks"], [])
    assert create(api, emulator).json()["id"] > second
    # Nor does a state with higher ids get overtaken.
    emulator.control.replace_state(demo_data.DEMO_FIXTURES["tasks"], [
                                   {"id": 5000, "task_id": 2, "type": "filter", "script": "s"}])
    assert create(api, emulator).json()["id"] == 5001


def test_parallel_creates_get_distinct_ids(emulator):
    def create_many(count):
        with emulator.session() as session:
            return [create(session, emulator, task="4").json()["id"] for _attempt in range(count)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        batches = list(pool.map(create_many, [25] * 16))
    ids = [callback_id for batch in batches for callback_id in batch]
    assert len(ids) == 400
    assert len(set(ids)) == 400
    listing = emulator.session().get(f"{emulator.api_url}/tasks/4/task_callbacks", params={"limit": 1}).json()
    assert listing["count"] == 400
    state_ids = [callback["id"] for callback in emulator.control.state()["task_callbacks"] if callback["task_id"] == 4]
    assert sorted(state_ids) == sorted(ids)


def test_keep_alive_reuses_one_connection(emulator):
    parsed = urllib.parse.urlsplit(emulator.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    headers = {"Authorization": "demo-full-access-key", "Content-Type": "application/json"}
    try:
        connection.request("GET", "/api/v2/tasks/1/task_callbacks/10", headers=headers)
        first_socket = connection.sock
        for method, path, body in [
            ("GET", "/api/v2/tasks", None),
            ("POST", "/api/v2/tasks/4/task_callbacks", '{"type": "filter", "script": "s"}'),
            ("GET", "/api/v2/tasks/9/task_callbacks", None),
            ("DELETE", "/api/v2/tasks/1/task_callbacks/10", None),
            ("GET", "/api/v2/tasks/1", None),
        ]:
            answer = connection.getresponse()
            answer.read()
            assert not answer.will_close
            connection.request(method, path, body=body, headers=headers)
        assert connection.getresponse().status == 200
        assert connection.sock is first_socket
    finally:
        connection.close()


def with_language(emulator):
    """Give callback 10 the `language` of the vendor's protocol definitions, as a newer server may send it."""
    state = emulator.control.state()
    for callback in state["task_callbacks"]:
        if callback["id"] == 10:
            callback["language"] = "JAVASCRIPT"
    emulator.control.replace_state(state["tasks"], state["task_callbacks"])


def test_attributes_a_fixture_gives_a_callback_are_kept_and_survive_an_update(emulator, api):
    with_language(emulator)
    url = f"{emulator.api_url}/tasks/1/task_callbacks/10"
    assert api.get(url).json()["language"] == "JAVASCRIPT"
    listed = api.get(f"{emulator.api_url}/tasks/1/task_callbacks").json()["task_callbacks"]
    assert [callback.get("language") for callback in listed] == ["JAVASCRIPT", None]
    updated = api.put(url, json={"type": "filter", "script": SCRIPT}).json()
    assert updated == {"id": 10, "type": "filter", "script": SCRIPT, "language": "JAVASCRIPT"}
    exported = [callback for callback in emulator.control.state()["task_callbacks"] if callback["id"] == 10]
    assert exported == [{"id": 10, "task_id": 1, "type": "filter", "script": SCRIPT, "language": "JAVASCRIPT"}]
