#!/usr/bin/env bash
# Stops the PostgreSQL server started by start.sh (same FEDHEALTH_PG_DIR). Quiet when it is not running.
set -uo pipefail
# As root the server runs as the postgres user, who cannot enter /root: keep its data under /var/lib then.
if [ "$(id -u)" -eq 0 ]; then base=/var/lib/fedhealth; else base="${XDG_DATA_HOME:-$HOME/.local/share}/fedhealth"; fi
dir="${FEDHEALTH_PG_DIR:-$base/postgresql}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] && [ -f "$dir/pgdata/PG_VERSION" ] || exit 0
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if as_owner "$bin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null && echo "postgresql stopped"
fi
exit 0
