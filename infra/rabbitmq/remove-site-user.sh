#!/usr/bin/env bash
# Removes a revoked site from the broker (after `fedhealth provision revoke`): closes its open connections, deletes its
# broker user (certificate and password logins alike) and its queues, so it can neither log in nor be sent anything.
#   remove-site-user.sh SITE-ID
#   FEDHEALTH_RABBITMQ_NODE  node name (default fedhealth@localhost), as for start.sh
# Only a site account is touched: a user with tags (an operator's) or a reserved name is refused. Idempotent.
set -euo pipefail
source "$(dirname "$0")/site-account.sh"
site_account remove-site-user.sh "${1:-}"
if ctl list_users | awk '{print $1}' | grep -qx "$site"; then
  ctl close_all_user_connections "$site" "the consortium revoked site $site" >/dev/null || true
  ctl delete_user "$site" >/dev/null
fi
for q in $(ctl list_queues name | awk -v q="$queue" '$1 == q || index($1, q "_") == 1 || index($1, q "-bus-") == 1 { print $1 }'); do
  ctl delete_queue "$q" >/dev/null
done
echo "broker user $site removed, its connections closed and its queues ($queue...) deleted"
