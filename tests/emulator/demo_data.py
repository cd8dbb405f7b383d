"""Built-in demo data, served when the emulator starts without --fixtures.

demo-fixtures.yml beside this file is the same data written as a fixtures file;
a test keeps the two identical, so edit both or neither.
"""

ALL_SCOPES = [
    "task_callbacks/index",
    "task_callbacks/show",
    "task_callbacks/create",
    "task_callbacks/update",
    "task_callbacks/destroy",
    "tasks/index",
    "tasks/show",
]

READ_ONLY_SCOPES = [
    "task_callbacks/index",
    "task_callbacks/show",
    "tasks/index",
    "tasks/show",
]

SKIP_TMP_FILES = """function run(req) {
  // Temporary files are rebuilt by the applications that own them.
  const info = utils.getNodeInfo(req);
  if (/\\.tmp$/i.test(info?.getPath() ?? '')) {
    return false;
  }
  return true;
}
"""

SKIP_HIDDEN_FILES = """function run(req) {
  // Dot files and dot directories hold local settings that must not follow the data.
  const info = utils.getNodeInfo(req);
  if ((info?.getPath() ?? '').indexOf("/.") !== -1) {
    return false;
  }
  return true;
}
"""

SKIP_FILES_OVER_10_GIB = """function run(req) {
  // Files over 10 GiB go to tape through another task.
  const info = utils.getNodeInfo(req);
  const limit = 10 * 1024 * 1024 * 1024;
  if ((info?.getSize() ?? 0) > limit) {
    return false;
  }
  return true;
}
"""

SKIP_BAK_FILES = """function run(req) {
  // Backup copies made by editors are not worth archiving.
  const info = utils.getNodeInfo(req);
  if (/\\.bak$/i.test(info?.getPath() ?? '')) {
    return false;
  }
  return true;
}
"""

DEMO_FIXTURES = {
    "users": [
        {"username": "admin", "password": "nodeum-demo-password"},
    ],
    "api_keys": [
        {"key": "demo-full-access-key", "scopes": ALL_SCOPES},
        {"key": "demo-read-only-key", "scopes": READ_ONLY_SCOPES},
    ],
    "tokens": [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZW1vIiwibmFtZSI6Ik5vZGV1bSBkZW1vIn0.ZGVtby1zaWduYXR1cmU",
    ],
    "tasks": [
        {"id": 1, "name": "Archive projects"},
        {"id": 2, "name": "Nightly backup"},
        # Task 3 shares its name with task 1: a lookup by name takes the lowest id.
        {"id": 3, "name": "Archive projects"},
        {"id": 4, "name": "Migrate cold data"},
        {"id": 5, "name": "Restore requests"},
    ],
    "task_callbacks": [
        {"id": 10, "task_id": 1, "type": "filter", "script": SKIP_TMP_FILES},
        {"id": 11, "task_id": 1, "type": "filter", "script": SKIP_HIDDEN_FILES},
        {"id": 12, "task_id": 2, "type": "filter", "script": SKIP_FILES_OVER_10_GIB},
        {"id": 13, "task_id": 3, "type": "filter", "script": SKIP_BAK_FILES},
    ],
}
