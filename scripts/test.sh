#!/usr/bin/env bash
# The one test command (`npm test`): set up, type-check everything (tests included), run vitest, and
# close with a plain summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json
npx tsc -p workbench/ui/tsconfig.json
mkdir -p .kohort
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.kohort/test-results.json "$@" || status=$?
node -e '
const r = JSON.parse(require("fs").readFileSync(".kohort/test-results.json", "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit $status
