#!/usr/bin/env bash
# Installs one Debian package (as root), or says plainly how to when not root. Used by the servers' install scripts.
#   apt-install.sh PACKAGE
set -euo pipefail
package="$1"
if [ "$(id -u)" -ne 0 ]; then
  echo "$package is not installed; run as root (or: sudo apt-get install -y $package)" >&2
  exit 1
fi
echo "installing $package from Debian packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "$package" >/dev/null
