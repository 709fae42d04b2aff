#!/usr/bin/env bash
# Installs RabbitMQ from Debian's packages when it is missing. No Docker: the broker runs as a plain process.
set -euo pipefail
if command -v rabbitmq-server >/dev/null 2>&1; then exit 0; fi
exec "$(dirname "${BASH_SOURCE[0]}")/../apt-install.sh" rabbitmq-server
