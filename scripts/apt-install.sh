#!/usr/bin/env bash
# Installs a Debian package the tests or benchmarks need (Chromium, wrk) with apt, as root or
# through sudo; says plainly what to do where apt is missing.
#   scripts/apt-install.sh PACKAGE "what it is for"
set -euo pipefail
package="$1"
purpose="$2"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "kohort: $package is needed for $purpose, and apt-get is unavailable: install $package" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
echo "kohort: installing $package for $purpose…" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >&2
