#!/usr/bin/env bash
# Makes sure the PostgreSQL, Redis and RabbitMQ servers the integration tests use are up on
# 127.0.0.1, starting any that are not, and waits until each one answers.
# Idempotent: services that already answer are left alone.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
WAIT_SECONDS="${WAIT_SECONDS:-90}"
REDIS_PORT="${REDIS_PORT:-6379}"

log() { echo "[ensure-services] $*"; }

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]; }
rabbitmq_up() { rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

start_postgres() { pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start; }
start_redis() { redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null; }
start_rabbitmq() { rabbitmq-server -detached; }

# ensure NAME: probe NAME_up, start with start_NAME, then poll once a second up to WAIT_SECONDS.
ensure() {
  local name="$1" started_at=$SECONDS
  if "${name}_up"; then
    log "$name up"
    return 0
  fi
  log "$name down, starting"
  "start_${name}" || log "$name start command failed; waiting in case it is already starting"
  until "${name}_up"; do
    if ((SECONDS - started_at >= WAIT_SECONDS)); then
      echo "[ensure-services] $name did not answer within ${WAIT_SECONDS}s" >&2
      return 1
    fi
    sleep 1
  done
  log "$name up after $((SECONDS - started_at))s"
}

ensure postgres
ensure redis
ensure rabbitmq
