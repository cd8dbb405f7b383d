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
