#!/usr/bin/env bash
# The callbacks_as_code role against the emulator.
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator

writes_since_reset() {
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/requests"))["requests"]
print(len(log))' "${EMULATOR_URL}"
}

reset_log() {
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/requests", method="DELETE"))' "${EMULATOR_URL}"
}

# 1. Connection from the NODEUM_* environment only (as an AWX credential gives it).
use_demo_admin
echo "== first run: every item changes (2 creates, 1 update, 2 removals)"
ansible-playbook converge.yml -e expected_changed=5 -e expected_writes=5 "$@"
echo "== second run: no change, no write"
ansible-playbook converge.yml -e expected_changed=0 -e expected_writes=0 "$@"
echo "== second run in check mode: no change, no write"
ansible-playbook converge.yml --check -e expected_changed=0 -e expected_writes=0 "$@"

# 2. Connection from role variables only (API key), in check mode; secrets must not show even at -vvv.
unset NODEUM_URL NODEUM_USERNAME NODEUM_PASSWORD NODEUM_API_KEY NODEUM_TOKEN
echo "== check mode with role variables: three changes reported, no write"
ansible-playbook check_mode.yml -e "nodeum_url=${EMULATOR_URL}" -vvv "$@" > "${work}/check_mode.log" 2>&1 || {
    cat "${work}/check_mode.log"; exit 1; }
tail -n 3 "${work}/check_mode.log"
if grep -q 'demo-full-access-key' "${work}/check_mode.log"; then
    echo "role_task_callbacks: the API key shows in the output of check_mode.yml" >&2
    exit 1
fi

# 3. Exclusive mode, on the state the first runs left.
use_demo_admin
export NODEUM_URL="${EMULATOR_URL}"
echo "== exclusive mode in check mode: callback 10 of task 1 (declared by no item) is the drift, no write"
ansible-playbook exclusive.yml --check --diff -e expected_removed='[10]' "$@"
echo "== exclusive mode: removes it"
ansible-playbook exclusive.yml -e expected_removed='[10]' "$@"
echo "== exclusive mode again: no drift, no write"
ansible-playbook exclusive.yml -e expected_removed='[]' "$@"

# 4. Invalid input stops the play before any request, with a message that names the problem:
# invalid.yml runs every case, each from a fresh request log.
echo "== invalid input: refused before any request, with the reason"
ansible-playbook invalid.yml "$@"

# The list under a misspelled name (empty, in exclusive mode on every task) must not empty the server either.
expect_rejected() {
    local playbook="$1" items="$2" expected="$3"
    shift 3
    reset_log
    if ansible-playbook "${playbook}" -e "{\"bad_items\": ${items}}" "$@" > "${work}/invalid.log" 2>&1; then
        cat "${work}/invalid.log"
        echo "role_task_callbacks: ${items} was accepted" >&2
        return 1
    fi
    if ! grep -q -- "${expected}" "${work}/invalid.log"; then
        cat "${work}/invalid.log"
        echo "role_task_callbacks: the failure for ${items} does not say: ${expected}" >&2
        return 1
    fi
    if [[ "$(writes_since_reset)" != 0 ]]; then
        echo "role_task_callbacks: requests were sent for ${items}" >&2
        return 1
    fi
    echo "rejected as expected: ${items} ${*}"
}
expect_rejected misspelled.yml '[]' 'nodeum_task_callbacks' -e nodeum_task_callbacks_exclusive=true -e nodeum_task_callbacks_exclusive_scope=all_tasks

# 5. The plan on screen, the gate and the stale-plan guard, on the state sections 1 and 3 left (every item
# matches the server). Each run's output is kept, to find in it what a user reads.
writes_seen() {
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/requests"))["requests"]
print(" ".join(entry["method"] for entry in log if entry["method"] != "GET"))' "${EMULATOR_URL}"
}

by_hand() {  # by_hand METHOD PATH [JSON BODY]: a change made by hand on the server, as an operator would
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import base64, json, sys, urllib.request
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
request = urllib.request.Request(sys.argv[1] + "/api/v2/" + sys.argv[3], method=sys.argv[2], data=body,
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Basic " + base64.b64encode(b"admin:nodeum-demo-password").decode()})
answer = urllib.request.urlopen(request).read()
print(json.loads(answer)["id"] if answer else "")' "${EMULATOR_URL}" "$@"
}

expect_in_log() {  # expect_in_log TEXT: the last run's output holds TEXT
    if ! grep -qF -- "$1" "${work}/run.log"; then
        cat "${work}/run.log"
        echo "role_task_callbacks: the output does not show: $1" >&2
        return 1
    fi
}

run_role() {  # run_role EXPECTED_STATUS ARGS...: plain.yml, its output in run.log, its exit status as expected
    local expected="$1" status=0
    shift
    reset_log
    ansible-playbook plain.yml "$@" > "${work}/run.log" 2>&1 || status=$?
    if [[ "${expected}" == ok && "${status}" != 0 || "${expected}" == failed && "${status}" == 0 ]]; then
        cat "${work}/run.log"
        echo "role_task_callbacks: plain.yml $* ended with status ${status}, expected ${expected}" >&2
        return 1
    fi
}

echo "== the summary line is on screen, in a real run and in check mode"
run_role ok
expect_in_log "Applied to ${EMULATOR_URL}: 0 created, 0 updated, 0 removed, 5 unchanged, 0 failed."
run_role ok --check
expect_in_log "Plan for ${EMULATOR_URL}: 0 to create, 0 to update, 0 to remove, 5 unchanged, 0 failed (check mode: nothing was sent)."

echo "== the gate passes on a match, and fails on drift with the diff, the summary and the address, sending nothing"
run_role ok -e nodeum_task_callbacks_fail_on_change=true -e nodeum_task_callbacks_exclusive=true
added="$(by_hand POST tasks/1/task_callbacks '{"type": "filter", "script": "function run(req) { return false; }"}')"
# As a pipeline runs it: in check mode, so that the diffs show (Ansible shows none of a task that changed nothing).
run_role failed --check --diff -e nodeum_task_callbacks_fail_on_change=true -e nodeum_task_callbacks_exclusive=true
expect_in_log "--- before: ${EMULATOR_URL} task 1 \"Archive projects\" / filter callback ${added} (remove: not declared (exclusive, listed_tasks))"
expect_in_log "+++ after: (removed)"
expect_in_log "Plan for ${EMULATOR_URL}: 0 to create, 0 to update, 1 to remove, 5 unchanged, 0 failed (check mode: nothing was sent)."
expect_in_log "fail_on_change is set and the server differs from the list in 1 change: remove task 1 \\\"Archive projects\\\" / filter callback ${added}"
[[ -z "$(writes_seen)" ]] || { echo "role_task_callbacks: the gate sent $(writes_seen)" >&2; exit 1; }
run_role failed -e nodeum_task_callbacks_fail_on_change=true -e nodeum_task_callbacks_exclusive=true
expect_in_log "Plan for ${EMULATOR_URL}: 0 to create, 0 to update, 1 to remove, 5 unchanged, 0 failed (fail_on_change: nothing was sent)."
[[ -z "$(writes_seen)" ]] || { echo "role_task_callbacks: the gate sent $(writes_seen) in a real run" >&2; exit 1; }
by_hand DELETE "tasks/1/task_callbacks/${added}" > /dev/null

echo "== two failed items: the other item's diff and the summary first, then the failure that names both"
run_role failed --check --diff -e '{"nodeum_task_callbacks": [{"task": "5", "script": "function run(req) { return 5; }"},
    {"task": "No such task", "script": "x"}, {"task": "Archive projects", "script": "x"}]}'
expect_in_log "+++ after: ${EMULATOR_URL} task 5 \"Restore requests\" / filter callback"
expect_in_log "Plan for ${EMULATOR_URL}: 0 to create, 1 to update, 0 to remove, 0 unchanged, 2 failed (check mode: nothing was sent)."
expect_in_log "2 of 3 items failed, and every other change would be made (check mode): callbacks[1] (task 'No such task'): "
expect_in_log "callbacks[2] (task 'Archive projects'): 2 Nodeum tasks are named 'Archive projects' (ids 1, 3)"
grep -n -e '^+++ after: ' -e 'fatal: ' "${work}/run.log" | head -n 1 | grep -q '+++ after' || {
    cat "${work}/run.log"; echo "role_task_callbacks: the failure came before the diff" >&2; exit 1; }

echo "== expect_fingerprint: a hand change after the check makes the real run refuse; a fresh check lets it apply"
change='{"nodeum_task_callbacks": [{"task": "5", "script": "function run(req) { return 5; }"}, {"task": "2", "script_file": "size_limit.js.j2"}]}'
run_role ok --check -e "${change}" -e "fingerprint_file=${work}/approved"
by_hand PUT tasks/2/task_callbacks/12 '{"type": "filter", "script": "function run(req) { return true; }"}' > /dev/null
run_role failed -e "${change}" -e "nodeum_task_callbacks_expect_fingerprint=$(cat "${work}/approved")"
expect_in_log "(the server changed since the plan was made: nothing was sent). The server changed since the plan was made: its callbacks now give"
expect_in_log "not $(cat "${work}/approved") as expected; nothing was sent. Run the check again and review it."
[[ -z "$(writes_seen)" ]] || { echo "role_task_callbacks: a stale plan sent $(writes_seen)" >&2; exit 1; }
run_role ok --check -e "${change}" -e "fingerprint_file=${work}/approved"
run_role ok -e "${change}" -e "nodeum_task_callbacks_expect_fingerprint=$(cat "${work}/approved")"
expect_in_log "Applied to ${EMULATOR_URL}: 0 created, 2 updated, 0 removed, 0 unchanged, 0 failed."
[[ "$(writes_seen)" == "PUT PUT" ]] || { echo "role_task_callbacks: the approved plan sent $(writes_seen)" >&2; exit 1; }
echo "   refused when stale, applied when approved"
