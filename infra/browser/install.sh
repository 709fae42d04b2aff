#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing: the dashboard's end-to-end tests drive it headless with Playwright
# (never a browser Playwright downloads itself: the machines that run the tests have no outside network).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
exec "$(dirname "${BASH_SOURCE[0]}")/../apt-install.sh" chromium
