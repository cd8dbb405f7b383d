#!/usr/bin/env bash
# async on every module of the collection, against the emulator.
set -euo pipefail
source ../setup_emulator/emulator.sh

work="$(mktemp -d)"
dest="${work}/export"
# The job files in a directory of the test's own: with $HOME not the account's home (a fresh clone run with an empty
# HOME), ansible-core writes them under $HOME and its async poll looks under the passwd home.
export ANSIBLE_ASYNC_DIR="${work}/async"
start_emulator
use_demo_admin
ansible-playbook playbook.yml -e "export_dest=${dest}" "$@"
[[ ! -e "${dest}" ]] || { echo "async_tasks: task_callback_export with async wrote ${dest}" >&2; exit 1; }
