"""Writes the fixtures of the round trip: a server with callbacks on many tasks, and the same tasks without callbacks.

    python fixtures.py DIR   ->  DIR/full.json, DIR/empty.json

The scripts are the hard cases of an export: Unicode, CRLF line endings, Jinja markers, no final
line break, trailing blank lines, and one script of 1 MiB. The tasks include two that share a name
(one of them has no callback, so only a look-up over every task of the server can tell), a name of
digits only, a name with a slash and accents, and names that hold Jinja, YAML tags and YAML specials.
odd.json adds callbacks the export must leave out with a warning: a blank script, one that cannot be
written as UTF-8 (a lone surrogate) and one of a type the collection does not manage.
"""

import json
import sys
from pathlib import Path

USERS = [{"username": "admin", "password": "nodeum-demo-password"}]
TASKS = [
    {"id": 1, "name": "Archive projects"},
    {"id": 2, "name": "Nightly backup"},
    {"id": 3, "name": "Archive projects"},
    {"id": 4, "name": "Données / été"},
    {"id": 5, "name": "2024"},
    {"id": 6, "name": "CRLF scripts"},
    {"id": 7, "name": "Templates in JavaScript"},
    {"id": 8, "name": "No final line break"},
    {"id": 9, "name": "Large script"},
    {"id": 10, "name": "Trailing blank lines"},
    {"id": 11, "name": "Quiet task"},
    {"id": 12, "name": "Restore requests"},
    # Names a hostile or careless server may hold: the export must never let Ansible evaluate them,
    # and apply.yml must find each task by exactly this name.
    {"id": 13, "name": "{{ lookup('pipe', 'touch pwned') }}"},
    {"id": 14, "name": "{% raw %}x{% endraw %}"},
    {"id": 15, "name": "!unsafe {{ 7 * 7 }}"},
    {"id": 16, "name": "true"},
    {"id": 17, "name": "key: value # not a comment"},
    {"id": 18, "name": "- null\n{# a comment #}\u2028 end"},
    {"id": 19, "name": "1.5e3"},
]
ONE_MIB = 1024 * 1024


def large_script():
    line = "  if (request.path === \"/data/é/{{ x }}\") { return false; }\n"
    body = "function filter(request) {\n" + line * (ONE_MIB // len(line.encode("utf-8")))
    body += " " * (ONE_MIB - len(body.encode("utf-8")) - len("}\n")) + "}\n"
    assert len(body.encode("utf-8")) == ONE_MIB
    return body


SCRIPTS = {
    1: "function filter(request) {\n  return !request.path.endsWith(\".tmp\");\n}\n",
    2: "function filter(request) { return request.size < 20 * 1024; }\n",
    4: "// Fichiers d'été, 日本語, emoji 🎉\nfunction filter(request) {\n  return request.path.indexOf(\"été\") < 0;\n}\n",
    5: "function filter(request) { return true; }\n",
    6: "// written on Windows\r\nfunction filter(request) {\r\n  return false;\r\n}\r\n",
    7: "// {{ not_a_variable }} and {% raw %} are JavaScript text here\nvar t = \"{{\" + \"}}\";\n"
    "function filter(request) { return t.length === 4; }\n",
    8: "function filter(request) { return true; }",
    9: large_script(),
    10: "function filter(request) { return true; }\n\n\n  \n",
    12: "function filter(request) {\n\treturn request.size > 0;\n}\n",
    13: "function filter(request) { return true; }\n",
    14: "function filter(request) { return false; }\n",
    15: "function filter(request) { return 1; }\n",
    16: "function filter(request) { return 2; }\n",
    17: "function filter(request) { return 3; }\n",
    18: "function filter(request) { return 4; }\n",
    19: "function filter(request) { return 5; }\n",
}


def main(directory):
    directory = Path(directory)
    callbacks = [{"id": 100 + task_id, "task_id": task_id, "type": "filter", "script": script}
                 for task_id, script in sorted(SCRIPTS.items())]
    (directory / "full.json").write_text(json.dumps({"users": USERS,
                                                     "tasks": TASKS, "task_callbacks": callbacks}), encoding="utf-8")
    (directory / "empty.json").write_text(json.dumps({"users": USERS,
                                                      "tasks": TASKS, "task_callbacks": []}), encoding="utf-8")
    odd = [
        {"id": 201, "task_id": 11, "type": "filter", "script": "  \n"},
        {"id": 202, "task_id": 12, "type": "filter", "script": "x\udcff"},
        {"id": 203, "task_id": 10, "type": "hook", "script": "x"},
    ]
    (directory / "odd.json").write_text(
        json.dumps({"users": USERS, "tasks": TASKS, "task_callbacks": callbacks[:2] + odd}), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1])
