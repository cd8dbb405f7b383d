"""The /_emulator/ endpoints that tests use to steer the emulator (no credentials, not logged)."""

import copy

import fault_table
import fixture_loader
from nodeum_api import Answer, ApiError, error_of, parse_json_object

CONTROL_PREFIX = "/_emulator"


class ControlApi:
    """Request log, faults, state and health."""

    def __init__(self, store, faults, request_log, initial_state):
        self.store = store
        self.faults = faults
        self.request_log = request_log
        # Kept for POST /_emulator/reset: tests that share one server start each from the same data.
        self.initial_state = copy.deepcopy(initial_state)
        self.routes = {
            "/health": {"GET": self.health},
            "/requests": {"GET": self.list_requests, "DELETE": self.reset_requests},
            "/faults": {"GET": self.list_faults, "POST": self.add_fault, "DELETE": self.clear_faults},
            "/state": {"GET": self.get_state, "PUT": self.put_state},
            "/reset": {"POST": self.reset},
        }

    def answer(self, method, control_path, body):
        """Answer a request whose path (after /_emulator) is control_path."""
        methods = self.routes.get(control_path.rstrip("/") or "/")
        if methods is None:
            return error_of(404, "path", "not_found", f"No control path {CONTROL_PREFIX}{control_path}.").answer()
        action = methods.get(method)
        if action is None:
            allowed = ", ".join(sorted(methods))
            return ApiError(405, {"method": [{"error": "invalid", "value": method}]}, [f"Method {method} is not "
                                                                                       f"allowed here; use {allowed}."],
                            {"Allow": allowed}).answer()
        try:
            return action(body)
        except ApiError as error:
            return error.answer()

    @staticmethod
    def health(_body):
        # "service" names the emulator, so that a playbook can tell it from a real server before it writes (the demo
        # does).
        return Answer(200, {"status": "ok", "service": "nodeum-api-emulator"})

    def list_requests(self, _body):
        return Answer(200, {"requests": self.request_log.snapshot()})

    def reset_requests(self, _body):
        self.request_log.reset()
        return Answer(204)

    def list_faults(self, _body):
        return Answer(200, {"faults": self.faults.describe()})

    def add_fault(self, body):
        try:
            fault = self.faults.add(parse_json_object(body))
        except fault_table.FaultSpecError as error:
            raise error_of(400, error.attribute, "invalid", error.message) from error
        return Answer(201, {"fault": fault.describe()})

    def clear_faults(self, _body):
        self.faults.clear()
        return Answer(204)

    def get_state(self, _body):
        return Answer(200, self.store.export_state())

    def put_state(self, body):
        state = parse_json_object(body)
        try:
            fixture_loader.check_state(state)
        except fixture_loader.FixtureError as error:
            raise error_of(400, "state", "invalid", str(error)) from error
        self.store.replace_state(state)
        return Answer(200, self.store.export_state())

    def reset(self, _body):
        """Back to the startup tasks and callbacks (ids keep growing), no faults, an empty log."""
        self.store.replace_state(self.initial_state)
        self.faults.clear()
        self.request_log.reset()
        return Answer(204)
