#!/usr/bin/env bash
# The EXAMPLES of every module (as ansible-doc shows them) and every playbook of the README and of the
# user guide run as written against the emulator, with the connection given only by the NODEUM_*
# environment variables (demo admin) and the variables the docs leave to the user (nodeum_url,
# vault_nodeum_api_key). The README's playbooks run twice: with Ansible's implicit localhost (no
# inventory) and with -i localhost, as a user who copies the demo's command line does.
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator
use_demo_admin

work="$(mktemp -d)"
trap 'rm -rf "${work}"; stop_emulators' EXIT

# The demo data, to restore before the examples of each module and before each doc's play.
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
"${python_bin}" -c 'import json, sys, urllib.request; json.dump({"demo_state": json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))}, open(sys.argv[2], "w"))' \
    "${EMULATOR_URL}" "${work}/demo_state.json"

"${python_bin}" examples_playbook.py "${COLLECTION_ROOT}" "${work}"
user_vars=(-e "@${work}/demo_state.json" -e "nodeum_url=${EMULATOR_URL}" -e "vault_nodeum_api_key=demo-full-access-key")

# run_playbook LABEL PLAYBOOK INVENTORY [ANSIBLE-PLAYBOOK ARGS...]: run it with INVENTORY (setup: the
# target's inventory file; implicit: none, Ansible's implicit localhost; anything else: given to -i), then
# check the recap (no failure, and only the tasks marked "when: false" skipped).
run_playbook() {
    local label="$1" playbook="$2" inventory="$3"
    shift 3
    local inventory_args=()
    [[ "${inventory}" == setup || "${inventory}" == implicit ]] || inventory_args=(-i "${inventory}")
    echo "== ${label}"
    (
        cd "${work}"
        [[ "${inventory}" != implicit ]] || unset ANSIBLE_INVENTORY
        ansible-playbook "${playbook}" "${inventory_args[@]}" "${user_vars[@]}" "$@"
    ) | tee "${work}/output.log"
    local recap skipped expected_skips
    recap="$(grep -E '^localhost +:' "${work}/output.log")"
    echo "${recap}"
    grep -q ' failed=0 ' <<<"${recap}"
    skipped="$(sed -n 's/.* skipped=\([0-9]*\).*/\1/p' <<<"${recap}")"
    expected_skips="$(grep -c 'when: false' "${work}/${playbook}" || true)"
    if [[ "${skipped}" != "${expected_skips}" ]]; then
        echo "module_examples: ${label}: ${skipped} tasks were skipped, expected ${expected_skips} (the tasks marked when: false)." >&2
        exit 1
    fi
}

# The README's minimal playbook sent files/filters/skip_tmp.js to task 4 byte for byte (last line break
# included, as rstrip=false promises) and removed callback 11.
check_readme_effect() {
    "${python_bin}" - "${EMULATOR_URL}" "${work}/files/filters/skip_tmp.js" <<'PY'
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))
script = open(sys.argv[2], encoding="utf-8").read()
on_task_4 = [callback["script"] for callback in state["task_callbacks"] if callback["task_id"] == 4]
ids = [callback["id"] for callback in state["task_callbacks"]]
if on_task_4 != [script] or 11 in ids:
    sys.exit("module_examples: after the README's playbook, task 4 holds %r (expected [%r]) and the callbacks are %r (11 must be gone)." % (on_task_4, script, ids))
print("module_examples: the README's playbook left task 4 with files/filters/skip_tmp.js, byte for byte, and removed callback 11")
PY
}

run_playbook "EXAMPLES of every module" examples.yml setup "$@"
run_playbook "README playbooks, implicit localhost" readme.yml implicit "$@"
check_readme_effect
run_playbook "README playbooks, -i localhost," readme.yml localhost, "$@"
check_readme_effect
run_playbook "user guide playbooks, implicit localhost" guide.yml implicit "$@"
