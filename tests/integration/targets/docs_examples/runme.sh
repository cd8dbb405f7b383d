#!/usr/bin/env bash
# Every playbook of the README, the role README and the user guide (each yaml block that is a list of
# plays; console blocks are commands and are not run), and the EXAMPLES of each entry point of the role
# (ansible-doc -t role), runs as written, one file each beside the script
# files it reads, with the inventory the README uses: ansible-playbook -i localhost, FILE. The README's
# playbooks also run without an inventory (Ansible's implicit localhost), its other command line.
# Each starts from the demo data. The run fails if any example fails or runs no task on localhost.
#
# What the docs leave to the user is given as a user gives it, never by changing an example:
# - the connection: NODEUM_URL and NODEUM_API_KEY in the environment, as the docs' command lines export them
#   (the emulator's full-access demo key);
# - the variables of the module_defaults example, nodeum_url and vault_nodeum_api_key, as extra variables;
# - the Python where the modules run, which needs requests (the docs' Requirements): ANSIBLE_PYTHON_INTERPRETER,
#   the test's Python (or nodeum_target_python), as a user's ansible.cfg would set it. A play that sets
#   ansible_python_interpreter itself (the README's) keeps its own.
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"

PYTHONPATH="${PWD}/../module_examples" "${python_bin}" docs_playbooks.py "${COLLECTION_ROOT}" "${work}"

unset NODEUM_USERNAME NODEUM_PASSWORD NODEUM_TOKEN NODEUM_API_KEY_PREFIX
export NODEUM_API_KEY=demo-full-access-key
export ANSIBLE_PYTHON_INTERPRETER="${NODEUM_TARGET_PYTHON:-$("${python_bin}" -c 'import sys; print(sys.executable)')}"
user_vars=(-e "nodeum_url=${EMULATOR_URL}" -e vault_nodeum_api_key=demo-full-access-key)
failures=()

# run_example FILE WHERE INVENTORY: run FILE from the demo data with -i INVENTORY, or with no inventory at all
# when INVENTORY is "implicit". A failure is recorded, not fatal, so that one run reports every failing example.
run_example() {
    local file="$1" where="$2" inventory="$3" status=0 command
    command="ansible-playbook ${file}"
    [[ "${inventory}" == implicit ]] || command="ansible-playbook -i ${inventory} ${file}"
    echo "== ${where}: ${command}"
    reset_emulator
    runs=$((runs + 1))
    (
        cd "${work}"
        if [[ "${inventory}" == implicit ]]; then
            unset ANSIBLE_INVENTORY
            ansible-playbook "${file}" "${user_vars[@]}" "${ansible_test_args[@]}"
        else
            ansible-playbook -i "${inventory}" "${file}" "${user_vars[@]}" "${ansible_test_args[@]}"
        fi
    ) > "${work}/output.log" 2>&1 || status=$?
    cat "${work}/output.log"
    if [[ "${status}" != 0 ]]; then
        failures+=("${where} (${command}): exit status ${status}")
    elif ! grep -q -E '^localhost +: ok=[1-9]' "${work}/output.log"; then
        failures+=("${where} (${command}): no task ran on localhost")
    fi
}

# The README's minimal playbook sent files/filters/skip_tmp.js to task 4 byte for byte (last line break
# included, as script_file promises) and removed callback 11.
check_readme_effect() {
    "${python_bin}" - "${EMULATOR_URL}" "${work}/files/filters/skip_tmp.js" <<'PY' || failures+=("README's minimal playbook: wrong effect")
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))
script = open(sys.argv[2], encoding="utf-8").read()
on_task_4 = [callback["script"] for callback in state["task_callbacks"] if callback["task_id"] == 4]
ids = [callback["id"] for callback in state["task_callbacks"]]
if on_task_4 != [script] or 11 in ids:
    sys.exit("docs_examples: after the README's playbook, task 4 holds %r (expected [%r]) and the callbacks are %r (11 must be gone)." % (on_task_4, script, ids))
print("docs_examples: the README's playbook left task 4 with files/filters/skip_tmp.js, byte for byte, and removed callback 11")
PY
}

ansible_test_args=("$@")
runs=0
mapfile -t examples < "${work}/index.tsv"
for example in "${examples[@]}"; do
    file="${example%%$'\t'*}" where="${example#*$'\t'}"
    inventories=("localhost,")
    [[ "${file}" != README-* ]] || inventories+=(implicit)
    for inventory in "${inventories[@]}"; do
        run_example "${file}" "${where}" "${inventory}"
        if grep -q 'filters/skip_tmp.js' "${work}/${file}"; then
            check_readme_effect
        fi
    done
done

echo "docs_examples: ${#examples[@]} playbooks of the docs, ${runs} runs, ${#failures[@]} failures"
if (( ${#failures[@]} )); then
    printf 'docs_examples: FAILED: %s\n' "${failures[@]}" >&2
    exit 1
fi
