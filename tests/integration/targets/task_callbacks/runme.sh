#!/usr/bin/env bash
# task_callbacks (the bulk module) and task_callback_info's inventory form against the emulator:
# bad input refused with no request, the request budget (one list GET per task plus the name
# look-ups), check mode and second runs without writes, exclusive drift then removal, a failing
# item beside applied ones; assertions on the results and on the emulator's request log.
# plan.yml, from the demo data again: the plan of a check and of a real run, diff headers, failed items,
# the fail_on_change gate and expect_fingerprint.
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator
use_demo_admin
ansible-playbook playbook.yml "$@"
reset_emulator
ansible-playbook plan.yml "$@"
