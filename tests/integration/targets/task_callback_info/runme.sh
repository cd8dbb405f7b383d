#!/usr/bin/env bash
# task_callback_info against the emulator: listing, filters, paging past the page cap, and each
# failure a user can meet (unknown or ambiguous task, bad filter, refused credentials, missing scope).
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator --page-cap 50 --fixtures files/fixtures.json
use_demo_admin
ansible-playbook playbook.yml "$@"
