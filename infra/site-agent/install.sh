#!/usr/bin/env bash
# Installs the FedHealth site agent from this package as a systemd service. Run as root from the unpacked package:
#   sudo ./install.sh
# It installs the program to /opt/fedhealth-site-agent, creates the `fedhealth` system user, the config folder
# /etc/fedhealth-site-agent (site.json, policy.json, environment; enrolment/ for the site's keys and certificates, owned
# by fedhealth, mode 700) and the state folder
# /var/lib/fedhealth-site-agent, and installs the unit. It starts the service only once a config exists that passes
# `doctor`; otherwise it says what to do next. Running it again upgrades the program and keeps config and state.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$(id -u)" -ne 0 ]; then echo "install.sh: run as root (sudo ./install.sh)" >&2; exit 1; fi
prefix=/opt/fedhealth-site-agent config=/etc/fedhealth-site-agent state=/var/lib/fedhealth-site-agent
id fedhealth >/dev/null 2>&1 || useradd --system --home-dir "$state" --shell /usr/sbin/nologin fedhealth
mkdir -p "$prefix" "$config" "$state"
rm -rf "$prefix/app.new" && cp -a "$here/app" "$prefix/app.new"
rm -rf "$prefix/app.old" && { [ -d "$prefix/app" ] && mv "$prefix/app" "$prefix/app.old" || true; }
mv "$prefix/app.new" "$prefix/app"
cp "$here/README.md" "$prefix/README.md"
chown -R fedhealth:fedhealth "$state"
chown root:fedhealth "$config" && chmod 750 "$config"
# enroll runs as fedhealth and makes the site's private keys here: nobody else may read them.
mkdir -p "$config/enrolment" && chown fedhealth:fedhealth "$config/enrolment" && chmod 700 "$config/enrolment"
[ -f "$config/environment" ] || { printf '%s\n' '# Broker settings come from the enrolment (enrolment/broker.json); FEDHEALTH_Bus__* lines here override them.' \
  '# Secrets for the data source, e.g. FEDHEALTH_PG=Host=db.hospital.local;Username=fedhealth_ro;Password=...' \
  '# LD_LIBRARY_PATH=/opt/libtorch-cuda/lib' >"$config/environment"; chmod 640 "$config/environment"; chown root:fedhealth "$config/environment"; }
cp "$here/fedhealth-site-agent.service" /etc/systemd/system/fedhealth-site-agent.service
systemctl daemon-reload 2>/dev/null || echo "systemd is not running here: the unit is installed but not loaded" >&2
agent="$prefix/app/FedHealth.SiteAgent"
if [ ! -f "$config/site.json" ]; then
  cat <<NEXT
Installed $agent. Next:
  runuser -u fedhealth -- $agent init --out $state/template   # a commented site.json and policy.json to fill in
  cp $state/template/*.json $config/ && edit $config/site.json, $config/policy.json and $config/environment
  runuser -u fedhealth -- $agent enroll request --config $config/site.json   # send the request file it names to the consortium
  runuser -u fedhealth -- $agent enroll BUNDLE --config $config/site.json --ca-fingerprint SHA256   # the consortium's answer
  runuser -u fedhealth -- $agent doctor --config $config/site.json
  systemctl enable --now fedhealth-site-agent
NEXT
  exit 0
fi
# doctor runs as the service will: same user, same environment file.
if (set -a; . "$config/environment"; set +a; runuser -u fedhealth -- "$agent" doctor --config "$config/site.json"); then
  systemctl enable --now fedhealth-site-agent 2>/dev/null && systemctl restart fedhealth-site-agent 2>/dev/null \
    && echo "fedhealth-site-agent is running: journalctl -u fedhealth-site-agent -f" || echo "start it with: systemctl enable --now fedhealth-site-agent"
else
  echo "doctor found problems (above): fix them, then systemctl enable --now fedhealth-site-agent" >&2
  exit 1
fi
