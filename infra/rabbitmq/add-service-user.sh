#!/usr/bin/env bash
# A broker account for the coordinator or the dashboard, apart from every site's: the password is read from standard
# input (not from this script's command line, which other users can see).
#   echo 'PASSWORD' | add-service-user.sh coordinator|dashboard
#   FEDHEALTH_RABBITMQ_NODE  node name (default fedhealth@localhost), as for start.sh
# The coordinator relays between all sites and the dashboard: it may use every exchange and queue. The dashboard may
# too for now (its requests and events span the coordinator's names); sites never share these accounts.
set -euo pipefail
service="${1:-}"
case "$service" in
  coordinator|dashboard) ;;
  *) echo "usage: echo PASSWORD | add-service-user.sh coordinator|dashboard" >&2; exit 2 ;;
esac
IFS= read -r password || true
if [ "${#password}" -lt 16 ]; then echo "add-service-user.sh: give a password of at least 16 characters on standard input" >&2; exit 2; fi
node="${FEDHEALTH_RABBITMQ_NODE:-fedhealth@localhost}"
export ERL_EPMD_ADDRESS=127.0.0.1
ctl() { rabbitmqctl -n "$node" -q "$@"; }
if ctl list_users | awk '{print $1}' | grep -qx "$service"; then
  ctl change_password "$service" "$password" >/dev/null
else
  ctl add_user "$service" "$password" >/dev/null
fi
ctl set_permissions -p / "$service" ".*" ".*" ".*" >/dev/null
echo "broker user $service: password login, permissions on vhost /"
