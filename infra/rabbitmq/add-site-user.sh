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
site="${1:-}"
if ! [[ "$site" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]]; then
  echo "usage: add-site-user.sh SITE-ID   (1-63 letters, digits, '-' or '_', as in the site's enrolment)" >&2; exit 2
fi
node="${FEDHEALTH_RABBITMQ_NODE:-fedhealth@localhost}"
export ERL_EPMD_ADDRESS=127.0.0.1
ctl() { rabbitmqctl -n "$node" -q "$@"; }
case "$(echo "$site" | tr '[:upper:]' '[:lower:]')" in
  guest|admin|administrator|coordinator|dashboard|fedhealth) echo "add-site-user.sh: '$site' is reserved for a broker account that is not a site" >&2; exit 2 ;;
esac
# An existing user with tags (administrator, management, ...) is an operator's account, never a site's: refuse to touch it.
existing="$(ctl list_users | awk -v u="$site" '$1 == u { $1 = ""; print }')"
if [ -n "$(echo "$existing" | tr -d '[:space:][]')" ]; then
  echo "add-site-user.sh: broker user '$site' exists with tags $existing: it is not a site account; refusing to change it" >&2; exit 2
fi
if ! ctl list_users | awk '{print $1}' | grep -qx "$site"; then
  # add_user wants a password; a random one is set and at once cleared, leaving certificate login as the only way in.
  ctl add_user "$site" "$(head -c 32 /dev/urandom | base64)" >/dev/null
fi
if [ -n "${FEDHEALTH_SITE_PASSWORD:-}" ]; then
  ctl change_password "$site" "$FEDHEALTH_SITE_PASSWORD" >/dev/null
else
  ctl clear_password "$site" >/dev/null
fi
# The site's queue is fedhealth-site-<id in lower case> (EndpointNames.Site); ids hold no regex metacharacters.
queue="fedhealth-site-$(echo "$site" | tr '[:upper:]' '[:lower:]')"
template="$(dirname "$0")/site-permissions.txt"
mapfile -t patterns < <(sed "s/{queue}/$queue/g" "$template")
if [ "${#patterns[@]}" -ne 3 ]; then echo "add-site-user.sh: $template must hold 3 lines (configure, write, read)" >&2; exit 1; fi
ctl set_permissions -p / "$site" "${patterns[0]}" "${patterns[1]}" "${patterns[2]}" >/dev/null
echo "broker user $site: $([ -n "${FEDHEALTH_SITE_PASSWORD:-}" ] && echo "certificate or password login" || echo "certificate login only"), its own queue and a site's messages only, on vhost /"
