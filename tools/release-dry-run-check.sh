#!/usr/bin/env bash
# Check that `make release VERSION=<next major> DRY_RUN=1` shows every step of a release and
# changes nothing: the same `git status`, HEAD, tags and galaxy.yml before and after.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
git rev-parse --git-dir >/dev/null 2>&1 || { echo "release-dry-run-check: ${root} is not a git checkout." >&2; exit 1; }

current="$(sed -n 's/^version: *//p' galaxy.yml)"
next="$(( ${current%%.*} + 1 )).0.0"
state() { git status --porcelain --untracked-files=all; git rev-parse HEAD; git tag -l; sha256sum galaxy.yml; }
before="$(state)"
output="$(make --no-print-directory release VERSION="${next}" DRY_RUN=1 2>&1)" || { echo "${output}"; echo "release-dry-run-check: the dry run of ${next} failed." >&2; exit 1; }
echo "${output}"
after="$(state)"

status=0
if [[ "${before}" != "${after}" ]]; then
    echo "release-dry-run-check: the dry run changed the tree, HEAD or the tags:" >&2
    diff <(echo "${before}") <(echo "${after}") >&2 || true
    status=1
fi
for expected in \
    "galaxy.yml: version: ${current} -> version: ${next}" \
    "would run: antsibull-changelog release --version ${next}" \
    "  | v${next}" \
    "would run: tools/release-check.sh" \
    "would run: git commit -q -m Release\\ ${next}" \
    "would run: ansible-galaxy collection build" \
    "would run: git tag -a ${next}" \
    "release: dry run of ${next}: nothing was changed."; do
    if ! grep -q -F -- "${expected}" <<<"${output}"; then
        echo "release-dry-run-check: the dry run does not show: ${expected}" >&2
        status=1
    fi
done
[[ ${status} -eq 0 ]] && echo "release-dry-run-check: the dry run of ${next} shows every step and leaves the tree unchanged."
exit "${status}"
