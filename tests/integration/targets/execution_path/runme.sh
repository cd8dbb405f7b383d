#!/usr/bin/env bash
# Both execution paths of the action plugins, side by side: the in-process path runs no module
# (no AnsiballZ payload in the -vvv output), NODEUM_FORCE_MODULE=1 runs the module, both return
# the same results; and the path that `make test` asked for is the one its targets get.
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator
use_demo_admin
asked_for_module_path="${NODEUM_FORCE_MODULE:-}"
# The integration_config.yml also holds nodeum_execution_path: module for that run; it must agree with what setup_emulator exported.
config="$(dirname "${INVENTORY_PATH:-.}")/integration_config.yml"
if [ -f "${config}" ] && grep -q -E '^nodeum_execution_path: *"?module"? *$' "${config}" && [ "${asked_for_module_path}" != 1 ]; then
    echo "execution_path: integration_config.yml asks for the module path, but NODEUM_FORCE_MODULE is not set for the targets" >&2
    exit 1
fi
work="${OUTPUT_DIR:-$(mktemp -d)}"

run_path() {  # run_path NAME [VAR=VALUE...]: reset the emulator, run the playbook, keep its results and -vvv output
    local name="$1"
    shift
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/_emulator/reset', method='POST'))" "${EMULATOR_URL}"
    env -u NODEUM_FORCE_MODULE "$@" ansible-playbook playbook.yml -vvv -e "emulator_url=${EMULATOR_URL}" -e "result_file=${work}/${name}.json" > "${work}/${name}.log" 2>&1 || {
        tail -n 60 "${work}/${name}.log" >&2
        echo "execution_path: the playbook failed on the ${name} path" >&2
        exit 1
    }
}

run_path in-process
run_path module NODEUM_FORCE_MODULE=1

# The in-process path builds no module payload; the module path does, for each module, and the
# second play (nodeum_force_module: true) does on both runs.
payloads() { grep -c -E "AnsiballZ_task_callback(_info)?\.py" "$1" || true; }
in_process_payloads="$(sed -n '1,/PLAY \[The variable nodeum_force_module/p' "${work}/in-process.log" | grep -c -E 'AnsiballZ_task_callback(_info)?\.py' || true)"
if [ "${in_process_payloads}" != 0 ]; then
    echo "execution_path: the in-process run built ${in_process_payloads} module payloads" >&2
    exit 1
fi
for module in task_callback task_callback_info; do
    if ! grep -q "AnsiballZ_${module}.py" "${work}/module.log"; then
        echo "execution_path: NODEUM_FORCE_MODULE=1 did not run the ${module} module" >&2
        exit 1
    fi
done
if ! sed -n '/PLAY \[The variable nodeum_force_module/,$p' "${work}/in-process.log" | grep -q 'AnsiballZ_task_callback_info.py'; then
    echo "execution_path: nodeum_force_module: true did not run the module" >&2
    exit 1
fi
echo "execution_path: in-process run $(payloads "${work}/in-process.log") payloads (forced play only), module run $(payloads "${work}/module.log")."

# The same results on both paths, but for the id the emulator gave the created callback (made 0).
same_results() {  # same_results IN_PROCESS.json MODULE.json
"${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" - "$1" "$2" <<'PYTHON'
import json, re, sys

def normal(path):
    results = json.load(open(path))
    created = results['create']['task_callback']['id']
    return json.loads(re.sub(r'\b%d\b' % created, '0', json.dumps(results)))

in_process, module = (normal(path) for path in sys.argv[1:3])
if in_process != module:
    for name in sorted(in_process):
        if in_process[name] != module.get(name):
            print('execution_path: %s differs\nin-process: %s\nmodule:     %s' % (name, json.dumps(in_process[name], sort_keys=True),
                                                                              json.dumps(module.get(name), sort_keys=True)), file=sys.stderr)
    sys.exit(1)
print('execution_path: both paths returned the same %d results (%s).' % (len(in_process), sys.argv[1]))
PYTHON
}
same_results "${work}/in-process.json" "${work}/module.json"

# ansible-core 2.21 adds invocation to a module's answer only with INJECT_INVOCATION (older lines
# always add it, and ignore the variable): with it on, both paths still answer alike (what a
# registered variable keeps of invocation is the controller's choice, the same on both paths).
run_path in-process-invocation ANSIBLE_INJECT_INVOCATION=true
run_path module-invocation ANSIBLE_INJECT_INVOCATION=true NODEUM_FORCE_MODULE=1
same_results "${work}/in-process-invocation.json" "${work}/module-invocation.json"

# The path `make test` asked for (integration_config.yml, exported by setup_emulator) reaches ansible-playbook.
ansible-playbook playbook.yml -vvv -e "emulator_url=${EMULATOR_URL}" -e "result_file=${work}/asked.json" > "${work}/asked.log" 2>&1 || {
    tail -n 60 "${work}/asked.log" >&2
    exit 1
}
asked_payloads="$(sed -n '1,/PLAY \[The variable nodeum_force_module/p' "${work}/asked.log" | grep -c -E 'AnsiballZ_task_callback(_info)?\.py' || true)"
if [ "${asked_for_module_path}" = 1 ] && [ "${asked_payloads}" = 0 ]; then
    echo "execution_path: the module path was asked for, but the tasks ran in-process" >&2
    exit 1
elif [ "${asked_for_module_path}" != 1 ] && [ "${asked_payloads}" != 0 ]; then
    echo "execution_path: the in-process path was asked for, but the tasks ran as modules" >&2
    exit 1
fi
echo "execution_path: this run asked for the $([ "${asked_for_module_path}" = 1 ] && echo module || echo in-process) path and got it."
