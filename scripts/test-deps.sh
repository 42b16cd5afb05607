#!/usr/bin/env bash
# Installs what the end-to-end and SMTP integration tests need: Debian's Chromium, the npm
# test runner (never a downloaded browser), and aiosmtpd in a virtualenv under .tools.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
  step "Installing Debian's chromium"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -x end2end/node_modules/.bin/playwright ] || [ ! -f end2end/node_modules/axe-core/axe.min.js ]; then
  step "Installing the Playwright test runner (npm, without browsers)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi

if [ ! -x .tools/venv/bin/aiosmtpd ]; then
  step "Installing aiosmtpd into .tools/venv"
  python3 -m venv .tools/venv
  .tools/venv/bin/pip install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
fi
