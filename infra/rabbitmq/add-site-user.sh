#!/usr/bin/env bash
# Lets an enrolled site log in to the broker with its client certificate: a broker user named after the site id (the
# certificate's CN) with no password, so that only the certificate the consortium CA issued opens it.
#   add-site-user.sh SITE-ID
#   FEDHEALTH_RABBITMQ_NODE  node name (default fedhealth@localhost), as for start.sh
#   FEDHEALTH_SITE_PASSWORD  development only (a broker without TLS): let the site log in with this password too
# The account may read only the site's own queue and the coordinator's messages to sites, and publish only what a
# site sends (site-permissions.txt, made by `fedhealth provision broker-permissions` from the contracts).
# Idempotent: an existing user gets its permissions renewed and loses any password it had.
set -euo pipefail
source "$(dirname "$0")/site-account.sh"
site_account add-site-user.sh "${1:-}"
if ! ctl list_users | awk '{print $1}' | grep -qx "$site"; then
  # add_user wants a password; a random one is set and at once cleared, leaving certificate login as the only way in.
  ctl add_user "$site" "$(head -c 32 /dev/urandom | base64)" >/dev/null
fi
if [ -n "${FEDHEALTH_SITE_PASSWORD:-}" ]; then
  ctl change_password "$site" "$FEDHEALTH_SITE_PASSWORD" >/dev/null
else
  ctl clear_password "$site" >/dev/null
fi
template="$(dirname "$0")/site-permissions.txt"
mapfile -t patterns < <(sed "s/{queue}/$queue/g" "$template")
if [ "${#patterns[@]}" -ne 3 ]; then echo "add-site-user.sh: $template must hold 3 lines (configure, write, read)" >&2; exit 1; fi
ctl set_permissions -p / "$site" "${patterns[0]}" "${patterns[1]}" "${patterns[2]}" >/dev/null
echo "broker user $site: $([ -n "${FEDHEALTH_SITE_PASSWORD:-}" ] && echo "certificate or password login" || echo "certificate login only"), its own queue and a site's messages only, on vhost /"
