#!/usr/bin/env bash
# Runs the product in demo mode (built-in Bakong simulator, no credentials needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --quiet --locked -p pos-cli -- "${@:-charge --amount 5000 --currency KHR --wait --demo-autopay 5s}"
