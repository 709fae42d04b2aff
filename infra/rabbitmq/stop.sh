#!/usr/bin/env bash
# Stops the RabbitMQ node started by start.sh (same FEDHEALTH_RABBITMQ_NODE). Quiet when it is not running.
set -uo pipefail
node="${FEDHEALTH_RABBITMQ_NODE:-fedhealth@localhost}"
export ERL_EPMD_ADDRESS=127.0.0.1
if rabbitmqctl -n "$node" -q status >/dev/null 2>&1; then
  rabbitmqctl -n "$node" -q stop >/dev/null 2>&1
  echo "rabbitmq node $node stopped"
fi
# The Erlang port mapper outlives the node; leave it only while another node still uses it.
if command -v epmd >/dev/null 2>&1 && ! epmd -names 2>/dev/null | grep -q "^name "; then epmd -kill >/dev/null 2>&1 || true; fi
exit 0
