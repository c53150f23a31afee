#!/usr/bin/env bash
# Runs every test of the project: unit, property, integration (real SQLite files, real HTTP on
# loopback), the KHQR conformance vectors, and the WebDriver end-to-end tests of the real app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ -f ui/package.json ]; then
  (cd ui && npm run --silent check && npm run --silent build)
fi

cargo test --workspace --locked

# The official SDK's conformance vectors (copied from ../shared/khqr), through the CLI as an
# integrator would run them.
cargo run --quiet --locked -p pos-cli -- qr conformance crates/pos-khqr/tests/vectors/vectors-public.jsonl

if [ -d tests/e2e ]; then
  bash tests/e2e/run.sh
fi
