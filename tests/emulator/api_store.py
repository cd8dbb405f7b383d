"""Tasks and task callbacks held in memory, guarded by one lock.

Callbacks are indexed per task in a dict keyed by id. Ids only grow, so insertion
order is id order: an unfiltered page in the default order is a slice of that dict,
which keeps a task with 100,000 callbacks fast to page through.

A callback of a fixture may carry attributes beyond id, type and script (such as the
`language` of the vendor's protocol definitions, which a newer server may send): the store
keeps them, shows them in every answer and export, and an update changes only the
attributes it is given, as the vendor's PUT does in practice.
"""

import copy
import itertools
import re
import threading

import list_query

DIGITS_ONLY = re.compile(r"[0-9]+")


class NotFound(LookupError):
    """A task or callback that does not exist (or not under that task)."""

    def __init__(self, attribute, value, message):
        super().__init__(message)
        self.attribute = attribute
        self.value = value
        self.message = message


class ListRequest:
    """What a list operation asks for: filters, sort keys and the page."""

    def __init__(self, filters, sort_keys, offset, limit):
        self.filters = filters
        self.sort_keys = sort_keys
        self.offset = offset
        self.limit = limit

    @property
    def is_plain(self):
        """True when the answer is a slice of the id-ordered records."""
        return not self.filters and all(
            attribute == "id" and not descending for attribute, descending in self.sort_keys)


def run_list(records, count, request):
    """Apply filters, sort and paging to records (an id-ordered iterable of count items); return (count, page)."""
    if request.is_plain:
        # islice takes no index above sys.maxsize, and an offset past the end is an empty page anyway.
        start = min(request.offset, count)
        return count, list(itertools.islice(records, start, start + min(request.limit, count)))
    matches = [record for record in records if all(condition.matches(record) for condition in request.filters)]
    ordered = list_query.sort_records(matches, request.sort_keys)
    return len(matches), ordered[request.offset:request.offset + request.limit]


def callback_view(record):
    """The callback as the API shows it: {id, type, script} and any extra attribute of its fixture, no task_id."""
    return dict(record)  # values are JSON scalars or never changed in place: a shallow copy is enough


class Store:
    """The emulator's data; every public method takes the lock."""

    def __init__(self, state):
        self._lock = threading.Lock()
        self._tasks = {}
        self._callbacks_by_task = {}
        self._task_of_callback = {}
        self._next_callback_id = 1
        self._load(state)

    def _load(self, state):
        tasks = sorted(state.get("tasks", []), key=lambda task: task["id"])
        self._tasks = {task["id"]: dict(task) for task in tasks}
        self._callbacks_by_task = {task_id: {} for task_id in self._tasks}
        self._task_of_callback = {}
        for callback in sorted(state.get("task_callbacks", []), key=lambda callback: callback["id"]):
            record = {name: copy.deepcopy(value) for name, value in callback.items() if name != "task_id"}
            self._callbacks_by_task[callback["task_id"]][callback["id"]] = record
            self._task_of_callback[callback["id"]] = callback["task_id"]
        highest = max(self._task_of_callback, default=0)
        # Never hand out an id that was used before, by the old state or the new one.
        self._next_callback_id = max(self._next_callback_id, highest + 1)

    def replace_state(self, state):
        """Replace tasks and callbacks (state already checked); ids keep growing."""
        with self._lock:
            self._load(state)

    def export_state(self):
        """Tasks and callbacks in fixture format."""
        with self._lock:
            callbacks = []
            for task_id, records in self._callbacks_by_task.items():
                callbacks.extend(dict(copy.deepcopy(record), task_id=task_id) for record in records.values())
            callbacks.sort(key=lambda callback: callback["id"])
            return {"tasks": copy.deepcopy(list(self._tasks.values())), "task_callbacks": callbacks}

    def _resolve_task_id(self, task_ref):
        """Map a decoded {task_id} to an id: digits only is an id, anything else a name (lowest id wins)."""
        if DIGITS_ONLY.fullmatch(task_ref):
            task_id = int(task_ref)
            if task_id in self._tasks:
                return task_id
        else:
            # self._tasks is in ascending id order, so the first match is the lowest id.
            for task_id, task in self._tasks.items():
                if task.get("name") == task_ref:
                    return task_id
        raise NotFound("task_id", task_ref, f"Task {task_ref!r} was not found.")

    def _callbacks_of(self, task_ref):
        return self._callbacks_by_task[self._resolve_task_id(task_ref)]

    @staticmethod
    def _callback_in(records, callback_id):
        record = records.get(callback_id)
        if record is None:
            raise NotFound("task_callback_id", callback_id, f"Task callback {callback_id} was not found in this task.")
        return record

    def show_task(self, task_ref):
        with self._lock:
            return copy.deepcopy(self._tasks[self._resolve_task_id(task_ref)])

    def list_tasks(self, request):
        with self._lock:
            count, page = run_list(self._tasks.values(), len(self._tasks), request)
            return count, copy.deepcopy(page)

    def list_callbacks(self, task_ref, request):
        with self._lock:
            records = self._callbacks_of(task_ref)
            count, page = run_list(records.values(), len(records), request)
            return count, [callback_view(record) for record in page]

    def show_callback(self, task_ref, callback_id):
        with self._lock:
            return callback_view(self._callback_in(self._callbacks_of(task_ref), callback_id))

    def create_callback(self, task_ref, attributes):
        with self._lock:
            task_id = self._resolve_task_id(task_ref)
            record = {"id": self._next_callback_id, "type": attributes["type"], "script": attributes["script"]}
            self._next_callback_id += 1
            self._callbacks_by_task[task_id][record["id"]] = record
            self._task_of_callback[record["id"]] = task_id
            return callback_view(record)

    def update_callback(self, task_ref, callback_id, attributes):
        with self._lock:
            record = self._callback_in(self._callbacks_of(task_ref), callback_id)
            record.update({name: value for name, value in attributes.items() if name in ("type", "script")})
            return callback_view(record)

    def destroy_callback(self, task_ref, callback_id):
        with self._lock:
            records = self._callbacks_of(task_ref)
            self._callback_in(records, callback_id)
            del records[callback_id]
            del self._task_of_callback[callback_id]
