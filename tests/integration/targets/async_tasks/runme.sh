#!/usr/bin/env bash
# async on every module of the collection, against the emulator.
set -euo pipefail
source ../setup_emulator/emulator.sh

dest="$(mktemp -d)/export"
start_emulator
use_demo_admin
ansible-playbook playbook.yml -e "export_dest=${dest}" "$@"
[[ ! -e "${dest}" ]] || { echo "async_tasks: task_callback_export with async wrote ${dest}" >&2; exit 1; }
