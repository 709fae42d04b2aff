# Sourced by add-site-user.sh and remove-site-user.sh: what keeps both to site accounts. After `site_account SCRIPT ID`,
# $site, $node and $queue are set and ctl runs rabbitmqctl on the node; a bad id, a reserved name or an existing user
# with tags (an operator's account, never a site's) ends the script with exit 2, naming SCRIPT.
site_account() {
  local script="$1"
  site="${2:-}"
  if ! [[ "$site" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]]; then
    echo "usage: $script SITE-ID   (1-63 letters, digits, '-' or '_', as in the site's enrolment)" >&2; exit 2
  fi
  node="${FEDHEALTH_RABBITMQ_NODE:-fedhealth@localhost}"
  export ERL_EPMD_ADDRESS=127.0.0.1
  case "$(echo "$site" | tr '[:upper:]' '[:lower:]')" in
    guest|admin|administrator|coordinator|dashboard|fedhealth) echo "$script: '$site' is reserved for a broker account that is not a site" >&2; exit 2 ;;
  esac
  local existing
  existing="$(ctl list_users | awk -v u="$site" '$1 == u { $1 = ""; print }')"
  if [ -n "$(echo "$existing" | tr -d '[:space:][]')" ]; then
    echo "$script: broker user '$site' has tags $existing: it is not a site account; refusing to touch it" >&2; exit 2
  fi
  # The site's queue is fedhealth-site-<id in lower case> (EndpointNames.Site); ids hold no regex metacharacters.
  queue="fedhealth-site-$(echo "$site" | tr '[:upper:]' '[:lower:]')"
}

ctl() { rabbitmqctl -n "$node" -q "$@"; }
