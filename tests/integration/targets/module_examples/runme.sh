#!/usr/bin/env bash
# The EXAMPLES of every module run as written (as ansible-doc shows them) against the emulator,
# with the connection given only by the NODEUM_* environment variables (demo admin).
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator
use_demo_admin

work="$(mktemp -d)"
trap 'rm -rf "${work}"; stop_emulators' EXIT

# The demo data, to restore before the examples of each module.
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
"${python_bin}" -c 'import json, sys, urllib.request; json.dump({"demo_state": json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))}, open(sys.argv[2], "w"))' \
    "${EMULATOR_URL}" "${work}/demo_state.json"

"${python_bin}" examples_playbook.py "${work}/examples.yml"
ansible-playbook "${work}/examples.yml" -e "@${work}/demo_state.json" "$@" | tee "${work}/output.log"

# Every example task ran: none failed, and only the one marked "when: false" was skipped.
recap="$(grep -E '^localhost +:' "${work}/output.log")"
echo "${recap}"
grep -q ' failed=0 ' <<<"${recap}"
skipped="$(sed -n 's/.* skipped=\([0-9]*\).*/\1/p' <<<"${recap}")"
expected_skips="$(grep -c 'when: false' "${work}/examples.yml" || true)"
if [[ "${skipped}" != "${expected_skips}" ]]; then
    echo "module_examples: ${skipped} tasks were skipped, expected ${expected_skips} (the examples marked when: false)." >&2
    exit 1
fi
