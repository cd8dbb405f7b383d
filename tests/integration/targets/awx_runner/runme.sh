#!/usr/bin/env bash
# The playbook of project/ through ansible-runner, as AWX runs a job template: a private data dir with
# env/envvars (rendered from the docs' credential type), project/ and inventory/, and no
# connection option in the play. Then project/workflow.yml as the jobs of the user guide's AWX workflow
# (a check job that publishes its plan's fingerprint, an apply job that expects it) and as a drift gate.
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

# The user guide's AWX workflow through ansible-runner: a check job publishes its plan's fingerprint
# (set_stats: the job's artifacts, which AWX hands to the next nodes as extra variables), an apply job
# receives it. And the drift gate of a pipeline, fail_on_change, as a job's status.
# workflow_job NAME EXPECTED_STATUS EXTRAVARS_JSON [ARGS...]: project/workflow.yml as one job with the API
# key credential, the extra variables in env/extravars and ARGS on its command line; its status as expected.
workflow_job() {
    local name="$1" expected="$2" extravars="$3" pdd="${work}/$1"
    shift 3
    mkdir -p "${pdd}/inventory" "${pdd}/env"
    cp -R project "${pdd}/project"
    printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "${python_bin}" > "${pdd}/inventory/hosts"
    "${python_bin}" awx_credential.py "${COLLECTION_ROOT}" "${pdd}" '{"url": "'"${EMULATOR_URL}"'", "api_key": "demo-full-access-key", "validate_certs": true}'
    printf '%s\n' "${extravars}" > "${pdd}/env/extravars"
    reset_log
    env -u ANSIBLE_CALLBACKS_ENABLED -u JUNIT_OUTPUT_DIR "${python_bin}" -m ansible_runner run "${pdd}" -p workflow.yml --ident "${name}" \
        ${1:+"--cmdline=$*"} > "${work}/${name}.log" 2>&1 || true
    if [[ "$(cat "${pdd}/artifacts/${name}/status")" != "${expected}" ]]; then
        cat "${work}/${name}.log"
        echo "awx_runner: job ${name} status is $(cat "${pdd}/artifacts/${name}/status"), expected ${expected}" >&2
        return 1
    fi
}

# artifact NAME: the fingerprint the job published, read from its playbook_on_stats event as AWX reads it.
artifact() {
    "${python_bin}" -c 'import glob, json, sys
for path in glob.glob(sys.argv[1] + "/job_events/*.json"):
    event = json.load(open(path))
    if event.get("event") == "playbook_on_stats":
        print(event["event_data"]["artifact_data"]["nodeum_task_callbacks_expect_fingerprint"])' "${work}/$1/artifacts/$1"
}

by_hand() {  # by_hand SCRIPT: an operator sets the nightly backup's filter by hand (creates it when there is none)
    "${python_bin}" -c 'import base64, json, sys, urllib.request
auth = {"Authorization": "Basic " + base64.b64encode(b"admin:nodeum-demo-password").decode(), "Content-Type": "application/json"}
path = "/api/v2/tasks/2/task_callbacks"
found = json.load(urllib.request.urlopen(urllib.request.Request(sys.argv[1] + path, headers=auth)))["task_callbacks"]
method, path = ("PUT", path + "/%d" % found[0]["id"]) if found else ("POST", path)
body = json.dumps({"type": "filter", "script": sys.argv[2]}).encode()
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + path, data=body, method=method, headers=auth))' "${EMULATOR_URL}" "$1"
}

echo "== workflow: the check job publishes the fingerprint; a hand change before the apply job makes it refuse, with no write"
workflow_job check successful '{}' --check
approved="$(artifact check)"
[[ "${approved}" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "awx_runner: the check job published ${approved:-nothing}" >&2; exit 1; }
by_hand "function run(req) { return false; }"
workflow_job apply failed '{"nodeum_task_callbacks_expect_fingerprint": "'"${approved}"'"}'
grep -q 'The server changed since the plan was made' "${work}/apply/artifacts/apply/stdout"
[[ "$(writes)" == "none" ]] || { echo "awx_runner: the refused apply job sent $(writes)" >&2; exit 1; }
workflow_job check_again successful '{}' --check
workflow_job apply_again successful '{"nodeum_task_callbacks_expect_fingerprint": "'"$(artifact check_again)"'"}'
[[ "$(writes)" == "PUT" ]] || { echo "awx_runner: the approved apply job sent $(writes), expected PUT" >&2; exit 1; }
echo "   refused when the server changed after the check, applied after a fresh check"

echo "== the drift gate as a job status: successful when the server matches, failed on drift, with no write"
workflow_job gate_match successful '{"nodeum_task_callbacks_fail_on_change": true}'
by_hand "function run(req) { return false; }"
workflow_job gate_drift failed '{"nodeum_task_callbacks_fail_on_change": true}' --check --diff
grep -q 'fail_on_change is set and the server differs from the list in 1 change' "${work}/gate_drift/artifacts/gate_drift/stdout"
[[ "$(writes)" == "none" ]] || { echo "awx_runner: the gate sent $(writes)" >&2; exit 1; }
echo "   successful on a match, failed on drift"
