#!/usr/bin/env bash
# Installs what building and testing Kleroterion needs on a Debian machine (idempotent, needs root or sudo):
# cmake + libclang-dev (the HiGHS solver's build), chromium (browser tests), PostgreSQL (store tests),
# and the npm packages of the browser tests (playwright-core, axe-core; no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(cmake libclang-dev chromium postgresql nodejs npm)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg -s "$package" >/dev/null 2>&1; then
    # nodejs/npm may come from elsewhere than Debian (e.g. a preinstalled node): accept a working binary.
    case "$package" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
  echo "setup: npm ci in tests/browser"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: done"
