#!/usr/bin/env bash
# Installs the PostgreSQL server from Debian's packages when it is missing (no Docker: it runs as a plain process).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "postgresql is not installed; run as root (or: sudo apt-get install -y postgresql)" >&2
  exit 1
fi
echo "installing postgresql from Debian packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
