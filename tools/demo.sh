#!/usr/bin/env bash
# make demo: start the Nodeum API emulator on 127.0.0.1, run playbooks/demo.yml from the
# staged collection against it, and stop the emulator (by its own pid) whatever happens.
set -euo pipefail

playbook="playbooks/demo.yml"
if [[ -z "${NODEUM_STAGED_TREE:-}" ]]; then
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    if [[ ! -f "${root}/${playbook}" ]]; then
        echo "demo: ${playbook} does not exist yet; it comes with the modules, so there is nothing to demonstrate." >&2
        exit 1
    fi
    if [[ ! -e "${root}/tests/emulator/__main__.py" ]]; then
        echo "demo: tests/emulator does not exist yet, so there is no API server to run the demo against." >&2
        exit 1
    fi
    # Stage the tree and rerun this script in it, holding the stage lock (tools/staged.py).
    exec "${root}/.venv/bin/python" "${root}/tools/staged.py" "${root}/tools/demo.sh" "$@"
fi

# From here on: cwd is the staged collection, with HOME, PATH and ANSIBLE_COLLECTIONS_PATH set.
logs="${NODEUM_REPO_ROOT}/build/logs"
mkdir -p "${logs}"
emulator_log="${logs}/demo-emulator.log"

python tests/emulator --host 127.0.0.1 --port 0 --lifetime 600 >"${emulator_log}" 2>&1 &
emulator_pid=$!
stop_emulator() {
    if kill -0 "${emulator_pid}" 2>/dev/null; then
        kill "${emulator_pid}" 2>/dev/null || true
        wait "${emulator_pid}" 2>/dev/null || true
    fi
}
trap stop_emulator EXIT

url=""
for _ in $(seq 1 100); do
    url="$(sed -n 's/^Nodeum API emulator listening on \(.*\)$/\1/p' "${emulator_log}" | head -n 1)"
    [[ -n "${url}" ]] && break
    if ! kill -0 "${emulator_pid}" 2>/dev/null; then
        echo "demo: the emulator exited before it listened; its output (${emulator_log}):" >&2
        cat "${emulator_log}" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "${url}" ]]; then
    echo "demo: the emulator did not print its URL within 10 seconds; see ${emulator_log}." >&2
    exit 1
fi
echo "demo: emulator listening on ${url} (pid ${emulator_pid})"

export NODEUM_URL="${url}"
export NODEUM_USERNAME=admin
export NODEUM_PASSWORD=nodeum-demo-password
# An inventory of localhost alone: the demo needs no other host (and Ansible then warns of none).
ansible-playbook -i "localhost," "${playbook}"
