#!/usr/bin/env bash
# make demo: in an environment of its own (.venv-demo: ansible-core and requests only, at the
# pins of requirements-dev.txt), stage the collection, start the Nodeum API emulator on
# 127.0.0.1, run playbooks/demo.yml against it, and stop the emulator (by its own pid) whatever
# happens. Every step prints what it does. PYTHON picks the interpreter (default python3).
set -euo pipefail

playbook="playbooks/demo.yml"
# Each line tells the seconds since make demo started (DEMO_STARTED survives the re-run in the stage).
export DEMO_STARTED="${DEMO_STARTED:-$(date +%s)}"
say() { echo "demo: [$(($(date +%s) - DEMO_STARTED)) s] $*"; }

if [[ -z "${NODEUM_STAGED_TREE:-}" ]]; then
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    venv="${root}/.venv-demo"
    python="${PYTHON:-python3}"
    if [[ ! -f "${root}/${playbook}" || ! -e "${root}/tests/emulator/__main__.py" ]]; then
        echo "demo: ${playbook} or tests/emulator is missing from ${root}; run make demo from a full clone of the collection." >&2
        exit 1
    fi
    # The pins are those of the development venv, read from requirements-dev.txt (written once there).
    pins=()
    while read -r pin; do pins+=("${pin}"); done < <(grep -E '^(ansible-core|requests)==' "${root}/requirements-dev.txt")
    if [[ ${#pins[@]} -ne 2 ]]; then
        echo "demo: requirements-dev.txt must pin ansible-core and requests (name==version); it pins: ${pins[*]:-nothing}." >&2
        exit 1
    fi
    stamp="${venv}/.demo-requirements"
    if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${pins[*]}" ]]; then
        say "step 1/4: ${venv##*/} already holds ${pins[*]}"
    else
        if ! command -v "${python}" >/dev/null 2>&1 || ! "${python}" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))'; then
            echo "demo: ${python} is missing or older than Python 3.11, which ansible-core 2.19 needs; set PYTHON=python3.11." >&2
            exit 1
        fi
        rm -rf "${venv}"
        say "step 1/4: creating ${venv##*/} ($("${python}" --version)) and installing ${pins[*]} into it"
        if ! "${python}" -m venv --without-pip "${venv}"; then
            rm -rf "${venv}"
            echo "demo: ${python} -m venv failed; on Debian install python3-venv (apt-get install python3-venv)." >&2
            exit 1
        fi
        # A pip that can install into another environment (pip 22.3 or later, --python) saves the
        # venv its own pip, several seconds of ensurepip; otherwise the venv gets one.
        if "${python}" -m pip --python "${venv}/bin/python" --version >/dev/null 2>&1; then
            installer=("${python}" -m pip --python "${venv}/bin/python")
        elif "${venv}/bin/python" -m ensurepip --default-pip >/dev/null; then
            installer=("${venv}/bin/python" -m pip)
        else
            rm -rf "${venv}"
            echo "demo: ${python} has no pip and its venv cannot get one (ensurepip); on Debian install python3-venv and python3-pip." >&2
            exit 1
        fi
        # --no-compile: Python compiles (and caches) on first use only the modules the demo imports.
        if ! "${installer[@]}" install --disable-pip-version-check --progress-bar off --no-compile "${pins[@]}"; then
            echo "demo: pip could not install ${pins[*]}; check the network or the pip configuration, then run make demo again." >&2
            exit 1
        fi
        echo "${pins[*]}" > "${stamp}"
    fi
    say "step 2/4: staging the collection as ansible_collections/nodeum/data_archiving under build/demo"
    # A stage of its own, so that the demo never waits for a check holding build/collections.
    export NODEUM_STAGE_DIR="${root}/build/demo/collections"
    exec "${venv}/bin/python" "${root}/tools/staged.py" "${root}/tools/demo.sh" "$@"
fi

# From here on: cwd is the staged collection, with HOME, PATH and ANSIBLE_COLLECTIONS_PATH set.
logs="${NODEUM_REPO_ROOT}/build/logs"
mkdir -p "${logs}"
emulator_log="${logs}/demo-emulator.log"

say "step 3/4: starting the Nodeum API emulator (tests/emulator, demo data) on 127.0.0.1"
: >"${emulator_log}"  # exists before the wait loop reads it (the background redirection may come later)
python tests/emulator --host 127.0.0.1 --port 0 --lifetime 600 >"${emulator_log}" 2>&1 &
emulator_pid=$!
stop_emulator() {
    if kill -0 "${emulator_pid}" 2>/dev/null; then
        kill "${emulator_pid}" 2>/dev/null || true
        wait "${emulator_pid}" 2>/dev/null || true
        say "emulator stopped"
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
say "emulator listening on ${url} (pid ${emulator_pid})"

export NODEUM_URL="${url}"
export NODEUM_USERNAME=admin
export NODEUM_PASSWORD=nodeum-demo-password
say "step 4/4: ansible-playbook -i localhost, ${playbook} (connection from NODEUM_URL, NODEUM_USERNAME, NODEUM_PASSWORD)"
# An inventory of localhost alone: the demo needs no other host (and Ansible then warns of none).
ansible-playbook -i "localhost," "${playbook}"
say "done"
