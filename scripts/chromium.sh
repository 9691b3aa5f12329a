#!/usr/bin/env bash
# Makes sure a Chromium for the end-to-end tests and the workbench bench exists at /usr/bin/chromium
# (or $KOHORT_CHROMIUM). playwright-core drives it; we never download Playwright's own browsers.
set -euo pipefail
browser="${KOHORT_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if [ -n "${KOHORT_CHROMIUM:-}" ]; then
  echo "kohort: KOHORT_CHROMIUM is $browser, which is not an executable" >&2
  exit 1
fi
bash "$(dirname "$0")/apt-install.sh" chromium "the browser tests"
[ -x "$browser" ] || { echo "kohort: Chromium installed but $browser is missing" >&2; exit 1; }
