#!/usr/bin/env bash
# Runs every test of the project: unit, property, integration (real SQLite files, real HTTP on
# loopback), the KHQR conformance vectors, and the WebDriver end-to-end tests of the real app.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/timing.sh
source scripts/timing.sh
timed "setup" bash scripts/setup.sh

if [ -f ui/package.json ]; then
  timed "ui check, unit tests, build" bash -c 'cd ui && npm run --silent check && npm run --silent build'
fi

timed "cargo test (build + run)" cargo test --workspace --locked
# The POS core must build and pass its tests without the demo simulator (the `demo` seam).
timed "pos-core without demo" cargo test --locked -p pos-core --no-default-features

# The official SDK's conformance vectors (copied from ../shared/khqr), through the CLI as an
# integrator would run them.
timed "KHQR conformance (CLI)" cargo run --quiet --locked -p pos-cli -- qr conformance crates/pos-khqr/tests/vectors/vectors-public.jsonl

if [ -d tests/e2e ]; then
  timed "e2e (build + run)" bash tests/e2e/run.sh
  # The .deb from the binaries e2e just built: install, run, remove (root or sudo).
  timed "package (deb, install, run)" bash scripts/package-test.sh
fi
# Standalone runs print their own summary; under .ci/run the caller prints the whole list.
[ -n "${TIMING_PARENT:-}" ] || timing_summary
