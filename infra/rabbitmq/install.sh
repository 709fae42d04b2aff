#!/usr/bin/env bash
# Installs RabbitMQ from Debian's packages when it is missing. No Docker: the broker runs as a plain process.
set -euo pipefail
if command -v rabbitmq-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "rabbitmq-server is not installed; run as root (or: sudo apt-get install -y rabbitmq-server)" >&2
  exit 1
fi
echo "installing rabbitmq-server from Debian packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq rabbitmq-server >/dev/null
