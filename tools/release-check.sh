#!/usr/bin/env bash
# make release-check: what a release needs, end to end, from the built tarball only.
#   1. antsibull-changelog lint (the fragments and changelogs/), and a trial release of the
#      fragments in a scratch copy (the source tree's changelog is left alone);
#   2. ansible-galaxy collection build, from a private copy of what git would commit;
#   3. install of the tarball into an empty collections path;
#   4. the demo playbook (nodeum.data_archiving.demo, playbooks/demo.yml) of that installed copy,
#      against an emulator (also the installed copy's) on 127.0.0.1, with NODEUM_* only; the
#      source tree is neither on the collections path nor the working directory.
set -euo pipefail

# Run by `nox -s release_check`, which puts ansible-core and antsibull-changelog on PATH.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${root}/build/release-check"

rm -rf "${work}"
mkdir -p "${work}/dist" "${work}/collections"

echo "== changelog lint"
(cd "${root}" && antsibull-changelog lint)

echo "== build"
# A scratch copy of what git would commit, for the trial changelog release.
source_copy="${work}/source"
mkdir -p "${source_copy}"
revision="$(cd "${root}" && git stash create)"  # the working tree's tracked files, as a commit that changes nothing
(cd "${root}" && git archive "${revision:-HEAD}" | tar -x -C "${source_copy}")
(cd "${source_copy}" && ansible-galaxy collection build --force --output-path "${work}/dist")
tarballs=("${work}"/dist/nodeum-data_archiving-*.tar.gz)
[[ ${#tarballs[@]} -eq 1 && -f "${tarballs[0]}" ]] || { echo "release-check: expected one tarball in ${work}/dist" >&2; exit 1; }

echo "== trial changelog release (scratch copy)"
version="$(sed -n 's/^version: *//p' "${source_copy}/galaxy.yml")"
(cd "${source_copy}" && antsibull-changelog release --version "${version}" --date 1970-01-01)
grep -q "v${version}" "${source_copy}/CHANGELOG.rst" || { echo "release-check: the trial CHANGELOG.rst has no v${version} section" >&2; exit 1; }
echo "release-check: the fragments release into a CHANGELOG.rst of $(wc -l < "${source_copy}/CHANGELOG.rst") lines"

echo "== install into an empty collections path"
cd "${work}"
ansible-galaxy collection install --offline "${tarballs[0]}" -p "${work}/collections"
installed="${work}/collections/ansible_collections/nodeum/data_archiving"
export ANSIBLE_COLLECTIONS_PATH="${work}/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
found="$(ansible-galaxy collection list nodeum.data_archiving --format json)"
grep -q "${work}/collections" <<<"${found}" || { echo "release-check: ansible-galaxy does not find the installed copy: ${found}" >&2; exit 1; }
[[ -f "${installed}/playbooks/demo.yml" ]] || { echo "release-check: the tarball has no playbooks/demo.yml" >&2; exit 1; }

echo "== demo playbook from the installed copy"
emulator_log="${work}/emulator.log"
python "${installed}/tests/emulator" --host 127.0.0.1 --port 0 --lifetime 600 > "${emulator_log}" 2>&1 &
emulator_pid=$!
trap 'kill "${emulator_pid}" 2>/dev/null || true; wait "${emulator_pid}" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
    url="$(sed -n 's/^Nodeum API emulator listening on //p' "${emulator_log}" | head -n 1)"
    [[ -n "${url}" ]] && break
    kill -0 "${emulator_pid}" 2>/dev/null || { cat "${emulator_log}" >&2; exit 1; }
    sleep 0.1
done
[[ -n "${url}" ]] || { echo "release-check: the emulator did not start; see ${emulator_log}" >&2; exit 1; }

export NODEUM_URL="${url}" NODEUM_USERNAME=admin NODEUM_PASSWORD=nodeum-demo-password
unset NODEUM_API_KEY NODEUM_TOKEN
ansible-playbook -i localhost, nodeum.data_archiving.demo | tee "${work}/demo.log"
# The playbook must have come from the installed copy: its tasks' paths show where it was read.
ansible-playbook -i localhost, nodeum.data_archiving.demo --list-tasks -vv > "${work}/demo-tasks.log" 2>&1 || true
if ! grep -q -x -F "playbook: ${installed}/playbooks/demo.yml" "${work}/demo-tasks.log" || grep -q -F "${root}/playbooks" "${work}/demo-tasks.log"; then
    echo "release-check: the demo playbook was not read from the installed copy; see ${work}/demo-tasks.log" >&2
    exit 1
fi
echo "release-check: ${tarballs[0]##*/} installs and its demo playbook runs from ${installed}"
