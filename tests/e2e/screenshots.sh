#!/usr/bin/env bash
# Regenerates the README screenshots (docs/screenshots/*.png) from a full e2e run of the real
# app, so the pictures always show what the tests just checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p docs/screenshots
E2E_SCREENSHOT_DIR="$PWD/docs/screenshots" bash tests/e2e/run.sh
ls -l docs/screenshots
