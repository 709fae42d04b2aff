#!/usr/bin/env bash
# Removes a revoked site from the broker (after `fedhealth provision revoke`): closes its open connections, deletes its
# broker user (certificate and password logins alike) and its queues, so it can neither log in nor be sent anything.
#   remove-site-user.sh SITE-ID
#   FEDHEALTH_RABBITMQ_NODE  node name (default fedhealth@localhost), as for start.sh
# Only a site account is touched: a user with tags (an operator's) or a reserved name is refused. Idempotent.
set -euo pipefail
site="${1:-}"
if ! [[ "$site" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]]; then
  echo "usage: remove-site-user.sh SITE-ID   (1-63 letters, digits, '-' or '_', as in the site's enrolment)" >&2; exit 2
fi
node="${FEDHEALTH_RABBITMQ_NODE:-fedhealth@localhost}"
export ERL_EPMD_ADDRESS=127.0.0.1
ctl() { rabbitmqctl -n "$node" -q "$@"; }
case "$(echo "$site" | tr '[:upper:]' '[:lower:]')" in
  guest|admin|administrator|coordinator|dashboard|fedhealth) echo "remove-site-user.sh: '$site' is reserved for a broker account that is not a site" >&2; exit 2 ;;
esac
existing="$(ctl list_users | awk -v u="$site" '$1 == u { $1 = ""; print }')"
if [ -n "$(echo "$existing" | tr -d '[:space:][]')" ]; then
  echo "remove-site-user.sh: broker user '$site' has tags $existing: it is not a site account; refusing to remove it" >&2; exit 2
fi
if ctl list_users | awk '{print $1}' | grep -qx "$site"; then
  ctl close_all_user_connections "$site" "the consortium revoked site $site" >/dev/null || true
  ctl delete_user "$site" >/dev/null
fi
queue="fedhealth-site-$(echo "$site" | tr '[:upper:]' '[:lower:]')"
for q in $(ctl list_queues name | awk -v q="$queue" '$1 == q || index($1, q "_") == 1 || index($1, q "-bus-") == 1 { print $1 }'); do
  ctl delete_queue "$q" >/dev/null
done
echo "broker user $site removed, its connections closed and its queues ($queue...) deleted"
