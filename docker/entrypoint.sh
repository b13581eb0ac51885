#!/bin/sh
# The image's entry point: runs `trustlens ARGS…` (default `serve`).
#
# Secrets are never baked into the image. Each one comes from its variable, or from VAR_FILE naming a file
# (a compose/Kubernetes/Swarm secret mounted read-only), the convention of the official database images:
# TRUSTLENS_MASTER_KEY_FILE=/run/secrets/master_key sets TRUSTLENS_MASTER_KEY from that file (trailing
# newlines dropped). The values are never printed.
set -eu

for name in TRUSTLENS_MASTER_KEY TRUSTLENS_MASTER_KEY_PREVIOUS DATABASE_URL PGPASSWORD \
  TRUSTLENS_INIT_ADMIN_EMAIL TRUSTLENS_INIT_ADMIN_PASSWORD TRUSTLENS_INIT_ORG_NAME TRUSTLENS_INIT_API_TOKEN \
  TRUSTLENS_METRICS_TOKEN MISTRAL_API_KEY; do
  eval "file=\${${name}_FILE:-}"
  [ -n "$file" ] || continue
  eval "direct=\${${name}:-}"
  if [ -n "$direct" ]; then
    echo "trustlens: both ${name} and ${name}_FILE are set. Keep one of them (the file is the safer place for a secret)." >&2
    exit 64
  fi
  if [ ! -r "$file" ] || [ -d "$file" ]; then
    echo "trustlens: ${name}_FILE names ${file}, which this container (uid $(id -u)) cannot read. Mount the secret there and make it readable by uid $(id -u) (docs/deploy.md), or unset ${name}_FILE." >&2
    exit 64
  fi
  value=$(cat "$file")
  export "${name}=${value}"
  unset "${name}_FILE"
done
unset file direct value

exec node /app/bin/trustlens "$@"
