"""Read and check a fixtures file (JSON always, YAML when PyYAML is importable)."""

import json
import os


class FixtureError(ValueError):
    """A fixtures file or a state document that the emulator cannot use."""


def load_fixtures_file(path):
    """Return the fixtures held in path, checked; raise FixtureError with one sentence otherwise."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise FixtureError(f"Cannot read the fixtures file {path}: {error.strerror}.") from error
    data = _parse_fixtures_text(path, text)
    check_credentials(data)
    check_state(data)
    return data


def _parse_fixtures_text(path, text):
    if os.path.splitext(path)[1].lower() in (".yml", ".yaml"):
        return _parse_yaml(path, text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if path.lower().endswith(".json"):
            raise FixtureError(f"The fixtures file {path} is not valid JSON: {error}.") from error
    # A file named neither .json nor .yml may still be YAML.
    return _parse_yaml(path, text)


def _parse_yaml(path, text):
    try:
        # optional: the emulator runs on the standard library alone
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        raise FixtureError(
            f"The fixtures file {path} is YAML but PyYAML is not installed: install PyYAML or use a JSON fixtures file."
        ) from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FixtureError(f"The fixtures file {path} is not valid YAML: {error}.") from error


def _require_list(data, key):
    value = data.get(key, [])
    if not isinstance(value, list):
        raise FixtureError(f"'{key}' must be a list.")
    return value


def _is_int(value):
    # bool is an int subclass in Python, but true is no id.
    return isinstance(value, int) and not isinstance(value, bool)


def check_credentials(data):
    """Check users, api_keys and tokens of a fixtures document."""
    if not isinstance(data, dict):
        raise FixtureError("The fixtures must be a mapping with users, api_keys, tokens, tasks and task_callbacks.")
    for user in _require_list(data, "users"):
        if not isinstance(user, dict) or not isinstance(user.get("username"),
                                                        str) or not isinstance(user.get("password"), str):
            raise FixtureError("Each user needs a string username and a string password.")
    for api_key in _require_list(data, "api_keys"):
        if not isinstance(api_key, dict) or not isinstance(api_key.get("key"), str):
            raise FixtureError("Each API key needs a string key.")
        scopes = api_key.get("scopes", [])
        if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
            raise FixtureError(f"The scopes of API key {api_key['key']!r} must be a list of strings.")
    for token in _require_list(data, "tokens"):
        if not isinstance(token, str):
            raise FixtureError("Each token must be a string.")


def check_state(data):
    """Check the tasks and task_callbacks of a fixtures or state document."""
    if not isinstance(data, dict):
        raise FixtureError("The state must be an object with tasks and task_callbacks.")
    task_ids = set()
    for task in _require_list(data, "tasks"):
        if not isinstance(task, dict) or not _is_int(task.get("id")) or not isinstance(task.get("name"), str):
            raise FixtureError("Each task needs an integer id and a string name.")
        if task["id"] in task_ids:
            raise FixtureError(f"Task id {task['id']} appears twice.")
        task_ids.add(task["id"])
    callback_ids = set()
    for callback in _require_list(data, "task_callbacks"):
        _check_callback(callback, task_ids)
        if callback["id"] in callback_ids:
            raise FixtureError(f"Task callback id {callback['id']} appears twice.")
        callback_ids.add(callback["id"])


def _check_callback(callback, task_ids):
    if not isinstance(callback, dict) or not _is_int(callback.get("id")):
        raise FixtureError("Each task callback needs an integer id.")
    if callback.get("task_id") not in task_ids:
        raise FixtureError(
            f"Task callback {callback['id']} names task_id {callback.get('task_id')!r}, which is not among the tasks.")
    if not isinstance(callback.get("type"), str) or not isinstance(callback.get("script"), str):
        raise FixtureError(f"Task callback {callback['id']} needs a string type and a string script.")
