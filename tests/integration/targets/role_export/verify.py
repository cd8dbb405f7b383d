"""Checks of the round trip, against the fixtures of fixtures.py and the emulator's control endpoints.

    python verify.py export DIR FIXTURES        the export directory DIR holds every callback of FIXTURES
    python verify.py same-scripts URL FIXTURES  the server at URL holds, per task, the scripts of FIXTURES
    python verify.py writes URL METHOD...       the request log since its last reset holds exactly these writes

Each prints one line and exits 0, or prints what differs and exits 1.
"""

import json
import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "setup_emulator"))
from emulator_checks import check_writes, read, report  # noqa: E402  pylint: disable=wrong-import-position

# callbacks.yml marks with !unsafe the names Ansible must not template; here they are plain strings.
yaml.SafeLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))

# A file name any file system takes: ASCII letters, digits, _ and -, bounded.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}\.js$")
SCRIPT_PREFIX = "{{ nodeum_export_dir }}/files/"
# Names the export must give these fixtures' files: by name made file-safe, by id for a shared or digits-only name.
SOME_NAMES = ["Nightly_backup-filter-1.js", "Donnees_ete-filter-1.js", "task-1-filter-1.js", "task-5-filter-1.js",
              "lookup_pipe_touch_pwned-filter-1.js", "true-filter-1.js"]


def fixtures(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def item_task(item, tasks):
    """The id of the task an item names, or a problem: by a name exactly one task has, or by id with its name."""
    named = [task_id for task_id, task in tasks.items() if task["name"] == item["task"]]
    if not item["task"].isdigit():
        return (named[0], None) if len(named) == 1 and "task_name" not in item else (None, "names %r" % item["task"])
    task = tasks.get(int(item["task"]))
    if task is None or item.get("task_name") != task["name"]:
        return None, "gives task %s with task_name %r" % (item["task"], item.get("task_name"))
    return task["id"], None


def check_items(directory, exported, tasks):
    """[(task id, script bytes)] of the items, and the problems of their keys and files."""
    held, problems = [], []
    for item in exported:
        item = dict((key, str(value)) for key, value in item.items())
        task_id, problem = item_task(item, tasks)
        if problem or set(item) - {"task", "task_name", "type", "script_file"}:
            problems.append("an item %s" % (problem or "has other keys: %s" % sorted(item)))
        if not item["script_file"].startswith(SCRIPT_PREFIX):
            problems.append("script_file %r is not below the export directory" % item["script_file"])
            continue
        held.append((task_id, (directory / "files" / item["script_file"][len(SCRIPT_PREFIX):]).read_bytes()))
    return held, problems


def check_export(directory, fixtures_path):
    data = fixtures(fixtures_path)
    directory = Path(directory)
    tasks = dict((task["id"], task) for task in data["tasks"])
    exported = yaml.safe_load((directory / "callbacks.yml").read_text(encoding="utf-8"))["nodeum_task_callbacks"]
    files = sorted(path.name for path in (directory / "files").iterdir())
    problems = ["%s is not a safe file name" % name for name in files if not SAFE_NAME.match(name)]
    if len(set(name.lower() for name in files)) != len(files):
        problems.append("files/ holds names that differ only in case: %s" % files)
    problems += ["files/ lacks %s" % name for name in SOME_NAMES if name not in files]
    held, item_problems = check_items(directory, exported, tasks)
    problems += item_problems
    expected = sorted((callback["task_id"], callback["script"].encode("utf-8")) for callback in data["task_callbacks"])
    if sorted(held) != expected or len(files) != len(expected):
        problems.append("the items and files/ hold %s, expected %s" % (
            sorted((task_id, len(script)) for task_id, script in held),
            [(task_id, len(script)) for task_id, script in expected]))
    if "roles:" not in (directory / "apply.yml").read_text(encoding="utf-8"):
        problems.append("apply.yml does not apply the role")
    return problems, "export: %d files byte for byte, %d items" % (len(files), len(exported))


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


def main(argv):
    command, target, rest = argv[1], argv[2], argv[3:]
    if command == "export":
        problems, summary = check_export(target, rest[0])
    elif command == "same-scripts":
        problems, summary = check_same_scripts(target, rest[0])
    else:
        problems, summary = check_writes(target, rest)
    return report("role_export", command, problems, summary)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
