#!/usr/bin/env bash
# task_callbacks (the bulk module) and task_callback_info's inventory form against the emulator:
# bad input refused with no request, the request budget (one list GET per task plus the name
# look-ups), check mode and second runs without writes, exclusive drift then removal, a failing
# item beside applied ones; assertions on the results and on the emulator's request log.
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator
use_demo_admin
ansible-playbook playbook.yml "$@"
