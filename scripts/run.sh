#!/usr/bin/env bash
# The README's run line: installs what building and running needs if it is missing
# (`scripts/setup.sh --run`: cmake, libclang-dev, build-essential, through apt, with sudo when not root),
# then builds and starts the demo server. Arguments go to `klero serve --demo`, e.g.
#   bash scripts/run.sh --bind 127.0.0.1:9000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --run
# rustup puts cargo in ~/.cargo/bin, which a shell opened before the installation does not have on its PATH yet.
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck source=/dev/null
  . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "run: cargo not found; install Rust with rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi
exec cargo run --release --locked -- serve --demo "$@"
