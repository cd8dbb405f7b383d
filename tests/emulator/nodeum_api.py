"""The /api/v2 operations: authentication, routing, checks, and the store calls.

NodeumApi.answer() is independent of HTTP transport: it takes the request parts and
returns an Answer, which the HTTP handler writes (or drops, when a fault says so).
Checks run in this order: credentials (401), path (404) and method (405), scope (403),
parameters (400), body syntax (400), the task and callback (404), body content (422).
"""

import json
import urllib.parse

import api_store
import list_query
import openapi_rules

API_PREFIX = "/api/v2"


class Answer:
    """Status, JSON payload (None for no body), extra headers and, for injected faults, a raw body of any content
    type."""

    def __init__(self, status, payload=None, headers=None, raw_body=None, content_type="application/json"):
        self.status = status
        self.payload = payload
        self.headers = headers or {}
        self.raw_body = raw_body
        self.content_type = content_type


class ApiError(Exception):
    """A failure answered with the error schema: {details: {attr: [{error: code}]}, messages: [...]}."""

    def __init__(self, status, details, messages, headers=None):
        super().__init__(messages[0] if messages else str(status))
        self.status = status
        self.details = details
        self.messages = messages
        self.headers = headers or {}

    def answer(self):
        return Answer(self.status, {"details": self.details, "messages": self.messages}, self.headers)


def error_of(status, attribute, code, message, value=None):
    """An ApiError about one attribute."""
    detail = {"error": code}
    if value is not None:
        detail["value"] = value
    return ApiError(status, {attribute: [detail]}, [message])


class Route:
    """A known path: its kind, the methods it allows, and its decoded path parameters."""

    def __init__(self, kind, parameters):
        self.kind = kind
        self.parameters = parameters

    @property
    def allowed_methods(self):
        return sorted(method for kind, method in OPERATIONS if kind == self.kind)


# (route kind, method) -> (operationId, API key scope)
OPERATIONS = {
    ("tasks", "GET"): ("index_tasks", "tasks/index"),
    ("task", "GET"): ("show_task", "tasks/show"),
    ("callbacks", "GET"): ("index_task_callbacks", "task_callbacks/index"),
    ("callbacks", "POST"): ("create_task_callback", "task_callbacks/create"),
    ("callback", "GET"): ("show_task_callback", "task_callbacks/show"),
    ("callback", "PUT"): ("update_task_callback", "task_callbacks/update"),
    ("callback", "DELETE"): ("destroy_task_callback", "task_callbacks/destroy"),
}


def match_route(api_path):
    """Return the Route of a path below /api/v2 (still percent-encoded), or None."""
    segments = api_path.split("/")
    if segments[0] != "" or len(segments) < 2 or segments[1] != "tasks":
        return None
    # Decoding after the split keeps an encoded "/" inside a task name.
    decoded = [urllib.parse.unquote(segment) for segment in segments[2:]]
    if len(decoded) == 0:
        return Route("tasks", {})
    if len(decoded) == 1:
        return Route("task", {"task_id": decoded[0]})
    if decoded[1] != "task_callbacks" or len(decoded) > 3:
        return None
    if len(decoded) == 2:
        return Route("callbacks", {"task_id": decoded[0]})
    return Route("callback", {"task_id": decoded[0], "task_callback_id": decoded[2]})


def parse_json_object(body):
    """Decode a request body that must be one JSON object; raise a 400 ApiError otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise error_of(400, "body", "invalid", f"The request body is not valid JSON: {error}.") from error
    if not isinstance(data, dict):
        raise error_of(400, "body", "invalid", "The request body must be a JSON object.")
    return data


class CallbackValidator:
    """Rails-like validation of the type and script a client sends."""

    def __init__(self, allowed_types):
        self.allowed_types = allowed_types

    def validate(self, body, partial):
        """Return the attributes to store; raise a 422 ApiError listing every problem."""
        details, messages, attributes = {}, [], {}
        for name, check in (("type", self._check_type), ("script", self._check_script)):
            if name not in body:
                if not partial:
                    details[name] = [{"error": "blank"}]
                    messages.append(f"{name.capitalize()} can't be blank")
                continue
            problem = check(body[name])
            if problem is None:
                attributes[name] = body[name]
            else:
                details[name] = [problem[0]]
                messages.append(problem[1])
        if details:
            raise ApiError(422, details, messages)
        return attributes

    def _check_type(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return {"error": "blank"}, "Type can't be blank"
        if value not in self.allowed_types:
            return {"error": "inclusion", "value": value}, "Type is not included in the list"
        return None

    @staticmethod
    def _check_script(value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return {"error": "blank"}, "Script can't be blank"
        if not isinstance(value, str):
            return {"error": "invalid", "value": value}, "Script must be a string"
        return None


class NodeumApi:
    """Answers /api/v2 requests from the store."""

    def __init__(self, store, credentials, page_cap, rules=None):
        self.store = store
        self.credentials = credentials
        self.page_cap = page_cap
        self.rules = rules or openapi_rules.ApiRules()
        self.validator = CallbackValidator(self.rules.enum_of("task_callback", "type") or ["filter"])
        self.list_settings = {
            "index_tasks": self._list_settings("index_tasks", "task"),
            "index_task_callbacks": self._list_settings("index_task_callbacks", "task_callback"),
        }

    def _list_settings(self, operation_id, item_schema):
        filterable = self.rules.operations[operation_id].filter_names()
        sortable = set(self.rules.properties(item_schema))
        return filterable, sortable, self.rules.integer_attributes(item_schema)

    def answer(self, method, api_path, query, authorization, body):
        """Answer one request; api_path is the path after /api/v2, as sent."""
        try:
            return self._answer(method, api_path, query, authorization, body)
        except ApiError as error:
            return error.answer()
        except api_store.NotFound as missing:
            return error_of(404, missing.attribute, "not_found", missing.message, missing.value).answer()

    def _answer(self, method, api_path, query, authorization, body):
        caller = self.credentials.identify(authorization)
        if caller is None:
            raise ApiError(401, {"authorization": [{"error": "invalid"}]}, ["Missing or invalid credentials: use "
                                                                            "Basic, an API key or a bearer token."],
                           {"WWW-Authenticate": 'Basic realm="Nodeum API"'})
        route = match_route(api_path)
        if route is None:
            raise error_of(404, "path", "not_found", f"No API path {API_PREFIX}{api_path}.")
        if (route.kind, method) not in OPERATIONS:
            allowed = ", ".join(route.allowed_methods)
            raise ApiError(405, {"method": [{"error": "invalid", "value": method}]}, [f"Method {method} is not allowed "
                                                                                      f"here; use {allowed}."],
                           {"Allow": allowed})
        operation_id, scope = OPERATIONS[(route.kind, method)]
        if not caller.may(scope):
            raise error_of(403, "scope", "forbidden", f"API key lacks the scope {scope}")
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        self._check_parameters(operation_id, route, pairs)
        return getattr(self, operation_id)(route, pairs, body)

    def _check_parameters(self, operation_id, route, pairs):
        rules = self.rules.operations[operation_id]
        try:
            for name, value in route.parameters.items():
                rules.check_path(name, value)
            rules.check_query(pairs)
        except openapi_rules.ParameterError as error:
            raise error_of(400, error.name, "invalid", error.message, error.value) from error

    def _list_request(self, operation_id, pairs):
        filterable, sortable, numeric = self.list_settings[operation_id]
        values = dict(pairs)
        try:
            filters = list_query.parse_filters(pairs, filterable, numeric)
            sort_keys = list_query.parse_sort_by(values.get("sort_by", ""), sortable)
        except list_query.QueryError as error:
            raise error_of(400, error.attribute, "invalid", error.message, error.value) from error
        limit = int(values.get("limit", self.page_cap))
        # The server caps every page: a client must page on until it holds `count` items.
        return api_store.ListRequest(filters, sort_keys, int(values.get("offset", 0)), min(limit, self.page_cap))

    @staticmethod
    def _callback_id(route):
        return int(route.parameters["task_callback_id"])

    def index_tasks(self, _route, pairs, _body):
        count, tasks = self.store.list_tasks(self._list_request("index_tasks", pairs))
        return Answer(200, {"count": count, "tasks": tasks})

    def show_task(self, route, _pairs, _body):
        return Answer(200, self.store.show_task(route.parameters["task_id"]))

    def index_task_callbacks(self, route, pairs, _body):
        count, callbacks = self.store.list_callbacks(
            route.parameters["task_id"], self._list_request(
                "index_task_callbacks", pairs))
        return Answer(200, {"count": count, "task_callbacks": callbacks})

    def create_task_callback(self, route, _pairs, body):
        data = parse_json_object(body)
        # An unknown task is reported before the body's content, as Rails finds the parent first.
        self.store.show_task(route.parameters["task_id"])
        attributes = self.validator.validate(data, partial=False)
        return Answer(201, self.store.create_callback(route.parameters["task_id"], attributes))

    def show_task_callback(self, route, _pairs, _body):
        return Answer(200, self.store.show_callback(route.parameters["task_id"], self._callback_id(route)))

    def update_task_callback(self, route, _pairs, body):
        data = parse_json_object(body)
        self.store.show_callback(route.parameters["task_id"], self._callback_id(route))
        attributes = self.validator.validate(data, partial=True)
        return Answer(200, self.store.update_callback(
            route.parameters["task_id"], self._callback_id(route), attributes))

    def destroy_task_callback(self, route, _pairs, _body):
        self.store.destroy_callback(route.parameters["task_id"], self._callback_id(route))
        return Answer(204)
