#!/usr/bin/env bash
# Installs the programs the test suite drives besides Node: Chromium renders /docs the way a
# reader's browser does (gateway/test/docs-browser.int.spec.ts).
# Idempotent: what is installed already is left alone.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "[test-tools] chromium $(chromium --version 2>/dev/null | awk '{print $2}') present"
  exit 0
fi
echo "[test-tools] installing chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
