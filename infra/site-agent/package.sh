#!/usr/bin/env bash
# Builds the site-agent package a hospital installs without the .NET SDK: a self-contained linux-x64 publish (the
# .NET runtime included), the systemd unit and the installer, in one tarball.
#   infra/site-agent/package.sh [--out DIR] [--gpu]
#   --gpu  leaves the CPU libtorch (about 600 MB) out: the hospital points LD_LIBRARY_PATH at its CUDA libtorch
#          (see docs/site-agent.md); without it the package trains on the CPU with the bundled libtorch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/artifacts/site-agent"
variant=cpu
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --gpu) variant=gpu; shift ;;
    *) echo "package.sh: unknown option $1 (use --out DIR, --gpu)" >&2; exit 2 ;;
  esac
done
name="fedhealth-site-agent-linux-x64-$variant"
stage="$out/$name"
rm -rf "$stage" && mkdir -p "$stage"
extra=()
[ "$variant" = gpu ] && extra=(-p:LibTorchPackage=none)
echo "publishing the site agent ($variant, self-contained linux-x64)..." >&2
dotnet publish "$root/site-agent/FedHealth.SiteAgent/FedHealth.SiteAgent.csproj" -c Release -r linux-x64 --self-contained true \
  --nologo -v q -o "$stage/app" "${extra[@]}" >&2
cp "$root/infra/site-agent/fedhealth-site-agent.service" "$root/infra/site-agent/install.sh" "$stage/"
cp "$root/docs/site-agent.md" "$stage/README.md"
chmod +x "$stage/install.sh" "$stage/app/FedHealth.SiteAgent"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
