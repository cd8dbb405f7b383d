"""The vendor's official client (nodeum-sdk 1.88.0) against the emulator: it must speak its dialect."""

import pytest

nodeum_sdk = pytest.importorskip("nodeum_sdk")

from conftest import ADMIN, FULL_KEY, READ_ONLY_KEY  # noqa: E402  # pylint: disable=wrong-import-position

SCRIPT = "function filter(request) {\n  return !request.copy.info.path.endsWith('.log');\n}\n"


def sdk_client(emulator, username=None, password=None, api_key=None, prefix=None):
    configuration = nodeum_sdk.Configuration(host=emulator.api_url)
    if api_key is not None:
        configuration.api_key["Authorization"] = api_key
        if prefix is not None:
            configuration.api_key_prefix["Authorization"] = prefix
    else:
        configuration.username, configuration.password = username, password
    return nodeum_sdk.ApiClient(configuration)


@pytest.fixture
def callbacks_api(emulator):
    with sdk_client(emulator, *ADMIN) as client:
        yield nodeum_sdk.TaskCallbacksApi(client)


def test_list_with_filters_sort_and_paging(emulator, callbacks_api):
    for index in range(5):
        callbacks_api.create_task_callback(
            task_id="4", task_callback_body=nodeum_sdk.TaskCallback(
                type="filter", script=f"{SCRIPT}// {index}\n"))
    everything = callbacks_api.index_task_callbacks(task_id="4")
    assert everything.count == 5
    ids = [callback.id for callback in everything.task_callbacks]
    # sort_by is a list; the client joins it with "," (not "|").
    page = callbacks_api.index_task_callbacks(task_id="4", sort_by=["type", "id:desc"], limit=2, offset=1)
    assert page.count == 5
    assert [callback.id for callback in page.task_callbacks] == sorted(ids, reverse=True)[1:3]
    assert "sort_by=type%2Cid%3Adesc" in emulator.control.requests()[-1]["query"].split("&")
    filtered = callbacks_api.index_task_callbacks(
        task_id="4", id=f"><{ids[0]}|{ids[4]}", type="filter", script="~%// 4%")
    assert [callback.id for callback in filtered.task_callbacks] == [ids[4]]


def test_task_by_name(callbacks_api):
    listing = callbacks_api.index_task_callbacks(task_id="Archive projects")
    assert [callback.id for callback in listing.task_callbacks] == [10, 11]
    assert all(callback.type == "filter" for callback in listing.task_callbacks)


def test_show_create_update_delete(emulator, callbacks_api):
    created = callbacks_api.create_task_callback(
        task_id="5", task_callback_body=nodeum_sdk.TaskCallback(
            type="filter", script=SCRIPT))
    assert created.id > 13 and created.script == SCRIPT
    shown = callbacks_api.show_task_callback(task_id="5", task_callback_id=created.id)
    assert shown.to_dict() == {"id": created.id, "type": "filter", "script": SCRIPT}
    # The client sends only the attributes that are set: a partial update.
    updated = callbacks_api.update_task_callback(task_id="5", task_callback_id=created.id,
                                                 task_callback_body=nodeum_sdk.TaskCallback(script="function filter(r) "
                                                                                                   "{ return false; }"))
    assert updated.to_dict() == {"id": created.id, "type": "filter", "script": "function filter(r) { return false; }"}
    assert emulator.control.requests()[-1] == {
        "method": "PUT",
        "path": f"/api/v2/tasks/5/task_callbacks/{created.id}",
        "query": "",
        "status": 200,
        "caller": "user:admin",
    }
    assert callbacks_api.destroy_task_callback(task_id="5", task_callback_id=created.id) is None
    with pytest.raises(nodeum_sdk.ApiException) as raised:
        callbacks_api.show_task_callback(task_id="5", task_callback_id=created.id)
    assert raised.value.status == 404


def test_validation_error_reaches_the_client(callbacks_api):
    with pytest.raises(nodeum_sdk.ApiException) as raised:
        callbacks_api.create_task_callback(
            task_id="1", task_callback_body=nodeum_sdk.TaskCallback(
                type="filter", script="   "))
    assert raised.value.status == 422
    assert "Script can't be blank" in str(raised.value.body)


@pytest.mark.parametrize("prefix", [None, "Bearer"])
def test_api_key_auth_raw_and_with_prefix(emulator, prefix):
    with sdk_client(emulator, api_key=FULL_KEY, prefix=prefix) as client:
        body = nodeum_sdk.TaskCallback(type="filter", script=SCRIPT)
        created = nodeum_sdk.TaskCallbacksApi(client).create_task_callback(task_id="2", task_callback_body=body)
        assert created.id > 13
    with sdk_client(emulator, api_key=READ_ONLY_KEY, prefix=prefix) as client:
        api = nodeum_sdk.TaskCallbacksApi(client)
        assert api.index_task_callbacks(task_id="2").count == 2
        with pytest.raises(nodeum_sdk.ApiException) as raised:
            api.destroy_task_callback(task_id="2", task_callback_id=12)
        assert raised.value.status == 403


def test_tasks_api(emulator):
    with sdk_client(emulator, *ADMIN) as client:
        tasks_api = nodeum_sdk.TasksApi(client)
        named = tasks_api.index_tasks(name="Archive projects", sort_by=["id:desc"])
        assert named.count == 2
        assert [task.id for task in named.tasks] == [3, 1]
        assert tasks_api.show_task(task_id="Nightly backup").id == 2


def test_wrong_password_is_401(emulator):
    with sdk_client(emulator, "admin", "wrong") as client:
        with pytest.raises(nodeum_sdk.ApiException) as raised:
            nodeum_sdk.TaskCallbacksApi(client).index_task_callbacks(task_id="1")
    assert raised.value.status == 401
