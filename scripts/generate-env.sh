#!/usr/bin/env bash
# Writes a .env for docker-compose.yml with freshly generated secrets, unless one exists.
# The .env file is git-ignored: secrets never enter the repository.
set -euo pipefail

env_file="${1:-.env}"
if [[ -e "$env_file" ]]; then
  echo "[generate-env] $env_file exists, leaving it alone"
  exit 0
fi

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
# MASTER_KEY wraps every user's data key: 32 random bytes, base64.
master_key="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"

umask 077
cat >"$env_file" <<ENV
POSTGRES_PASSWORD=$(random_hex 24)
RABBITMQ_PASSWORD=$(random_hex 24)
MINIO_ROOT_USER=second-brain
MINIO_ROOT_PASSWORD=$(random_hex 24)
JWT_SECRET=$(random_hex 32)
MASTER_KEY=$master_key
# Optional: embeddings through OpenAI instead of the local model.
OPENAI_API_KEY=
ENV
echo "[generate-env] wrote $env_file"
