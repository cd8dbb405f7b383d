#!/usr/bin/env bash
# A hostile server of the target's own (servers.py, on 127.0.0.1) against the modules, end to end:
# - escape sequences in a 422's messages, its reason phrase, an id quoted in a warning and a script
#   shown by --diff reach the terminal escaped: the output holds no control character but line breaks;
# - a 422 whose details nest 300 deep is displayed, its details bounded;
# - an id '..' in a listing sends no request but the listing;
# - headers that drip a byte within every timeout end at the deadline of the request, an answer that never ends at
#   64 MiB.
# verify.py checks each sentence, each request sent and the whole output.
set -euo pipefail
source ../setup_emulator/emulator.sh

work="$(mktemp -d)"
servers_pid=""
cleanup() {
    if [ -n "${servers_pid}" ]; then
        kill "${servers_pid}" 2>/dev/null || true
        wait "${servers_pid}" 2>/dev/null || true
    fi
    rm -rf "${work}"
}

python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
"${python}" servers.py --log "${work}/requests.log" --lifetime "${EMULATOR_LIFETIME}" > "${work}/port.json" &
servers_pid=$!
for _try in $(seq 1 100); do
    [ -s "${work}/port.json" ] && break
    kill -0 "${servers_pid}" 2>/dev/null || { echo "hostile_server: the server did not start" >&2; exit 1; }
    sleep 0.1
done
touch "${work}/requests.log"

export NODEUM_USERNAME=admin NODEUM_PASSWORD=hostile-server-password ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
unset NODEUM_URL NODEUM_API_KEY NODEUM_TOKEN
if ! ansible-playbook playbook.yml "$@" -v -e "work=${work}" -e "@${work}/port.json" > "${work}/output.log" 2>&1; then
    cat "${work}/output.log"
    echo "hostile_server: the playbook failed" >&2
    exit 1
fi
"${python}" verify.py "${work}"
