#!/usr/bin/env bash
# The demo playbook as make demo runs it, against the emulator; then against a server that is not the
# emulator, where it must stop at its first task and send nothing but the read of /_emulator/health.
set -euo pipefail
source ../setup_emulator/emulator.sh
PYTHON="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
demo="${COLLECTION_ROOT}/playbooks/demo.yml"

work="$(mktemp -d)"
server_pid=""
cleanup() { if [[ -n "${server_pid}" ]]; then kill "${server_pid}" 2>/dev/null || true; fi; rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator

start_emulator
use_demo_admin
echo "== the tour against the emulator"
ansible-playbook -i localhost, "${demo}" "$@" > "${work}/demo.log" 2>&1 || { cat "${work}/demo.log"; exit 1; }
for step in 1 2 3 4 5 6; do
    grep -q "Step ${step}: " "${work}/demo.log" || { cat "${work}/demo.log"; echo "demo_playbook: step ${step} said nothing" >&2; exit 1; }
done
for shown in 'Plan for .*: 0 to create, 0 to update, 1 to remove, [0-9]+ unchanged, 0 failed [(]check mode: nothing was sent[)]' \
    'task 2 [\]"Nightly backup[\]" / filter callback [0-9]+ [(]remove: not declared [(]exclusive, all_tasks[)][)]' \
    'Applied to .*: 0 created, 0 updated, 1 removed, [0-9]+ unchanged, 0 failed[.] The server matches'; do
    grep -qE "${shown}" "${work}/demo.log" || { cat "${work}/demo.log"; echo "demo_playbook: the tour does not show: ${shown}" >&2; exit 1; }
done
echo "   six steps, each with its line"

echo "== against a server that is not the emulator: it stops before any write"
"${PYTHON}" recording_server.py "${work}/requests.log" 120 > "${work}/server.out" &
server_pid=$!
for _ in $(seq 1 50); do grep -q listening "${work}/server.out" && break; sleep 0.1; done
other="$(sed -n 's/^listening on //p' "${work}/server.out")"
if NODEUM_URL="${other}" ansible-playbook -i localhost, "${demo}" "$@" > "${work}/other.log" 2>&1; then
    cat "${work}/other.log"; echo "demo_playbook: the demo ran against a server that is not the emulator" >&2; exit 1
fi
grep -q "runs only against the bundled emulator, and ${other} is not it; nothing was sent" "${work}/other.log" || { cat "${work}/other.log"; exit 1; }
if [[ "$(cat "${work}/requests.log")" != "GET /_emulator/health" ]]; then
    echo "demo_playbook: the demo sent more than the health check to the other server:" >&2
    cat "${work}/requests.log" >&2
    exit 1
fi
echo "   stopped in one sentence; the other server saw only GET /_emulator/health"
