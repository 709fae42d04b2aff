#!/usr/bin/env bash
# Installs the PostgreSQL server from Debian's packages when it is missing (no Docker: it runs as a plain process).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
exec "$(dirname "${BASH_SOURCE[0]}")/../apt-install.sh" postgresql
