#!/usr/bin/env bash
# The export entry point of the callbacks_as_code role: a round trip through the exported directory.
set -euo pipefail

source ../setup_emulator/emulator.sh
PYTHON="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator
"${PYTHON}" fixtures.py "${work}"

add_callback_by_hand() {
    "${PYTHON}" -c 'import base64, json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + "/api/v2/tasks/" + sys.argv[2] + "/task_callbacks", method="POST",
                                 data=json.dumps({"type": "filter", "script": "function filter(r) { return false; }"}).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Basic " + base64.b64encode(b"admin:nodeum-demo-password").decode()})
print(json.load(urllib.request.urlopen(request))["id"])' "$1" "$2"
}

use_demo_admin
start_emulator --fixtures "${work}/full.json"
full_url="${EMULATOR_URL}"
start_emulator --fixtures "${work}/empty.json"
empty_url="${EMULATOR_URL}"
export EMULATOR_URL="${full_url}" NODEUM_URL="${full_url}"

# A task named {{ lookup('pipe', 'touch pwned') }} must never run that command: not at the export,
# not when apply.yml loads the names (check mode or not).
nothing_evaluated() {
    if [[ -e pwned || -e "${work}/export/pwned" ]]; then echo "role_export: a task name from the server was evaluated" >&2; exit 1; fi
}

echo "== export the server: unicode, CRLF, {{, no final line break, 1 MiB, shared and digit-only task names, hostile names"
ansible-playbook export.yml -e "export_dir=${work}/export" "$@"
"${PYTHON}" verify.py export "${work}/export" "${work}/full.json"
nothing_evaluated

echo "== a second export into the same directory changes no file"
before="$(cd "${work}/export" && find . -type f -exec sha256sum {} + | sort)"
ansible-playbook export.yml -e "export_dir=${work}/export" "$@"
after="$(cd "${work}/export" && find . -type f -exec sha256sum {} + | sort)"
[[ "${before}" == "${after}" ]] || { echo "role_export: a second export changed the directory" >&2; exit 1; }

# apply.yml runs as a user would run it: from anywhere, no inventory, the connection from NODEUM_*.
unset ANSIBLE_INVENTORY
echo "== apply.yml against the same server: no change, no write"
reset_request_log "${full_url}"
ansible-playbook "${work}/export/apply.yml" "$@"
"${PYTHON}" verify.py writes "${full_url}"
ansible-playbook "${work}/export/apply.yml" --check --diff -e nodeum_task_callbacks_exclusive=true "$@"
"${PYTHON}" verify.py writes "${full_url}"
(cd "${work}/export" && ansible-playbook apply.yml --check "$@")
nothing_evaluated

expect_run() {  # expect_run ok|failed TEXT ARGS...: apply.yml ARGS ends as expected and its output holds TEXT (an ERE)
    expect_playbook "$1" "$2" "${work}/apply.log" "${work}/export/apply.yml" "${@:3}"
}

echo "== apply.yml shows the plan's summary line; its gate passes when the server matches"
reset_request_log "${full_url}"
expect_run ok "Applied to ${full_url}: 0 created, 0 updated, 0 removed, [0-9]+ unchanged, 0 failed[.]"
expect_run ok "Plan for ${full_url}: 0 to create, 0 to update, 0 to remove, [0-9]+ unchanged, 0 failed [(]check mode: nothing was sent[)][.]" \
    --check
expect_run ok "Applied to ${full_url}: 0 created" -e nodeum_task_callbacks_fail_on_change=true -e nodeum_task_callbacks_exclusive=true
"${PYTHON}" verify.py writes "${full_url}"

echo "== apply.yml against a server with the same tasks and no callbacks: every callback recreated byte for byte"
NODEUM_URL="${empty_url}" ansible-playbook "${work}/export/apply.yml" "$@"
"${PYTHON}" verify.py same-scripts "${empty_url}" "${work}/full.json"
nothing_evaluated
reset_request_log "${empty_url}"
NODEUM_URL="${empty_url}" ansible-playbook "${work}/export/apply.yml" "$@"
"${PYTHON}" verify.py writes "${empty_url}"

# drift.yml runs the exported apply.yml, then checks the drift it reported against the extra var
# expected_removed. It is written beside apply.yml, which it imports (a playbook kept in this target
# could not name the export directory, which exists only while the test runs).
cat > "${work}/export/drift.yml" <<'PLAYBOOK'
---
- name: Apply the export
  ansible.builtin.import_playbook: apply.yml

- name: Check the drift
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check that exactly the expected callbacks are the drift
      vars:
        drift: "{{ callbacks_as_code_result.drift }}"
      ansible.builtin.assert:
        that:
          - drift | map(attribute='removed') | flatten | map(attribute='id') | list == expected_removed | from_json
          - drift | map(attribute='created') | flatten == []
          - drift | map(attribute='updated') | flatten == []
        fail_msg: "drift {{ drift }}"
PLAYBOOK

echo "== exclusive mode: a callback added by hand (on task 11, which had none) is the drift, then removed"
added="$(add_callback_by_hand "${full_url}" 11)"
reset_request_log "${full_url}"
ansible-playbook "${work}/export/drift.yml" --check --diff -e nodeum_task_callbacks_exclusive=true \
    -e "expected_removed=[${added}]" "$@"
"${PYTHON}" verify.py writes "${full_url}"
echo "   without exclusive mode it stays"
ansible-playbook "${work}/export/drift.yml" -e "expected_removed=[]" "$@"
"${PYTHON}" verify.py writes "${full_url}"
ansible-playbook "${work}/export/drift.yml" -e nodeum_task_callbacks_exclusive=true \
    -e "expected_removed=[${added}]" "$@"
"${PYTHON}" verify.py writes "${full_url}" DELETE
"${PYTHON}" verify.py same-scripts "${full_url}" "${work}/full.json"

echo "== exclusive mode: a second filter added by hand to task 2 (which holds one) is the drift, then removed in one run"
added="$(add_callback_by_hand "${full_url}" 2)"
reset_request_log "${full_url}"
ansible-playbook "${work}/export/drift.yml" --check --diff -e nodeum_task_callbacks_exclusive=true \
    -e "expected_removed=[${added}]" "$@"
"${PYTHON}" verify.py writes "${full_url}"
ansible-playbook "${work}/export/drift.yml" -e nodeum_task_callbacks_exclusive=true -e "expected_removed=[${added}]" "$@"
"${PYTHON}" verify.py writes "${full_url}" DELETE
"${PYTHON}" verify.py same-scripts "${full_url}" "${work}/full.json"

echo "== apply.yml's gate fails on drift; a hand change after the approved check makes the apply refuse, with no write"
# The check publishes the fingerprint with set_stats, as the check job of an AWX workflow would for its apply job.
export ANSIBLE_SHOW_CUSTOM_STATS=true
expect_run ok 'nodeum_task_callbacks_expect_fingerprint.: .sha256:[0-9a-f]{64}' --check -e nodeum_task_callbacks_exclusive=true
approved="$(grep -oE 'sha256:[0-9a-f]{64}' "${work}/apply.log" | head -n 1)"
added="$(add_callback_by_hand "${full_url}" 11)"
reset_request_log "${full_url}"
expect_run failed "fail_on_change is set and the server differs from the list in 1 change: remove task 11 .* / filter callback ${added}" \
    --check -e nodeum_task_callbacks_exclusive=true -e nodeum_task_callbacks_fail_on_change=true
expect_run failed "The server changed since the plan was made: .* not ${approved} as expected; nothing was sent[.]" \
    -e nodeum_task_callbacks_exclusive=true -e "nodeum_task_callbacks_expect_fingerprint=${approved}"
"${PYTHON}" verify.py writes "${full_url}"
expect_run ok 'Plan for .*: 0 to create, 0 to update, 1 to remove' --check -e nodeum_task_callbacks_exclusive=true
approved="$(grep -oE 'sha256:[0-9a-f]{64}' "${work}/apply.log" | head -n 1)"
expect_run ok "Applied to ${full_url}: 0 created, 0 updated, 1 removed" \
    -e nodeum_task_callbacks_exclusive=true -e "nodeum_task_callbacks_expect_fingerprint=${approved}"
"${PYTHON}" verify.py writes "${full_url}" DELETE
"${PYTHON}" verify.py same-scripts "${full_url}" "${work}/full.json"
unset ANSIBLE_SHOW_CUSTOM_STATS

echo "== a re-export after a callback is gone removes its file"
"${PYTHON}" -c 'import base64, sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/api/v2/tasks/12/task_callbacks/112", method="DELETE",
                       headers={"Authorization": "Basic " + base64.b64encode(b"admin:nodeum-demo-password").decode()}))' "${full_url}"
ANSIBLE_INVENTORY="${SETUP_EMULATOR_DIR}/inventory.ini" ansible-playbook export.yml -e "export_dir=${work}/export" "$@"
[[ ! -e "${work}/export/files/Restore_requests-filter-1.js" ]] \
    || { echo "role_export: the file of a removed callback stayed" >&2; exit 1; }
if grep -q 'Restore_requests-' "${work}/export/callbacks.yml"; then
    echo "role_export: callbacks.yml still names the removed callback" >&2; exit 1
fi

echo "== an export of the earlier file names (task<id>-<type>-<callback id>.js) moves to the new names in one export"
cp "${work}/export/files/Nightly_backup-filter-1.js" "${work}/export/files/task2-filter-102.js"
echo "kept" > "${work}/export/files/notes.js.txt"
ANSIBLE_INVENTORY="${SETUP_EMULATOR_DIR}/inventory.ini" ansible-playbook export.yml -e "export_dir=${work}/export" "$@"
[[ ! -e "${work}/export/files/task2-filter-102.js" && -e "${work}/export/files/notes.js.txt" ]] \
    || { echo "role_export: the file of the earlier name stayed, or a file of the user's went" >&2; exit 1; }

echo "== a templates/ beside apply.yml holding a file of an exported name does not stand in for the script"
mkdir -p "${work}/export/templates"
echo "function filter(request) { return 'not the export'; }" > "${work}/export/templates/Nightly_backup-filter-1.js"
reset_request_log "${full_url}"
ansible-playbook "${work}/export/apply.yml" -e nodeum_task_callbacks_exclusive=true "$@"
"${PYTHON}" verify.py writes "${full_url}"
rm -r "${work}/export/templates"

echo "== the demo data (callbacks on tasks 1 and 3, which share a name): by id and task_name, no callback id; no write"
start_emulator
export NODEUM_URL="${EMULATOR_URL}"
ANSIBLE_INVENTORY="${SETUP_EMULATOR_DIR}/inventory.ini" ansible-playbook export.yml -e "export_dir=${work}/demo" "$@"
[[ "$(grep -c -F -x '    task_name: "Archive projects"' "${work}/demo/callbacks.yml")" == 3 ]] \
    && ! grep -q 'callback_id' "${work}/demo/callbacks.yml" \
    && [[ -f "${work}/demo/files/task-1-filter-1.js" && -f "${work}/demo/files/task-1-filter-2.js" ]] \
    || { cat "${work}/demo/callbacks.yml"; echo "role_export: the demo export is wrong" >&2; exit 1; }
reset_request_log "${NODEUM_URL}"
ansible-playbook "${work}/demo/apply.yml" "$@"
"${PYTHON}" verify.py writes "${NODEUM_URL}"

echo "== callbacks apply.yml could not apply (blank, not UTF-8, another type): left out with one warning each, the others exported"
start_emulator --fixtures "${work}/odd.json"
NODEUM_URL="${EMULATOR_URL}" ANSIBLE_INVENTORY="${SETUP_EMULATOR_DIR}/inventory.ini" \
    ansible-playbook export.yml -e "export_dir=${work}/odd" "$@" > "${work}/odd.log" 2>&1 || { cat "${work}/odd.log"; exit 1; }
warnings="$(grep -c 'is left out of the export' "${work}/odd.log" || true)"
exported="$(find "${work}/odd/files" -type f | wc -l)"
if [[ "${warnings}" != 3 || "${exported}" != 2 ]] || grep -q Traceback "${work}/odd.log"; then
    cat "${work}/odd.log"
    echo "role_export: expected 3 warnings and 2 exported files, got ${warnings} and ${exported}" >&2
    exit 1
fi
echo "   3 left out with a warning, 2 exported"
