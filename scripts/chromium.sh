#!/usr/bin/env bash
# Makes sure a Chromium for the end-to-end tests and the workbench bench exists at /usr/bin/chromium
# (or $KOHORT_CHROMIUM). playwright-core drives it; we never download Playwright's own browsers.
set -euo pipefail
browser="${KOHORT_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "kohort: Chromium not found at $browser and apt-get is unavailable; install Chromium and set KOHORT_CHROMIUM" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
echo "kohort: installing Chromium for the browser tests…" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
[ -x "$browser" ] || { echo "kohort: Chromium installed but $browser is missing" >&2; exit 1; }
