#!/usr/bin/env bash
# Builds and installs the pgvector extension into the system PostgreSQL 15.
#
# Debian bookworm ships no pgvector package for PostgreSQL 15, so we build it
# from Debian's own source package of the next release (trixie). The trixie
# source list lives in a separate sources file with its own lists folder, so the
# machine's normal apt state (and its bookworm binary packages) stays untouched.
# Idempotent: does nothing when the extension is already installed.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
CONTROL_FILE="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
SOURCE_SUITE="trixie"

log() { echo "[install-pgvector] $*"; }

if [[ -f "$CONTROL_FILE" ]]; then
  log "already installed ($CONTROL_FILE)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive

# The mirror host is read from the machine's own apt configuration at run time;
# it is never written into the repository.
mirror_uri() {
  local uri=""
  shopt -s nullglob
  local sources=(/etc/apt/sources.list.d/*.sources)
  local lists=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  shopt -u nullglob
  if ((${#sources[@]})); then
    # deb822 format: the first URIs line pointing at a plain "debian" archive.
    uri="$(grep -h '^URIs:' "${sources[@]}" | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)"
  fi
  if [[ -z "$uri" && ${#lists[@]} -gt 0 ]]; then
    # one-line format: "deb [opts] URI suite components".
    uri="$(grep -hE '^deb ' "${lists[@]}" 2>/dev/null | sed -E 's/\[[^]]*\]//' |
      awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)"
  fi
  [[ -n "$uri" ]] || { echo "no Debian mirror found in /etc/apt" >&2; return 1; }
  echo "${uri%/}"
}

log "installing build dependencies"
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-${PG_MAJOR}" make gcc dpkg-dev >/dev/null

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
# apt downloads as its unprivileged _apt user; let it write here (it warns and falls back to root otherwise).
chmod 755 "$work_dir"
chown _apt "$work_dir" 2>/dev/null || true

mirror="$(mirror_uri)"
src_list="$work_dir/pgvector-src.list"
src_state="$work_dir/lists"
mkdir -p "$src_state/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SOURCE_SUITE main" >"$src_list"
apt_src_opts=(
  -o "Dir::Etc::sourcelist=$src_list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$src_state"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
)

log "fetching pgvector source from $SOURCE_SUITE"
apt-get "${apt_src_opts[@]}" update -qq
(cd "$work_dir" && apt-get "${apt_src_opts[@]}" source -qq pgvector >/dev/null)

src_dir="$(find "$work_dir" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)"
[[ -n "$src_dir" ]] || { echo "pgvector source was not unpacked" >&2; exit 1; }

log "building $(basename "$src_dir") against PostgreSQL $PG_MAJOR"
make -s -C "$src_dir" PG_CONFIG="$PG_CONFIG" >/dev/null
make -s -C "$src_dir" PG_CONFIG="$PG_CONFIG" install >/dev/null

[[ -f "$CONTROL_FILE" ]] || { echo "install finished but $CONTROL_FILE is missing" >&2; exit 1; }
log "installed ($CONTROL_FILE)"
