#!/usr/bin/env bash
# The playbook of project/ through ansible-runner, as AWX runs a job template: a private data dir with
# env/envvars (rendered from the docs' credential type), project/ and inventory/, and no
# connection option in the play.
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
unset NODEUM_URL NODEUM_USERNAME NODEUM_PASSWORD NODEUM_API_KEY NODEUM_API_KEY_PREFIX NODEUM_TOKEN \
    NODEUM_VALIDATE_CERTS NODEUM_CA_PATH NODEUM_TIMEOUT

work="$(mktemp -d)"
cleanup() { [[ -n "${KEEP_WORK:-}" ]] || rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator

# The methods of the writes, sorted: the role sends its writes concurrently (one bulk module call).
writes() {
    "${python_bin}" -c 'import json, sys, urllib.request
log = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/requests"))["requests"]
print(" ".join(sorted(entry["method"] for entry in log if entry["method"] != "GET")) or "none")' "${EMULATOR_URL}"
}

reset_log() {
    "${python_bin}" -c 'import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/requests", method="DELETE"))' "${EMULATOR_URL}"
}

# run_job NAME INPUTS_JSON SECRET: one job in a fresh private data dir; SECRET must not show in its output.
run_job() {
    local name="$1" inputs="$2" secret="$3" pdd="${work}/$1"
    mkdir -p "${pdd}/inventory"
    cp -R project "${pdd}/project"
    printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "${python_bin}" > "${pdd}/inventory/hosts"
    "${python_bin}" awx_credential.py "${COLLECTION_ROOT}" "${pdd}" "${inputs}"
    reset_log
    # The job is a user's, not a test of ours: keep it out of the junit results of this target.
    if ! env -u ANSIBLE_CALLBACKS_ENABLED -u JUNIT_OUTPUT_DIR "${python_bin}" -m ansible_runner run "${pdd}" -p site.yml --ident "${name}" > "${work}/${name}.log" 2>&1; then
        cat "${work}/${name}.log"
        echo "awx_runner: job ${name} failed" >&2
        return 1
    fi
    if [[ "$(cat "${pdd}/artifacts/${name}/status")" != successful ]]; then
        echo "awx_runner: job ${name} status is $(cat "${pdd}/artifacts/${name}/status")" >&2
        return 1
    fi
    if grep -q -F -- "${secret}" "${pdd}/artifacts/${name}/stdout" "${work}/${name}.log"; then
        echo "awx_runner: job ${name} shows a credential in its output" >&2
        return 1
    fi
    grep -E 'localhost.*ok=[0-9]+' "${pdd}/artifacts/${name}/stdout" | sed 's/\x1b\[[0-9;]*m//g'
}

echo "== job 1: user and password credential; the role creates two callbacks"
run_job basic '{"url": "'"${EMULATOR_URL}"'", "username": "admin", "password": "nodeum-demo-password", "validate_certs": true}' nodeum-demo-password
[[ "$(writes)" == "POST PUT" ]] || { echo "awx_runner: job 1 sent $(writes), expected POST PUT" >&2; exit 1; }

echo "== job 2: API key credential; nothing left to change"
run_job api_key '{"url": "'"${EMULATOR_URL}"'", "api_key": "demo-full-access-key", "validate_certs": true}' demo-full-access-key
[[ "$(writes)" == "none" ]] || { echo "awx_runner: job 2 sent $(writes), expected no write" >&2; exit 1; }

echo "== job 3: a read-only key is refused with the scope it lacks"
"${python_bin}" -c 'import json, sys, urllib.request
body = json.dumps({"tasks": json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))["tasks"], "task_callbacks": []}).encode()
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_emulator/state", data=body, method="PUT", headers={"Content-Type": "application/json"}))' "${EMULATOR_URL}"
if run_job read_only '{"url": "'"${EMULATOR_URL}"'", "api_key": "demo-read-only-key"}' demo-read-only-key > /dev/null 2>&1; then
    echo "awx_runner: job 3 with a read-only key succeeded" >&2
    exit 1
fi
grep -q 'lacks the scope task_callbacks/create' "${work}/read_only/artifacts/read_only/stdout"
echo "job 3 failed as expected: $(grep -o 'the credential lacks the scope task_callbacks/create' "${work}/read_only/artifacts/read_only/stdout" | head -n 1)"
