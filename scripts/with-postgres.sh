#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback: started here, removed on exit.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
# A free port, so that two test runs on one machine do not collide.
port=${CITYLOOM_TEST_PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
dir=$(mktemp -d /tmp/cityloom-pg.XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root.
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
"${as[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
# Durability off: this database lives for one test run.
"${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
cleanup() { "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"${as[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres cityloom
DATABASE_URL="postgres://postgres@127.0.0.1:$port/cityloom" "$@"
