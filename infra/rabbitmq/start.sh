#!/usr/bin/env bash
# Starts a RabbitMQ node on 127.0.0.1 only, with its data under one folder, and waits until it accepts clients.
#   FEDHEALTH_RABBITMQ_PORT  AMQP port (default 5672); the Erlang distribution port is this + 20000
#   FEDHEALTH_RABBITMQ_NODE  node name (default fedhealth@localhost)
#   FEDHEALTH_RABBITMQ_DIR   data and log folder (default ~/.local/share/fedhealth/rabbitmq/<node>, /var/lib/fedhealth/... as root)
#   FEDHEALTH_RABBITMQ_TLS_PORT, FEDHEALTH_RABBITMQ_TLS_DIR  both set: also an amqps listener on 127.0.0.1:TLS_PORT with
#                            TLS_DIR/broker-cert.pem, broker-key.pem and ca-cert.pem (from `fedhealth provision broker-cert`);
#                            clients may then log in with a consortium-issued certificate (add-site-user.sh SITE-ID)
# Idempotent: a node already running under that name is left as it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/install.sh"
port="${FEDHEALTH_RABBITMQ_PORT:-5672}"
node="${FEDHEALTH_RABBITMQ_NODE:-fedhealth@localhost}"
# As root the broker runs as the rabbitmq user, who cannot enter /root: keep its data under /var/lib then.
if [ "$(id -u)" -eq 0 ]; then base=/var/lib/fedhealth; else base="${XDG_DATA_HOME:-$HOME/.local/share}/fedhealth"; fi
dir="${FEDHEALTH_RABBITMQ_DIR:-$base/rabbitmq/${node%@*}}"
mkdir -p "$dir/mnesia" "$dir/log"
tls_port="${FEDHEALTH_RABBITMQ_TLS_PORT:-}"
tls_dir="${FEDHEALTH_RABBITMQ_TLS_DIR:-}"
if [ -n "$tls_port" ] || [ -n "$tls_dir" ]; then
  if [ -z "$tls_port" ] || [ -z "$tls_dir" ]; then
    echo "set both FEDHEALTH_RABBITMQ_TLS_PORT and FEDHEALTH_RABBITMQ_TLS_DIR for TLS, or neither" >&2; exit 2
  fi
  for f in ca-cert.pem broker-cert.pem broker-key.pem; do
    [ -f "$tls_dir/$f" ] || { echo "$tls_dir/$f not found (make it with: fedhealth provision broker-cert --out $tls_dir)" >&2; exit 2; }
  done
fi

export ERL_EPMD_ADDRESS=127.0.0.1
if rabbitmqctl -n "$node" -q status >/dev/null 2>&1; then
  echo "rabbitmq node $node already running (amqp://127.0.0.1:$port)"
  exit 0
fi

# Limits the management of this node to loopback and keeps its files in one place.
cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
loopback_users.guest = true
max_message_size = 134217728
CONF
if [ -n "$tls_port" ]; then
  # The broker (the rabbitmq user when started as root) reads its own copies, kept with its data; the key stays mode 600.
  mkdir -p "$dir/tls"
  install -m 644 "$tls_dir/ca-cert.pem" "$dir/tls/ca-cert.pem"
  install -m 644 "$tls_dir/broker-cert.pem" "$dir/tls/broker-cert.pem"
  install -m 600 "$tls_dir/broker-key.pem" "$dir/tls/broker-key.pem"
  cat >>"$dir/rabbitmq.conf" <<CONF
listeners.ssl.default = 127.0.0.1:$tls_port
ssl_options.cacertfile = $dir/tls/ca-cert.pem
ssl_options.certfile = $dir/tls/broker-cert.pem
ssl_options.keyfile = $dir/tls/broker-key.pem
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
ssl_options.versions.1 = tlsv1.3
ssl_options.versions.2 = tlsv1.2
auth_mechanisms.1 = PLAIN
auth_mechanisms.2 = AMQPLAIN
auth_mechanisms.3 = EXTERNAL
ssl_cert_login_from = common_name
CONF
fi
export RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
  RABBITMQ_DIST_PORT="$((port + 20000))" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
  RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
  RABBITMQ_PID_FILE="$dir/rabbitmq.pid" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
# With TLS, sites log in with their client certificate (SASL EXTERNAL, user = the certificate's CN = the site id).
# An operator's own plugin list is kept; certificate login is added to it when TLS is on.
[ -f "$dir/enabled_plugins" ] || echo "[]." >"$dir/enabled_plugins"
if [ -n "$tls_port" ] && ! grep -q rabbitmq_auth_mechanism_ssl "$dir/enabled_plugins"; then
  plugins="$(tr -d '[:space:]' <"$dir/enabled_plugins")"
  if [ "$plugins" = "[]." ]; then echo "[rabbitmq_auth_mechanism_ssl]." >"$dir/enabled_plugins"
  else echo "${plugins%].},rabbitmq_auth_mechanism_ssl]." >"$dir/enabled_plugins"; fi
fi
# Debian's wrappers run the broker as the rabbitmq user even when called as root: it must own its folder.
if [ "$(id -u)" -eq 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$dir"; fi
rabbitmq-server -detached
# -detached returns before the node exists: wait for it to answer, then for the broker to finish booting.
for _ in $(seq 1 120); do
  rabbitmq-diagnostics -n "$node" -q ping >/dev/null 2>&1 && break
  sleep 0.5
done
rabbitmqctl -n "$node" await_startup --timeout 60 >/dev/null
echo "rabbitmq node $node running: amqp://guest:guest@127.0.0.1:$port/ (data in $dir)"
if [ -n "$tls_port" ]; then echo "  and amqps://127.0.0.1:$tls_port/ with the certificate of $tls_dir"; fi
