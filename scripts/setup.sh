#!/usr/bin/env bash
# Installs what Kleroterion needs on a Debian or Ubuntu machine (idempotent; needs root or sudo when
# something is missing). Two sets:
#   bash scripts/setup.sh --run   what building and running the server needs: cmake and libclang-dev
#                                 (the HiGHS solver's build) and build-essential (the C/C++ compiler and
#                                 linker that Rust and HiGHS use). scripts/run.sh uses this.
#   bash scripts/setup.sh         all of the above, plus what the tests need: chromium (browser tests),
#                                 PostgreSQL (store tests), node and npm with the browser tests' npm
#                                 packages (playwright-core, axe-core; no browser download), and Python 3
#                                 with schemathesis (the API's OpenAPI test) in a venv outside the clone,
#                                 $HOME/.cache/kleroterion-venv (or $KLERO_VENV), at a pinned version.
# A package that is already installed is never installed again, and nothing runs apt when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

run_packages=(cmake libclang-dev build-essential)
test_packages=(chromium postgresql nodejs npm python3 python3-venv)
# The API test (crates/klero/tests/api_schema.rs) runs this schemathesis from this venv.
schemathesis_version=4.32.5
venv="${KLERO_VENV:-$HOME/.cache/kleroterion-venv}"

# install_missing PACKAGE...: installs with apt those of the Debian packages that are not installed yet,
# saying which, with sudo when not root.
install_missing() {
  local missing=() package
  for package in "$@"; do
    if ! dpkg -s "$package" >/dev/null 2>&1; then
      # nodejs/npm may come from elsewhere than Debian (e.g. a preinstalled node): accept a working binary.
      case "$package" in
        nodejs) command -v node >/dev/null 2>&1 && continue ;;
        npm) command -v npm >/dev/null 2>&1 && continue ;;
        # Likewise a Python 3 from elsewhere (pyenv, a distribution's own build) that can make a venv.
        python3) command -v python3 >/dev/null 2>&1 && continue ;;
        python3-venv) python3 -m venv --help >/dev/null 2>&1 && python3 -m ensurepip --version >/dev/null 2>&1 && continue ;;
      esac
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: ${missing[*]} missing; install them as root (apt-get install ${missing[*]}) or install sudo" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "setup: installing ${missing[*]} (apt-get)"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

case "${1:-}" in
  --run)
    install_missing "${run_packages[@]}"
    ;;
  "")
    install_missing "${run_packages[@]}" "${test_packages[@]}"
    if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
      echo "setup: npm ci in tests/browser"
      (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    fi
    if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $schemathesis_version" ]; then
      echo "setup: schemathesis $schemathesis_version into $venv (pip)"
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
    fi
    ;;
  *)
    echo "usage: bash scripts/setup.sh [--run]" >&2
    exit 2
    ;;
esac
echo "setup: done"
