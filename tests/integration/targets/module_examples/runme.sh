#!/usr/bin/env bash
# The EXAMPLES of every module (as ansible-doc shows them) run as written against the emulator, with the
# connection given only by the NODEUM_* environment variables (demo admin). The playbooks of the docs
# run in the docs_examples target, which shares doc_blocks.py and support/ with this one.
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator
use_demo_admin

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator

# The demo data, which each module's play restores before its examples.
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
"${python_bin}" -c 'import json, sys, urllib.request; json.dump({"demo_state": json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/state"))}, open(sys.argv[2], "w"))' \
    "${EMULATOR_URL}" "${work}/demo_state.json"

"${python_bin}" examples_playbook.py "${COLLECTION_ROOT}" "${work}"

echo "== EXAMPLES of every module"
(cd "${work}" && ansible-playbook examples.yml -e "@${work}/demo_state.json" "$@") | tee "${work}/output.log"

# No failure, and only the tasks marked "when: false" skipped.
recap="$(grep -E '^localhost +:' "${work}/output.log")"
grep -q ' failed=0 ' <<<"${recap}"
skipped="$(sed -n 's/.* skipped=\([0-9]*\).*/\1/p' <<<"${recap}")"
expected_skips="$(grep -c 'when: false' "${work}/examples.yml" || true)"
if [[ "${skipped}" != "${expected_skips}" ]]; then
    echo "module_examples: ${skipped} tasks were skipped, expected ${expected_skips} (the tasks marked when: false)." >&2
    exit 1
fi
