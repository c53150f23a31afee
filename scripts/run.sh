#!/usr/bin/env bash
# Runs the desktop app in demo mode (built-in Bakong simulator, no credentials needed) on the
# current desktop session.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --quiet --locked -p khqr-pos-app
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run.sh: no display; run it in a desktop session, or under Xvfb: xvfb-run -a bash scripts/run.sh" >&2
  exit 1
fi
exec target/debug/khqr-pos-app
