#!/usr/bin/env bash
# A migration with the callbacks_as_code role: the export of one server applied to another server that has the same
# task names under other ids, its own callbacks and its own credentials.
set -euo pipefail

source ../setup_emulator/emulator.sh
PYTHON="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator
"${PYTHON}" fixtures.py "${work}"

fail() { echo "role_migrate: $*" >&2; exit 1; }

rename_task() {  # rename_task ID NAME [SCRIPT]: task ID of the target gets NAME, and SCRIPT for each of its callbacks
    "${PYTHON}" -c 'import json, sys, urllib.request
url, task_id, name, scripts = sys.argv[1] + "/_emulator/state", int(sys.argv[2]), sys.argv[3], sys.argv[4:]
state = json.load(urllib.request.urlopen(url))
state["tasks"] = [dict(task, name=name) if task["id"] == task_id else task for task in state["tasks"]]
for callback in state["task_callbacks"]:
    if scripts and callback["task_id"] == task_id:
        callback["script"] = scripts[0]
urllib.request.urlopen(urllib.request.Request(url, data=json.dumps(state).encode(), method="PUT",
                                              headers={"Content-Type": "application/json"}))' "${target_url}" "$@"
}

use_demo_admin
start_emulator --fixtures "${work}/source.json"
source_url="${EMULATOR_URL}"
start_emulator --fixtures "${work}/target.json"
target_url="${EMULATOR_URL}"
inventory="${ANSIBLE_INVENTORY}"

echo "== export the source: a task with two filters, a shared name, a digits-only name, CRLF and non-ASCII scripts"
NODEUM_URL="${source_url}" ansible-playbook ../role_export/export.yml -e "export_dir=${work}/source" "$@"

# From here on every run reaches the target, with the target's API key (the source's user does not exist there),
# as apply.yml runs for a user: from anywhere, no inventory, the connection from NODEUM_*.
export NODEUM_URL="${target_url}" NODEUM_API_KEY=target-migration-key
unset NODEUM_USERNAME NODEUM_PASSWORD ANSIBLE_INVENTORY
apply_log="${work}/apply.log"

echo "== review the plan on the target (check mode, exclusive): tasks found by name under their ids there, no write"
reset_request_log "${target_url}"
expect_playbook ok "Plan for ${target_url}: 4 to create, 2 to update, 3 to remove, 1 unchanged, 0 failed" \
    "${apply_log}" "${work}/source/apply.yml" --check --diff -e nodeum_task_callbacks_exclusive=true "$@"
# Among the plan's diff headers: the tasks named by name found under their ids on the target.
at="${target_url}"
while read -r line; do
    grep -qxF -- "${line}" "${apply_log}" || { cat "${apply_log}"; fail "the plan lacks the line: ${line}"; }
done <<LINES
+++ after: ${at} task 9 "Données / été" / filter callback (new) (create: not on the server)
+++ after: ${at} task 8 "Nightly backup" / filter callback (new) (create: not on the server)
--- before: ${at} task 8 "Nightly backup" / filter callback 44 (remove: not declared (exclusive, all_tasks))
+++ after: ${at} task 7 "Windows" / filter callback 42 (update: line endings differ; line endings LF before, CRLF after)
--- before: ${at} task 2 "Restore requests" / filter callback 41 (remove: not declared (exclusive, all_tasks))
LINES
"${PYTHON}" verify.py writes "${target_url}"

echo "== apply it: the target holds exactly the source's callbacks by task name"
expect_playbook ok "Applied to ${target_url}: 4 created, 2 updated, 3 removed, 1 unchanged, 0 failed[.]" \
    "${apply_log}" "${work}/source/apply.yml" -e nodeum_task_callbacks_exclusive=true "$@"
"${PYTHON}" verify.py same-by-name "${source_url}" "${target_url}"

echo "== a second apply sends no write"
reset_request_log "${target_url}"
expect_playbook ok "Applied to ${target_url}: 0 created, 0 updated, 0 removed, 7 unchanged, 0 failed[.]" \
    "${apply_log}" "${work}/source/apply.yml" -e nodeum_task_callbacks_exclusive=true "$@"
"${PYTHON}" verify.py writes "${target_url}"

echo "== the export of the target is the source's, but for the header line that names the server"
ANSIBLE_INVENTORY="${inventory}" ansible-playbook ../role_export/export.yml -e "export_dir=${work}/target" "$@"
# The comparison of the user guide; the header lines themselves are checked below.
diff -r -I '^# The callbacks of ' "${work}/source" "${work}/target" || fail "the two exports differ"
for pair in "source ${source_url}" "target ${target_url}"; do
    read -r name url <<< "${pair}"
    [[ "$(sed -n 2p "${work}/${name}/callbacks.yml")" \
        == "# The callbacks of ${url}, exported by the role nodeum.data_archiving.callbacks_as_code." ]] \
        || fail "the header line of the ${name}'s callbacks.yml does not name ${url}"
done
echo "   identical but for the header line"

echo "== a task exported by id whose name differs on the target: the item fails before any write, naming both"
# Task 4 of the target is now "Quarterly report", with a callback of its own: without the check of task_name,
# apply.yml would update that callback to the script of "2024".
rename_task 4 "Quarterly report" $'function filter(request) { return false; } // Quarterly report\n'
reset_request_log "${target_url}"
expect_playbook failed "Applied to ${target_url}: 0 created, 0 updated, 0 removed, 6 unchanged, 1 failed[.]" \
    "${apply_log}" "${work}/source/apply.yml" -e nodeum_task_callbacks_exclusive=true "$@"
sentence="task 4 on ${target_url} is 'Quarterly report', the export expected '2024' (task_name); edit callbacks.yml"
sentence+=" to name the task on this server, by its id (task_info lists the tasks) or by a name that finds only it."
grep -qF -- "${sentence}" "${apply_log}" || { cat "${apply_log}"; fail "the failure does not say: ${sentence}"; }
"${PYTHON}" verify.py writes "${target_url}"

echo "== a task exported by name that the target lacks fails the item; exclusive mode removes what a renamed task holds"
rename_task 7 "Windows 11"
reset_request_log "${target_url}"
expect_playbook failed "Plan for ${target_url}: 0 to create, 0 to update, 1 to remove, 5 unchanged, 2 failed" \
    "${apply_log}" "${work}/source/apply.yml" --check --diff -e nodeum_task_callbacks_exclusive=true "$@"
for line in "No Nodeum task is named 'Windows'; check the name (it is case-sensitive) or give the task's numeric id." \
    "--- before: ${at} task 7 \"Windows 11\" / filter callback 42 (remove: not declared (exclusive, all_tasks))"; do
    grep -qF -- "${line}" "${apply_log}" || { cat "${apply_log}"; fail "the check does not show: ${line}"; }
done
"${PYTHON}" verify.py writes "${target_url}"
