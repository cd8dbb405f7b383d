#!/usr/bin/env bash
# Build the collection tarball from the staged tree, install it into an empty collections
# path, and check that ansible-doc renders every module of plugins/modules/ from that copy.
# Also checks the tarball's files against tests/meta/tarball-contents.txt (tools/check_tarball.py).
set -euo pipefail

if [[ -z "${NODEUM_STAGED_TREE:-}" ]]; then
    # Stage the tree and rerun this script in it, holding the stage lock (tools/staged.py).
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    exec "${root}/.venv/bin/python" "${root}/tools/staged.py" "${root}/tools/build-doc.sh" "$@"
fi

dist="${NODEUM_REPO_ROOT}/build/dist"
rm -rf "${dist}"
mkdir -p "${dist}"
ansible-galaxy collection build --force --output-path "${dist}" "${NODEUM_STAGED_TREE}"

shopt -s nullglob
tarballs=("${dist}"/nodeum-data_archiving-*.tar.gz)
if [[ ${#tarballs[@]} -ne 1 ]]; then
    echo "build-doc: expected one nodeum-data_archiving tarball in ${dist}, found ${#tarballs[@]}." >&2
    exit 1
fi
tarball="${tarballs[0]}"

status=0
# The tarball holds what tests/meta/tarball-contents.txt lists, and nothing else.
"${NODEUM_REPO_ROOT}/.venv/bin/python" "${NODEUM_STAGED_TREE}/tools/check_tarball.py" "${tarball}" || status=1

install_dir="$(mktemp -d)"
trap 'rm -rf "${install_dir}"' EXIT
# Only the freshly installed copy may be visible: not the staged tree, not site-packages.
export ANSIBLE_COLLECTIONS_PATH="${install_dir}"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --offline --force "${tarball}" -p "${install_dir}"
installed="${install_dir}/ansible_collections/nodeum/data_archiving"
cd "${install_dir}"

modules=()
for path in "${installed}"/plugins/modules/*.py; do
    name="$(basename "${path}" .py)"
    [[ "${name}" == __init__ ]] || modules+=("${name}")
done
if [[ ${#modules[@]} -eq 0 ]]; then
    echo "build-doc: the built collection has no modules yet; nothing to document."
fi

export ANSIBLE_NOCOLOR=1
errors="${install_dir}/ansible-doc.stderr"
for name in "${modules[@]}"; do
    fqcn="nodeum.data_archiving.${name}"
    if ! doc="$(ansible-doc -t module "${fqcn}" 2>"${errors}")"; then
        echo "build-doc: ansible-doc ${fqcn} failed:" >&2
        cat "${errors}" >&2
        status=1
    elif [[ -z "${doc}" ]] || ! grep -q "${fqcn}" <<<"${doc}"; then
        echo "build-doc: ansible-doc ${fqcn} printed no documentation:" >&2
        cat "${errors}" >&2
        status=1
    elif [[ -s "${errors}" ]]; then
        echo "build-doc: ansible-doc ${fqcn} printed warnings or errors:" >&2
        cat "${errors}" >&2
        status=1
    else
        echo "build-doc: ${fqcn}: $(wc -l <<<"${doc}") lines of documentation."
    fi
done
exit "${status}"
