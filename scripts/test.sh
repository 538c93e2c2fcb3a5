#!/usr/bin/env bash
# Runs every test of Kleroterion: installs what is missing (scripts/setup.sh), starts PostgreSQL if it
# is down, then runs the whole workspace's tests (unit, contract tests on SQLite and PostgreSQL,
# integration tests against the real server, CLI tests, and the Playwright browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/start-postgres.sh
exec cargo test --release --workspace --locked "$@"
