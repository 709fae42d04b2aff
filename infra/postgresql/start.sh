#!/usr/bin/env bash
# Starts a PostgreSQL server on 127.0.0.1 with its data in one folder (created on first start), trust auth for
# local connections, and a database named fedhealth; waits until it accepts connections. Idempotent.
#   FEDHEALTH_PG_PORT  port (default 55432)      FEDHEALTH_PG_DIR  folder (default ~/.local/share/fedhealth/postgresql, /var/lib/fedhealth/postgresql as root)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/install.sh"
port="${FEDHEALTH_PG_PORT:-55432}"
# As root the server runs as the postgres user, who cannot enter /root: keep its data under /var/lib then.
if [ "$(id -u)" -eq 0 ]; then base=/var/lib/fedhealth; else base="${XDG_DATA_HOME:-$HOME/.local/share}/fedhealth"; fi
dir="${FEDHEALTH_PG_DIR:-$base/postgresql}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
mkdir -p "$dir/sock"
# initdb and the server refuse to run as root: as root they run as the postgres user, who must own the folder.
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$dir"; fi
if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir/pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! as_owner "$bin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/pg.log" -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1" -w -t 60 start >/dev/null
fi
if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='fedhealth'" | grep -q 1; then
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres fedhealth
fi
echo "postgresql running: Host=127.0.0.1;Port=$port;Username=postgres;Database=fedhealth (data in $dir)"
