#!/usr/bin/env bash
# task_callback against the emulator: every identity case x each state x normal, check and diff
# mode, each run twice, with assertions on changed, the returned callback, the diff text and
# the emulator's request log.
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator
use_demo_admin
ansible-playbook playbook.yml "$@"
ansible-playbook unmanaged_attributes.yml "$@"
