#!/usr/bin/env bash
# module_defaults (group/nodeum.data_archiving.nodeum) alone connects both modules and the role to the emulator,
# and wins over conflicting NODEUM_* variables.
set -euo pipefail

source ../setup_emulator/emulator.sh
start_emulator
unset NODEUM_URL NODEUM_USERNAME NODEUM_PASSWORD NODEUM_API_KEY NODEUM_API_KEY_PREFIX NODEUM_TOKEN \
    NODEUM_VALIDATE_CERTS NODEUM_CA_PATH NODEUM_TIMEOUT
if env | grep -q -E '^NODEUM_(URL|USERNAME|PASSWORD|API_KEY|API_KEY_PREFIX|TOKEN|VALIDATE_CERTS|CA_PATH|TIMEOUT)='; then
    echo "module_defaults_group: a NODEUM_* variable is still set" >&2
    exit 1
fi
ansible-playbook playbook.yml -e "emulator_url=${EMULATOR_URL}" "$@"

# The play's connection wins over conflicting NODEUM_* variables, for both modules and the role
# (on the demo data again: task 4 without a callback).
reset_emulator
NODEUM_URL=http://127.0.0.1:9 NODEUM_API_KEY=demo-read-only-key \
    ansible-playbook conflicting_environment.yml -e "emulator_url=${EMULATOR_URL}" "$@"
