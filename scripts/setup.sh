#!/usr/bin/env bash
# Installs what kohort needs from the package registry and builds it: the library and CLI (tsc)
# and the workbench's browser bundle (Vite). Idempotent and quick when everything is in place;
# the demo, the tests and the benchmarks all start here.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [M,m]=process.versions.node.split(".").map(Number); if (M<20||(M===20&&m<19)) { console.error("kohort needs Node.js 20.19 or newer; this is " + process.version); process.exit(1) }'

# Reinstall only when the package files changed since the last install.
stamp=node_modules/.kohort-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "kohort: installing packages…"
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
npx tsc -p tsconfig.build.json

# The browser bundle, rebuilt only when its sources (or the dsl it bundles) are newer.
ui=dist/workbench-ui/index.html
if [ ! -f "$ui" ] || [ -n "$(find workbench/ui dsl workbench/vite.config.ts -newer "$ui" -type f -print -quit)" ]; then
  echo "kohort: building the workbench…"
  npx vite build --config workbench/vite.config.ts --logLevel warn
fi
