#!/usr/bin/env bash
# The demo (`npm run demo`): generate a month of REES46-shaped events, check and run the example
# notebooks over them, then run the same notebooks over 1,000 real REES46 events.
#   npm run demo                 ~2M events, ~150k customers (about a minute), then the workbench
#   npm run demo -- --full       the real October scale: 42.4M events, ~3M customers
#   npm run demo -- --no-serve   stop after the command-line part
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

events=2000000
serve=yes
for arg in "$@"; do
  case "$arg" in
    --full) events=42400000 ;;
    --no-serve) serve=no ;;
    *) echo "demo: unknown option $arg (use --full, --no-serve)" >&2; exit 2 ;;
  esac
done
demo=.kohort/demo
lake="$demo/lake-$events"
kohort() { node bin/kohort.js "$@"; }

if [ ! -f "$lake/.complete" ]; then
  rm -rf "$lake"
  echo "== generating $events synthetic events into $lake"
  kohort generate --events "$events" --seed 46 --lake "$lake"
  touch "$lake/.complete"
fi

echo
echo "== checking the example notebooks against the data"
kohort check examples/ecommerce/*.kohort --lake "$lake"

echo
echo "== customers: profiles and segments (first rows of each)"
kohort run examples/ecommerce/customers.kohort --lake "$lake" --limit 5

echo
echo "== sales: revenue, funnel, catalogue"
kohort run examples/ecommerce/sales.kohort --lake "$lake" --limit 10

echo
echo "== the same notebooks over 1,000 real REES46 events"
rm -rf "$demo/sample-lake"
kohort import tests/fixtures/rees46-2019-oct-sample.csv --lake "$demo/sample-lake"
kohort run examples/ecommerce/sales.kohort --lake "$demo/sample-lake" --cell funnel
kohort run examples/ecommerce/customers.kohort --lake "$demo/sample-lake" --cell segment_sizes

echo
echo "Try: node bin/kohort.js compile examples/ecommerce/customers.kohort --cell vip --lake $lake"
if [ "$serve" = yes ]; then
  echo
  echo "== the workbench on the example notebooks (Ctrl-C to stop)"
  exec node bin/kohort.js serve --workspace examples/ecommerce --lake "$lake"
fi
