#!/usr/bin/env bash
# Each module's RETURN documentation against the results it really gives: the playbooks of cases/ run
# every module in each of its modes against the emulator, a callback records every result as Ansible
# got it, and check_return_docs.py compares them with ansible-doc --json, key by key. A new module is
# covered by adding cases/<module>.yml (check_return_docs.py fails for a module without results).
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator
use_demo_admin

work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"

export RECORD_RESULTS_DIR="${work}"
export ANSIBLE_CALLBACK_PLUGINS="${PWD}/callback_plugins"
export ANSIBLE_CALLBACKS_ENABLED=record_results
for cases in cases/*.yml; do
    # Each module's cases start from the demo data.
    reset_emulator
    ansible-playbook "${cases}" "$@"
done

# The checker must catch broken results: an undocumented key, a missing one and a wrong type (every
# integer turned into text), in a copy of the recorded results.
mkdir -p "${work}/broken"
"${python_bin}" - "${work}" "${work}/broken" <<'PY'
import json, pathlib, sys
source, broken = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])

def ints_as_text(value):
    if isinstance(value, dict):
        return {key: ints_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [ints_as_text(item) for item in value]
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

for path in source.glob('*.jsonl'):
    lines = []
    for line in path.read_text(encoding='utf-8').splitlines():
        record = json.loads(line)
        result = ints_as_text(record['result'])
        record['result'] = result
        result['undocumented_key'] = 1
        for key in [key for key in result if key not in ('changed', 'diff', 'invocation', 'failed') and not key.startswith('_')][:1]:
            del result[key]
        lines.append(json.dumps(record))
    (broken / path.name).write_text('\n'.join(lines) + '\n', encoding='utf-8')
PY
if "${python_bin}" check_return_docs.py "${work}/broken" > "${work}/broken.log"; then
    echo "return_docs: check_return_docs.py passed results that break their documentation:" >&2
    cat "${work}/broken.log" >&2
    exit 1
fi
grep -q 'undocumented_key is returned but not documented' "${work}/broken.log"
grep -q 'but missing' "${work}/broken.log"
grep -q 'is str, documented as int' "${work}/broken.log"
echo "return_docs: check_return_docs.py rejects broken results ($(grep -c ': ' "${work}/broken.log") lines)"

"${python_bin}" check_return_docs.py "${work}"
