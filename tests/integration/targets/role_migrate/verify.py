"""Checks of a migration, read from the emulators' control endpoints.

    python verify.py same-by-name SOURCE TARGET  the servers at the URLs SOURCE and TARGET hold the same callbacks
                                                 by task name: for each name, the callbacks (type and script, byte
                                                 for byte) of each task of that name that has any
    python verify.py writes URL METHOD...        the request log since its last reset holds exactly these writes

Each prints one line and exits 0, or prints what differs and exits 1.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "setup_emulator"))
from emulator_checks import check_writes, read, report  # noqa: E402  pylint: disable=wrong-import-position


def callbacks_by_task_name(url):
    """{task name: sorted [sorted [(type, script)] of each task of that name that holds callbacks]} of a server."""
    state = read(url + "/_emulator/state")
    names = dict((task["id"], task["name"]) for task in state["tasks"])
    by_task = {}
    for callback in state["task_callbacks"]:
        by_task.setdefault(callback["task_id"], []).append((callback["type"], callback["script"]))
    by_name = {}
    for task_id, callbacks in by_task.items():
        by_name.setdefault(names[task_id], []).append(sorted(callbacks))
    return dict((name, sorted(tasks)) for name, tasks in by_name.items())


def shape(tasks):
    """What a task name holds, told without its scripts: the length of each script of each task."""
    return [[len(script.encode("utf-8")) for _type, script in callbacks] for callbacks in tasks]


def check_same_by_name(source_url, target_url):
    source, target = callbacks_by_task_name(source_url), callbacks_by_task_name(target_url)
    problems = ["task name %r holds callbacks of %s bytes on the target, %s on the source"
                % (name, shape(target.get(name, [])), shape(source.get(name, [])))
                for name in sorted(set(source) | set(target)) if source.get(name) != target.get(name)]
    count = sum(len(callbacks) for tasks in source.values() for callbacks in tasks)
    return problems, "target: the %d callbacks of the source's %d task names, byte for byte" % (count, len(source))


def main(argv):
    command, url, rest = argv[1], argv[2], argv[3:]
    if command == "same-by-name":
        problems, summary = check_same_by_name(url, rest[0])
    else:
        problems, summary = check_writes(url, rest)
    return report("role_migrate", command, problems, summary)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
