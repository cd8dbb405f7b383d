"""Writes the fixtures of a migration: a source server, and a target that has the same task names under other ids.

    python fixtures.py DIR   ->  DIR/source.json, DIR/target.json

The source holds a task with two filters, two tasks that share a name, a task named with digits only, a
CRLF script and non-ASCII scripts. On the target, each task whose name is unique has another id, some of
them an id that is another task's on the source; the tasks the export names by id (a shared name, a name of
digits only) have their ids and names. The target holds callbacks of its own: one byte-identical to a source's,
one that differs only in its line endings, others to update or remove, one on a task the source does not have.
The target admits only its own API key, and the source only its user, so each run can reach only the server
whose credentials it was given.
"""

import json
import sys
from pathlib import Path

SOURCE_USERS = [{"username": "admin", "password": "nodeum-demo-password"}]
TARGET_API_KEYS = [{"key": "target-migration-key",
                    "scopes": ["tasks/index", "task_callbacks/index", "task_callbacks/create",
                               "task_callbacks/update", "task_callbacks/destroy"]}]

SMALL_FILES = "function filter(request) { return request.size < 20 * 1024; }\n"
NO_ISO = "function filter(request) { return !request.path.endsWith(\".iso\"); }\n"
WINDOWS = "// written on Windows\r\nfunction filter(request) {\r\n  return false;\r\n}\r\n"
SUMMER = ("// Fichiers d'été, 日本語, emoji 🎉\nfunction filter(request) {\n"
          "  return request.path.indexOf(\"été\") < 0;\n}\n")

# (id, name, [scripts of its filter callbacks]) on each server.
SOURCE = [
    (1, "Archive projects", ["function filter(request) {\n  return !request.path.endsWith(\".tmp\");\n}\n"]),
    (2, "Nightly backup", [SMALL_FILES, NO_ISO]),
    (3, "Archive projects", ["function filter(request) { return request.path.indexOf(\"/scratch/\") < 0; }\n"]),
    (4, "2024", ["// Archives de l'année, ÄÖÜ\nfunction filter(request) { return true; }\n"]),
    (5, "Données / été", [SUMMER]),
    (6, "Windows", [WINDOWS]),
]
TARGET = [
    (1, "Archive projects", ["function filter(request) { return false; } // the target's own\n"]),
    (2, "Restore requests", ["function filter(request) { return request.size > 1; } // the target's own\n"]),
    (3, "Archive projects", []),
    (4, "2024", []),
    (5, "Quiet task", []),
    (7, "Windows", [WINDOWS.replace("\r\n", "\n")]),
    (8, "Nightly backup", [SMALL_FILES, "function filter(request) { return request.size > 0; } // the target's own\n",
                           "function filter(request) { return true; } // the target's own\n"]),
    (9, "Données / été", []),
]


def fixtures(tasks, first_callback_id):
    """The tasks and their callbacks in the emulator's fixture format, callback ids from first_callback_id up."""
    callbacks = [dict(task_id=task_id, type="filter", script=script) for task_id, _name, scripts in tasks
                 for script in scripts]
    for callback_id, callback in enumerate(callbacks, first_callback_id):
        callback["id"] = callback_id
    return {"tasks": [{"id": task_id, "name": name} for task_id, name, _scripts in tasks], "task_callbacks": callbacks}


def main(directory):
    directory = Path(directory)
    (directory / "source.json").write_text(json.dumps(dict(fixtures(SOURCE, 10), users=SOURCE_USERS)),
                                           encoding="utf-8")
    (directory / "target.json").write_text(json.dumps(dict(fixtures(TARGET, 40), api_keys=TARGET_API_KEYS)),
                                           encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
