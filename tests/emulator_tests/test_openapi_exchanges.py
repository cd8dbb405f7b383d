"""Requests and answers of many exchanges, validated with openapi-core against tests/emulator/openapi.json."""

import copy
import json
import os

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import OAS30ReadValidator

from conftest import EMULATOR_DIR, READ_ONLY_KEY

SCRIPT = "function filter(request) {\n  return true;\n}\n"


@pytest.fixture(scope="module")
def openapi_document():
    with open(os.path.join(EMULATOR_DIR, "openapi.json"), encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
# pytest injects fixtures by name
def openapi(emulator_server, openapi_document):  # pylint: disable=redefined-outer-name
    document = copy.deepcopy(openapi_document)
    # The document's server is "{url}/api/v2"; point it at this emulator so paths resolve.
    document["servers"] = [{"url": emulator_server.api_url}]
    return OpenAPI.from_dict(document)


def exchange(openapi, session, method, url, validate_request=True, **kwargs):
    """Send one request, validate the request (when it is meant to be valid) and the answer; return the answer."""
    prepared = session.prepare_request(requests.Request(method, url, **kwargs))
    answer = session.send(prepared, timeout=30)
    if validate_request:
        openapi.validate_request(RequestsOpenAPIRequest(prepared))
    openapi.validate_response(RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(answer))
    return answer


# (method, path, keyword arguments, expected status): requests that are valid for the document.
VALID_EXCHANGES = [
    ("GET", "/tasks", {}, 200),
    ("GET", "/tasks", {"params": {"name": "Archive projects", "limit": 1, "offset": 1, "sort_by": "id:desc"}}, 200),
    ("GET", "/tasks/1", {}, 200),
    ("GET", "/tasks/Nightly%20backup", {}, 200),
    ("GET", "/tasks/1/task_callbacks", {}, 200),
    ("GET", "/tasks/1/task_callbacks", {"params": {"id": ">10",
     "type": "filter", "script": "~%tmp%", "limit": 5, "offset": 0}}, 200),
    ("GET", "/tasks/1/task_callbacks", {"params": {"sort_by": "type|id:desc"}}, 200),
    ("GET", "/tasks/4/task_callbacks", {}, 200),
    ("GET", "/tasks/1/task_callbacks/10", {}, 200),
    ("POST", "/tasks/1/task_callbacks", {"json": {"type": "filter", "script": SCRIPT}}, 201),
    ("POST", "/tasks/Archive%20projects/task_callbacks", {"json": {"type": "filter", "script": SCRIPT}}, 201),
    ("POST", "/tasks/1/task_callbacks", {"json": {"type": "filter", "script": "  "}}, 422),
    ("POST", "/tasks/1/task_callbacks", {"json": {"script": SCRIPT}}, 422),
    ("PUT", "/tasks/1/task_callbacks/10", {"json": {"type": "filter", "script": SCRIPT}}, 200),
    ("PUT", "/tasks/1/task_callbacks/11", {"json": {"script": "function filter(r) { return false; }"}}, 200),
    ("PUT", "/tasks/1/task_callbacks/11", {"json": {"script": ""}}, 422),
    ("DELETE", "/tasks/3/task_callbacks/13", {}, 204),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), VALID_EXCHANGES)
def test_valid_exchanges_conform(emulator, api, openapi, method, path, kwargs, status):
    answer = exchange(openapi, api, method, emulator.api_url + path, **kwargs)
    assert answer.status_code == status, answer.text


# Requests that the document itself rejects, or errors outside the documented statuses:
# only the answers are checked, against the error schema.
ERROR_EXCHANGES = [
    ("GET", "/tasks/999", {}, 404, None),
    ("GET", "/tasks/2/task_callbacks/10", {}, 404, None),
    ("GET", "/tasks/1/task_callbacks", {"params": {"limit": "abc"}}, 400, None),
    ("GET", "/tasks/1/task_callbacks", {"params": {"id": ">abc"}}, 400, None),
    ("GET", "/tasks/1/task_callbacks", {"params": {"sort_by": "colour"}}, 400, None),
    ("GET", "/tasks/1/task_callbacks/abc", {}, 400, None),
    ("POST", "/tasks/1/task_callbacks", {"data": "{oops", "headers": {"Content-Type": "application/json"}}, 400, None),
    ("POST", "/tasks/1/task_callbacks", {"json": {"type": "hook", "script": SCRIPT}}, 422, None),
    ("POST", "/tasks/1/task_callbacks", {"json": {"type": "filter", "script": SCRIPT}}, 403, READ_ONLY_KEY),
    ("GET", "/tasks", {}, 401, "bad-key"),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "authorization"), ERROR_EXCHANGES)
def test_error_answers_follow_the_error_schema(emulator, openapi_document, method, path, kwargs, status, authorization):
    session = emulator.session(authorization=authorization)
    prepared = session.prepare_request(requests.Request(method, emulator.api_url + path, **kwargs))
    answer = session.send(prepared, timeout=30)
    assert answer.status_code == status
    # The root holds the components, so the schema's $refs resolve within it.
    OAS30ReadValidator({"$ref": "#/components/schemas/error",
                        "components": openapi_document["components"]}).validate(answer.json())
    assert answer.json()["messages"] and all(isinstance(message, str) for message in answer.json()["messages"])
    for attribute_errors in answer.json()["details"].values():
        assert all("error" in item for item in attribute_errors)


def test_documented_422_is_validated_as_such(emulator, api, openapi):
    answer = exchange(openapi, api, "PUT", f"{emulator.api_url}/tasks/1/task_callbacks/10", json={"script": " \n "})
    assert answer.status_code == 422
    assert answer.json() == {"details": {"script": [{"error": "blank"}]}, "messages": ["Script can't be blank"]}


def test_answers_with_an_attribute_the_reference_does_not_show_conform(emulator, api, openapi):
    """A callback with the protocol's `language` (kept by the emulator) still answers within the document."""
    state = emulator.control.state()
    for callback in state["task_callbacks"]:
        callback["language"] = "PYTHON" if callback["id"] == 11 else "JAVASCRIPT"
    emulator.control.replace_state(state["tasks"], state["task_callbacks"])
    listed = exchange(openapi, api, "GET", f"{emulator.api_url}/tasks/1/task_callbacks")
    assert [callback["language"] for callback in listed.json()["task_callbacks"]] == ["JAVASCRIPT", "PYTHON"]
    shown = exchange(openapi, api, "PUT", f"{emulator.api_url}/tasks/1/task_callbacks/11", json={"script": SCRIPT})
    assert shown.json()["language"] == "PYTHON"


def test_a_wrong_answer_would_be_caught(emulator, api, openapi):
    """Proof that the validation bites: an answer that breaks the schema fails it."""
    prepared = api.prepare_request(requests.Request("GET", f"{emulator.api_url}/tasks/1/task_callbacks/10"))
    answer = api.send(prepared, timeout=30)
    answer._content = json.dumps({"id": "ten", "type": "hook"}).encode(
    )  # pylint: disable=protected-access  # forge a broken answer
    with pytest.raises(OpenAPIError):
        openapi.validate_response(RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(answer))
