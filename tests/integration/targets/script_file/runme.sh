#!/usr/bin/env bash
# script_file on both modules against the emulator.
set -euo pipefail
source ../setup_emulator/emulator.sh

start_emulator
use_demo_admin
ansible-playbook playbook.yml "$@"
