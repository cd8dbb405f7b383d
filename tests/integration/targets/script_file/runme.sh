#!/usr/bin/env bash
# script_file on both modules against the emulator.
set -euo pipefail
source ../setup_emulator/emulator.sh

# Made here: sanity (line-endings) keeps CRLF out of the repository.
mkdir -p files
printf 'function filter(request) {\r\n  // "{{ not_a_variable }}" is JavaScript text here\r\n  return true;\r\n}' > files/plain_crlf.js

start_emulator
use_demo_admin
ansible-playbook playbook.yml "$@"
