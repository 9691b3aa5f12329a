#!/usr/bin/env bash
# Installs what kohort needs from the package registry and builds it. Idempotent and quiet when
# everything is already in place; the demo and the tests both start here.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [M,m]=process.versions.node.split(".").map(Number); if (M<20||(M===20&&m<19)) { console.error("kohort needs Node.js 20.19 or newer; this is " + process.version); process.exit(1) }'

# Reinstall only when the lock file changed since the last install.
stamp=node_modules/.kohort-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "kohort: installing packages…"
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
npx tsc -p tsconfig.build.json
