"""Checks of the round trip, against the fixtures of fixtures.py and the emulator's control endpoints.

    python verify.py export DIR FIXTURES        the export directory DIR holds every callback of FIXTURES
    python verify.py same-scripts URL FIXTURES  the server at URL holds, per task, the scripts of FIXTURES
    python verify.py writes URL METHOD...       the request log since its last reset holds exactly these writes

Each prints one line and exits 0, or prints what differs and exits 1.
"""

import json
import re
import sys
import urllib.request
from pathlib import Path

import yaml

# callbacks.yml marks with !unsafe the names Ansible must not template; here they are plain strings.
yaml.SafeLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))

SAFE_NAME = re.compile(r"^task[0-9]+-[A-Za-z0-9_]+-[0-9]+\.js$")


def fixtures(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def expected_task_reference(task, tasks):
    """By name where exactly one task of the server has it and it is not digits only, else by id."""
    same_name = [other for other in tasks if other["name"] == task["name"]]
    return task["name"] if len(same_name) == 1 and not task["name"].isdigit() else str(task["id"])


def check_export(directory, fixtures_path):
    data = fixtures(fixtures_path)
    directory = Path(directory)
    tasks = dict((task["id"], task) for task in data["tasks"])
    problems = []
    exported = yaml.safe_load((directory / "callbacks.yml").read_text(encoding="utf-8"))["nodeum_task_callbacks"]
    files = sorted(path.name for path in (directory / "files").iterdir())
    expected_files = sorted(
        "task%d-filter-%d.js" %
        (callback["task_id"],
         callback["id"]) for callback in data["task_callbacks"])
    if files != expected_files:
        problems.append("files/ holds %s, expected %s" % (files, expected_files))
    problems += ["%s is not a safe file name" % name for name in files if not SAFE_NAME.match(name)]
    expected_items = [
        {
            "task": expected_task_reference(tasks[callback["task_id"]], data["tasks"]),
            "type": "filter",
            "script_file": "task%d-filter-%d.js" % (callback["task_id"], callback["id"]),
        }
        for callback in sorted(data["task_callbacks"], key=lambda callback: (callback["task_id"], callback["id"]))
    ]
    if exported != expected_items:
        problems.append("callbacks.yml holds %s, expected %s" % (exported, expected_items))
    for callback in data["task_callbacks"]:
        path = directory / "files" / ("task%d-filter-%d.js" % (callback["task_id"], callback["id"]))
        if path.exists() and path.read_bytes() != callback["script"].encode("utf-8"):
            problems.append("%s differs from the script of callback %d" % (path.name, callback["id"]))
    if "roles:" not in (directory / "apply.yml").read_text(encoding="utf-8"):
        problems.append("apply.yml does not apply the role")
    return problems, "export: %d files byte for byte, %d items" % (len(files), len(exported))


def read(url):
    with urllib.request.urlopen(url) as answer:
        return json.loads(answer.read().decode("utf-8"))


def scripts_by_task(callbacks):
    found = {}
    for callback in sorted(callbacks, key=lambda callback: callback["id"]):
        found.setdefault(callback["task_id"], []).append(callback["script"])
    return found


def check_same_scripts(url, fixtures_path):
    expected = scripts_by_task(fixtures(fixtures_path)["task_callbacks"])
    actual = scripts_by_task(read(url + "/_emulator/state")["task_callbacks"])
    problems = ["task %s holds %s, expected %s" % (task_id, [len(script) for script in actual.get(task_id, [])],
                                                   [len(script) for script in expected.get(task_id, [])])
                for task_id in sorted(set(expected) | set(actual)) if actual.get(task_id) != expected.get(task_id)]
    return problems, "server: the scripts of %d tasks, byte for byte" % len(expected)


def check_writes(url, methods):
    writes = [entry["method"] + " " + entry["path"]
              for entry in read(url + "/_emulator/requests")["requests"] if entry["method"] != "GET"]
    problems = [] if [
        write.split(" ")[0] for write in writes] == methods else [
        "writes %s, expected %s" %
        (writes, methods)]
    return problems, "writes: %s" % (writes or "none")


def main(argv):
    command, target, rest = argv[1], argv[2], argv[3:]
    if command == "export":
        problems, summary = check_export(target, rest[0])
    elif command == "same-scripts":
        problems, summary = check_same_scripts(target, rest[0])
    else:
        problems, summary = check_writes(target, rest)
    for problem in problems:
        print("role_export: " + problem, file=sys.stderr)
    print(summary if not problems else "role_export: %s check failed" % command)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
