#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the store tests and print
# its SQLAlchemy URL. Installs the server from Debian's packages if missing.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
  (apt-get update -q && apt-get install -y -q postgresql) > /dev/null 2>&1 || { echo "no-postgres"; exit 0; }
fi
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
data=$(mktemp -d /tmp/interdict-pg.XXXXXX)
chown postgres:postgres "$data" 2>/dev/null || true
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_postgres "$bin/initdb" -D "$data" -A trust -U interdict > /dev/null
# A free port: a server left running by an earlier run must not make this one fail.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres "$bin/pg_ctl" -D "$data" -o "-p $port -k $data -c listen_addresses=127.0.0.1" -l "$data/log" -w start > /dev/null
as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U interdict interdict_test
echo "postgresql+psycopg://interdict@127.0.0.1:$port/interdict_test"
