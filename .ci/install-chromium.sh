#!/usr/bin/env bash
# Installs Chromium (for the dashboard's headless browser spec) with apt-get,
# only when no `chromium` is on PATH already. Safe to run more than once.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium present: $(command -v chromium)"
  exit 0
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium

command -v chromium >/dev/null 2>&1 || { echo "chromium install failed" >&2; exit 1; }
echo "chromium installed: $(command -v chromium)"
