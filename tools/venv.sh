#!/usr/bin/env bash
# Create the development virtualenv (if missing) and install requirements-dev.txt into it.
# Called by `make venv`; the Makefile reruns it only when a requirements file changes.
# Usage: tools/venv.sh VENV_DIR STAMP_FILE   (PYTHON selects the interpreter, default python3)
set -euo pipefail

venv="${1:?usage: tools/venv.sh VENV_DIR STAMP_FILE}"
stamp="${2:?usage: tools/venv.sh VENV_DIR STAMP_FILE}"
python="${PYTHON:-python3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v "${python}" >/dev/null 2>&1; then
    echo "venv: ${python} not found; install Python 3.11 (Debian: apt-get install python3 python3-venv)." >&2
    exit 1
fi
if ! "${python}" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
    echo "venv: ${python} is older than Python 3.11, which ansible-core 2.19 needs; set PYTHON=python3.11." >&2
    exit 1
fi
if [[ ! -x "${venv}/bin/python" ]]; then
    echo "venv: creating ${venv} with $("${python}" --version)"
    if ! "${python}" -m venv "${venv}"; then
        rm -rf "${venv}"
        echo "venv: ${python} -m venv failed; on Debian install python3-venv (apt-get install python3-venv)." >&2
        exit 1
    fi
fi
echo "venv: installing requirements-dev.txt into ${venv}"
"${venv}/bin/python" -m pip install --disable-pip-version-check --quiet -r "${root}/requirements-dev.txt"
touch "${stamp}"
