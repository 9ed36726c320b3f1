#!/usr/bin/env bash
# Installs what a fresh machine lacks for building and testing: Node 24 and pnpm into /opt/node24
# from the npm registry, and Debian's docker-compose.
# The machine's own Node (20) is too old for running .ts files by type stripping.
# Idempotent: a prefix that already holds Node 24 and pnpm is left as it is.
# Callers put "$NODE_PREFIX/bin" first on PATH afterwards.
set -euo pipefail

NODE_PREFIX="${NODE_PREFIX:-/opt/node24}"
NODE_MAJOR=24
# The major the lockfile was written with; a different major may rewrite pnpm-lock.yaml.
PNPM_MAJOR=12

log() { echo "[install-toolchain] $*"; }

node_version() { "$NODE_PREFIX/bin/node" --version 2>/dev/null || true; }

if [[ "$(node_version)" == "v${NODE_MAJOR}."* ]]; then
  log "node $(node_version) present"
else
  log "installing node@${NODE_MAJOR} into $NODE_PREFIX"
  # The "node" package on the npm registry ships the official binary for this platform.
  npm install -g --no-fund --no-audit --loglevel=error --prefix "$NODE_PREFIX" "node@${NODE_MAJOR}"
  [[ "$(node_version)" == "v${NODE_MAJOR}."* ]] || { echo "node@${NODE_MAJOR} install failed" >&2; exit 1; }
  log "node $(node_version) installed"
fi

export PATH="$NODE_PREFIX/bin:$PATH"

if [[ -x "$NODE_PREFIX/bin/pnpm" ]]; then
  log "pnpm $("$NODE_PREFIX/bin/pnpm" --version) present"
else
  log "installing pnpm@${PNPM_MAJOR} into $NODE_PREFIX"
  npm install -g --no-fund --no-audit --loglevel=error --prefix "$NODE_PREFIX" "pnpm@${PNPM_MAJOR}"
  log "pnpm $("$NODE_PREFIX/bin/pnpm" --version) installed"
fi

# Debian's docker-compose (v1) validates docker-compose.yml offline in the deploy-manifest tests;
# the tests fail without it.
if command -v docker-compose >/dev/null; then
  log "docker-compose present"
else
  log "installing docker-compose"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi
