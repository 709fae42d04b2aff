#!/usr/bin/env bash
# Installs Debian's Fashion-MNIST (dataset-fashion-mnist, MIT: IDX files, gzip, in /usr/share/datasets/fashion-mnist)
# when it is missing. A standard image benchmark, not medical data: the image-source tests read it, and skip saying so
# where it cannot be installed.
set -euo pipefail
if [ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then exit 0; fi
exec "$(dirname "${BASH_SOURCE[0]}")/../apt-install.sh" dataset-fashion-mnist
