# shellcheck shell=bash
# Sourced by the runme.sh of integration targets whose aliases say needs/target/setup_emulator.
#
# start_emulator [emulator options...] starts the Nodeum API emulator of this collection on a free
# loopback port and exports NODEUM_URL and EMULATOR_URL. Sourcing this file sets the shell's EXIT trap,
# which runs the target's own `cleanup` function if it defines one, then stops every emulator by its
# own pid, whatever happens; a target sets no trap of its own, since a second trap would replace this
# one. The emulator also exits by itself after EMULATOR_LIFETIME seconds, so a killed test run cannot
# leave it behind.

COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/nodeum/data_archiving"
SETUP_EMULATOR_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EMULATOR_LIFETIME="${EMULATOR_LIFETIME:-900}"
EMULATOR_PIDS=()
on_exit() {
    if declare -F cleanup > /dev/null; then cleanup; fi
    stop_emulators
}
trap on_exit EXIT

# The interpreter the modules run on (the target-<line>-python-X.Y nox sessions): nodeum_target_python
# in integration_config.yml, which inventory.ini reads as NODEUM_TARGET_PYTHON.
INTEGRATION_CONFIG="$(dirname "${INVENTORY_PATH:-.}")/integration_config.yml"
if [ -f "${INTEGRATION_CONFIG}" ] && grep -q -E '^nodeum_target_python: ' "${INTEGRATION_CONFIG}"; then
    NODEUM_TARGET_PYTHON="$(sed -n 's/^nodeum_target_python: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "${INTEGRATION_CONFIG}" | head -n 1)"
    export NODEUM_TARGET_PYTHON
fi

start_emulator() {
    local output
    output="$(mktemp)"
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" "${COLLECTION_ROOT}/tests/emulator" --host 127.0.0.1 --port 0 \
        --lifetime "${EMULATOR_LIFETIME}" "$@" > "${output}" 2>&1 &
    EMULATOR_PIDS+=("$!")
    local tries=0
    until grep -q 'listening on ' "${output}"; do
        tries=$((tries + 1))
        if [ "${tries}" -gt 100 ] || ! kill -0 "${EMULATOR_PIDS[-1]}" 2>/dev/null; then
            echo "The emulator did not start:" >&2
            cat "${output}" >&2
            return 1
        fi
        sleep 0.1
    done
    EMULATOR_URL="$(sed -n 's/^Nodeum API emulator listening on //p' "${output}" | head -n 1)"
    export EMULATOR_URL
    export NODEUM_URL="${EMULATOR_URL}"
    rm -f "${output}"
}

stop_emulators() {
    local pid
    for pid in "${EMULATOR_PIDS[@]}"; do
        kill "${pid}" 2>/dev/null || true
        wait "${pid}" 2>/dev/null || true
    done
    EMULATOR_PIDS=()
}

# reset_emulator: back to the startup tasks and callbacks, no faults, an empty request log.
reset_emulator() {
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/reset", method="POST"))' "${EMULATOR_URL}"
}

# reset_request_log URL: an empty request log for the emulator at URL, its state unchanged.
reset_request_log() {
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/requests", method="DELETE"))' "$1"
}

# expect_playbook ok|failed TEXT LOG PLAYBOOK ARGS...: ansible-playbook PLAYBOOK ARGS ends as expected and its
# output, kept in LOG, holds TEXT (an extended regular expression); otherwise it shows the output and returns 1.
expect_playbook() {
    local expected="$1" text="$2" log="$3" status=0
    shift 3
    ansible-playbook "$@" > "${log}" 2>&1 || status=$?
    if [[ "${expected}" == ok && "${status}" != 0 || "${expected}" == failed && "${status}" == 0 ]] \
        || ! grep -qE -- "${text}" "${log}"; then
        cat "${log}"
        echo "ansible-playbook $* ended with status ${status} (expected ${expected})," \
            "or its output does not show: ${text}" >&2
        return 1
    fi
}

# Demo credentials of the emulator (see tests/emulator/README.md).
use_demo_admin() {
    export NODEUM_USERNAME=admin NODEUM_PASSWORD=nodeum-demo-password
    unset NODEUM_API_KEY NODEUM_TOKEN
}

# An inventory of the controller alone; modules run on NODEUM_TARGET_PYTHON, else the Python of ansible-playbook.
export ANSIBLE_INVENTORY="${SETUP_EMULATOR_DIR}/inventory.ini"
