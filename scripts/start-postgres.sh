#!/usr/bin/env bash
# Starts the local PostgreSQL cluster if it is not accepting connections on 127.0.0.1:5432.
set -euo pipefail
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then exit 0; fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
echo "start-postgres: starting cluster $version/main"
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
  sleep 1
done
echo "start-postgres: PostgreSQL did not come up on 127.0.0.1:5432" >&2
exit 1
