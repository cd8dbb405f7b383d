#!/usr/bin/env bash
# make release VERSION=x.y.z [DRY_RUN=1] (nox -s release): on the checked-out branch, check that x.y.z is a newer
# semantic version with no tag, the tree clean and the fragments linting; set galaxy.yml's version and release the
# changelog; run the release check; commit "Release x.y.z", build build/release/nodeum-data_archiving-x.y.z.tar.gz
# and tag x.y.z. Nothing is pushed; a failure before the commit puts the tree back. --dry-run shows every step
# (the changelog release tried in a scratch copy) and changes nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Run by `nox -s release`, which puts ansible-core and antsibull-changelog on PATH.
cd "${root}"

usage() { echo "usage: make release VERSION=x.y.z [DRY_RUN=1]   (tools/release.sh x.y.z [--dry-run])" >&2; exit 2; }
version="${1:-}"
dry_run=0
[[ "${2:-}" == "--dry-run" ]] && dry_run=1
[[ $# -le 2 && ( $# -lt 2 || ${dry_run} -eq 1 ) ]] || usage
[[ -n "${version}" ]] || { echo "release: give the version to release, for example make release VERSION=1.0.0." >&2; exit 2; }

fail() { echo "release: $*" >&2; exit 1; }
step() { echo "== $*"; }
# In a dry run, print the command instead of running it.
run() {
    if [[ ${dry_run} -eq 1 ]]; then
        printf 'would run:'; printf ' %q' "$@"; echo
    else
        printf '+'; printf ' %q' "$@"; echo
        "$@"
    fi
}

current="$(sed -n 's/^version: *//p' galaxy.yml)"
tarball="build/release/nodeum-data_archiving-${version}.tar.gz"

step "checks"
[[ "${version}" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
    || fail "${version} is not a semantic version MAJOR.MINOR.PATCH such as 1.0.0."
newest="$(printf '%s\n%s\n' "${current}" "${version}" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)"
[[ "${version}" != "${current}" && "${newest}" == "${version}" ]] \
    || fail "${version} is not newer than galaxy.yml's version ${current}; give a later version."
if git rev-parse -q --verify "refs/tags/${version}" >/dev/null; then
    fail "the tag ${version} exists already; ${version} has been released."
fi
dirty="$(git status --porcelain)"
if [[ -n "${dirty}" ]]; then
    if [[ ${dry_run} -eq 1 ]]; then
        echo "warning: the working tree is not clean; a real release would stop here until it is:"
        while IFS= read -r line; do echo "  ${line}"; done <<<"${dirty}"
    else
        fail "the working tree is not clean; commit or stash these first:"$'\n'"${dirty}"
    fi
fi
antsibull-changelog lint || fail "the changelog fragments do not lint; fix what antsibull-changelog lint names above."
echo "release: ${current} -> ${version} on branch $(git rev-parse --abbrev-ref HEAD) at $(git rev-parse --short HEAD)"

step "galaxy.yml and changelog"
fragments=(changelogs/fragments/*.y*ml)
[[ -e "${fragments[0]}" ]] || fail "changelogs/fragments holds no fragment: a release needs at least its release_summary."
echo "galaxy.yml: version: ${current} -> version: ${version}"
echo "changelog fragments released (and removed): ${fragments[*]}"
if [[ ${dry_run} -eq 1 ]]; then
    # The real commands, on a scratch copy, to show the changelog the release would write.
    scratch="${root}/build/release-dry-run"
    rm -rf "${scratch}"
    copy="${scratch}/source"
    mkdir -p "${copy}"
    git archive HEAD | tar -x -C "${copy}"
    run sed -i "s/^version: .*/version: ${version}/" galaxy.yml
    run antsibull-changelog release --version "${version}"
    sed -i "s/^version: .*/version: ${version}/" "${copy}/galaxy.yml"
    (cd "${copy}" && antsibull-changelog release --version "${version}" >/dev/null)
    echo "CHANGELOG.rst would read (tried in ${scratch}):"
    sed 's/^/  | /' "${copy}/CHANGELOG.rst"
else
    sed -i "s/^version: .*/version: ${version}/" galaxy.yml
    # Until the commit, a failure puts the tree back as it was (it was clean).
    trap 'echo "release: failed; putting the tree back as it was." >&2; git checkout -q HEAD -- .; git clean -q -f -- changelogs CHANGELOG.rst' EXIT
    run antsibull-changelog release --version "${version}"
fi

step "release check"
run tools/release-check.sh

step "commit, tarball and tag"
run git add -A -- galaxy.yml CHANGELOG.rst changelogs
run git commit -q -m "Release ${version}"
[[ ${dry_run} -eq 1 ]] || trap - EXIT
run rm -rf build/release
run ansible-galaxy collection build --force --output-path build/release .
run git tag -a "${version}" -m "nodeum.data_archiving ${version}"

step "left for the maintainer"
echo "push:    git push origin $(git rev-parse --abbrev-ref HEAD) ${version}"
echo "publish: ansible-galaxy collection publish ${tarball} --api-key <Galaxy API key>"
echo "         (the tarball is built from the tagged commit; CI runs sanity, units and integration on the tag)"
if [[ ${dry_run} -eq 1 ]]; then
    echo "release: dry run of ${version}: nothing was changed."
else
    echo "release: ${version} is committed, built (${tarball}) and tagged; nothing was pushed."
fi
