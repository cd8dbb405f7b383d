#!/usr/bin/env bash
# The modules run by the target Python the inventory names: NODEUM_TARGET_PYTHON (the version
# target-<line>-python-X.Y nox sessions), else the Python of ansible-playbook. The -vvv output must show
# that interpreter starting each module's AnsiballZ payload.
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator
use_demo_admin
work="$(mktemp -d)"
cleanup() { rm -rf "${work}"; }  # run by the EXIT trap of setup_emulator

ansible-playbook playbook.yml -vvv -e "emulator_url=${EMULATOR_URL}" "$@" > "${work}/play.log" 2>&1 || {
    tail -n 60 "${work}/play.log" >&2
    echo "target_python: the playbook failed" >&2
    exit 1
}
interpreter="$(sed -n 's/.*"msg": "target interpreter: \(.*\)"$/\1/p' "${work}/play.log" | head -n 1)"
if [ -n "${NODEUM_TARGET_PYTHON:-}" ] && [ "${interpreter}" != "${NODEUM_TARGET_PYTHON}" ]; then
    echo "target_python: the inventory names ${interpreter:-no interpreter}, not NODEUM_TARGET_PYTHON=${NODEUM_TARGET_PYTHON}" >&2
    exit 1
fi
for module in task_callback task_callbacks task_callback_info; do
    if ! grep -F "${interpreter} " "${work}/play.log" | grep -q "AnsiballZ_${module}\.py"; then
        grep -E "EXEC|AnsiballZ" "${work}/play.log" | tail -n 10 >&2
        echo "target_python: ${interpreter} did not run the ${module} module" >&2
        exit 1
    fi
done
echo "target_python: the three modules ran on ${interpreter} ($("${interpreter}" --version 2>&1))."
