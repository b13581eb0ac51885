#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the store tests and prints its DATABASE_URL.
# Installs PostgreSQL from Debian's packages when it is missing. Usage:
#   export TRUSTLENS_TEST_DATABASE_URL=$(scripts/start-test-postgres.sh)
# Stop it with: scripts/start-test-postgres.sh --stop <the printed URL's data folder>
# (`npm test` starts and stops one by itself when TRUSTLENS_TEST_DATABASE_URL is not set.)
# With --env it prints two lines instead: TRUSTLENS_TEST_DATABASE_URL=… and TRUSTLENS_TEST_PG_DIR=…
set -euo pipefail
if [ "${1:-}" = "--stop" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  RUN="runuser -u postgres --"; [ "$(id -u)" = "0" ] || RUN=""
  $RUN "$PGBIN/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
PORT=${TRUSTLENS_TEST_PG_PORT:-55432}
DIR=$(mktemp -d /tmp/trustlens-pg.XXXXXX)
chown postgres:postgres "$DIR"
RUN="runuser -u postgres --"
[ "$(id -u)" = "0" ] || RUN=""
$RUN "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >&2
$RUN "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR" -w start >&2
$RUN "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE trustlens_test" >&2
URL="postgres://postgres@127.0.0.1:$PORT/trustlens_test"
if [ "${1:-}" = "--env" ]; then
  echo "TRUSTLENS_TEST_DATABASE_URL=$URL"
  echo "TRUSTLENS_TEST_PG_DIR=$DIR"
else
  echo "$URL"
fi
