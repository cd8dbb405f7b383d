"""Faults injected through POST /_emulator/faults, and the request log.

Faults are matched and consumed in the order they were added; each one serves
`times` matching /api/v2 requests and then disappears.
"""

import re
import threading

EFFECTS = ("status", "delay", "drop")
DROP_MOMENTS = ("before", "after")


class FaultSpecError(ValueError):
    """A fault description the emulator cannot use; answered with 400."""

    def __init__(self, attribute, message):
        super().__init__(message)
        self.attribute = attribute
        self.message = message


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class Fault:
    """One injected fault: what it matches, what it does, how many more times."""

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise FaultSpecError("fault", "A fault must be a JSON object.")
        self.method = self._method(spec.get("method"))
        self.path_text = spec.get("path")
        self.path = self._path(self.path_text)
        self.times = spec.get("times", 1)
        if not _is_int(self.times) or self.times < 1:
            raise FaultSpecError("times", "times must be an integer of at least 1.")
        effects = [name for name in EFFECTS if name in spec]
        if len(effects) != 1:
            raise FaultSpecError("fault", "A fault needs exactly one effect among status, delay and drop.")
        self.effect = effects[0]
        self.value = spec[self.effect]
        self.retry_after = spec.get("retry_after")
        self.body = spec.get("body")
        self.content_type = spec.get("content_type", "text/html")
        self._check_effect()

    @staticmethod
    def _method(method):
        if method is None:
            return None
        if not isinstance(method, str) or not method:
            raise FaultSpecError("method", "method must be an HTTP method name.")
        return method.upper()

    @staticmethod
    def _path(path):
        if path is None:
            return None
        if not isinstance(path, str):
            raise FaultSpecError("path", "path must be a regular expression.")
        try:
            return re.compile(path)
        except re.error as error:
            raise FaultSpecError("path", f"path is not a valid regular expression: {error}.") from error

    def _check_effect(self):
        if self.effect == "status" and (not _is_int(self.value) or not 100 <= self.value <= 599):
            raise FaultSpecError("status", "status must be an HTTP status code between 100 and 599.")
        if self.effect == "delay" and (not _is_number(self.value) or self.value < 0):
            raise FaultSpecError("delay", "delay must be a number of seconds, 0 or more.")
        if self.effect == "drop" and self.value not in DROP_MOMENTS:
            raise FaultSpecError("drop", "drop must be 'before' or 'after'.")
        if self.retry_after is not None and (not _is_number(self.retry_after) or self.retry_after < 0):
            raise FaultSpecError("retry_after", "retry_after must be a number of seconds, 0 or more.")
        if self.body is not None and not isinstance(self.body, str):
            raise FaultSpecError("body", "body must be a string (the raw answer).")
        if not isinstance(self.content_type, str):
            raise FaultSpecError("content_type", "content_type must be a string.")

    def matches(self, method, path):
        return (self.method is None or self.method == method) and (
            self.path is None or self.path.search(path) is not None)

    def describe(self):
        """The fault as GET /_emulator/faults shows it."""
        description = {"method": self.method, "path": self.path_text, "times": self.times, self.effect: self.value}
        if self.effect == "status":
            description.update(retry_after=self.retry_after, body=self.body, content_type=self.content_type)
        return description


class FaultTable:
    """Pending faults, in the order they were added."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, spec):
        fault = Fault(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults.clear()

    def describe(self):
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def take(self, method, path):
        """Consume one use of the first fault matching the request; None when none matches."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None


class RequestLog:
    """Every /api/v2 request since the last reset, in arrival order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []

    def record(self, method, path, query, caller=None):
        """Log an arriving request and return its entry; its status is filled in when answered.

        caller is the label of the credential the request proved (credentials.Caller.label), or
        None; the credential itself is never logged.
        """
        entry = {"method": method, "path": path, "query": query, "status": None, "caller": caller}
        with self._lock:
            self._entries.append(entry)
        return entry

    def set_status(self, entry, status):
        with self._lock:
            entry["status"] = status

    def snapshot(self):
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def reset(self):
        with self._lock:
            self._entries = []
