#!/usr/bin/env bash
# Runs every check of Kleroterion: installs what is missing (scripts/setup.sh), checks the formatting
# (cargo fmt) and the lints (cargo clippy, warnings are errors), starts PostgreSQL if it is down, then runs
# the whole workspace's tests (unit, contract tests on SQLite and PostgreSQL, integration tests against the
# real server, CLI tests, and the Playwright browser tests). Arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# rustup's minimal profile has neither rustfmt nor clippy.
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo fmt --all --check
# --release: the same profile as the tests, so clippy reuses the HiGHS build script's output.
cargo clippy --release --workspace --all-targets --locked -- -D warnings
bash scripts/start-postgres.sh
exec cargo test --release --workspace --locked "$@"
