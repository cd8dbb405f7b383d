#!/usr/bin/env bash
# The opt-in check of a script on the controller, against the emulator.
set -euo pipefail
source ../setup_emulator/emulator.sh

work="$(mktemp -d)"
cleanup() { rm -rf "${work}" files/broken.py; }  # run by the EXIT trap of setup_emulator

# Made here: sanity (compile, pylint) would refuse a .py file of the repository that does not parse.
printf 'import utils\n\n\ndef run(req):\n    info = utils.get_node_info(req)\n    return info.size <\n' > files/broken.py

start_emulator
use_demo_admin
ansible-playbook playbook.yml "$@"

# The same controller without esprima2: a directory first on PYTHONPATH whose esprima cannot be imported.
mkdir -p "${work}/esprima"
echo 'raise ImportError("esprima is hidden by the script_check target")' > "${work}/esprima/__init__.py"
PYTHONPATH="${work}${PYTHONPATH:+:${PYTHONPATH}}" ansible-playbook without_parser.yml "$@"
