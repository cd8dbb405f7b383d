"""What the emulator reads from openapi.json: parameter types, filters and sortable attributes.

The document beside this file is the contract; reading the rules from it keeps the
emulator's request checks in step with it.
"""

import json
import os
import re

OPENAPI_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi.json")
PAGING_PARAMETERS = ("limit", "offset", "sort_by")
INTEGER_TEXT = re.compile(r"-?[0-9]+")


class ParameterError(ValueError):
    """A parameter whose value breaks the OpenAPI document; answered with 400."""

    def __init__(self, name, value, message):
        super().__init__(message)
        self.name = name
        self.value = value
        self.message = message


def _resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


class OperationRules:
    """Parameters of one operation: {name: schema} per location."""

    def __init__(self, document, path_item, operation):
        self.parameters = {"query": {}, "path": {}}
        for parameter in path_item.get("parameters", []) + operation.get("parameters", []):
            parameter = _resolve(document, parameter)
            self.parameters.setdefault(
                parameter["in"], {})[
                parameter["name"]] = _resolve(
                document, parameter.get(
                    "schema", {}))

    def filter_names(self):
        return {name for name in self.parameters["query"] if name not in PAGING_PARAMETERS}

    def check_query(self, pairs):
        """Raise ParameterError for a query value of the wrong type (or a negative limit or offset)."""
        for name, value in pairs:
            schema = self.parameters["query"].get(name)
            if schema is not None:
                _check_value(name, value, schema)
                if name in ("limit", "offset") and int(value) < 0:
                    raise ParameterError(name, value, f"{name} must not be negative.")

    def check_path(self, name, value):
        schema = self.parameters["path"].get(name)
        if schema is not None:
            _check_value(name, value, schema)


def _check_value(name, value, schema):
    if schema.get("type") == "integer" and not INTEGER_TEXT.fullmatch(value):
        raise ParameterError(name, value, f"{name} must be an integer, not {value!r}.")


class ApiRules:
    """Rules of every operation of openapi.json, by operationId."""

    def __init__(self, path=OPENAPI_PATH):
        with open(path, encoding="utf-8") as handle:
            self.document = json.load(handle)
        self.operations = {}
        for path_item in self.document["paths"].values():
            for method, operation in path_item.items():
                if method != "parameters":
                    self.operations[operation["operationId"]] = OperationRules(self.document, path_item, operation)

    def schema(self, name):
        return self.document["components"]["schemas"][name]

    def properties(self, schema_name):
        return self.schema(schema_name).get("properties", {})

    def integer_attributes(self, schema_name):
        return {name for name, schema in self.properties(schema_name).items() if schema.get("type") == "integer"}

    def enum_of(self, schema_name, attribute):
        return self.properties(schema_name)[attribute].get("enum")
