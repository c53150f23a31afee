#!/usr/bin/env bash
# WebDriver end-to-end tests of the real desktop app under Xvfb: WebKitWebDriver
# drives target/debug/khqr-pos-app in demo mode. Set E2E_SCREENSHOT_DIR=docs/screenshots to
# regenerate the README screenshots from the same run (scripts/screenshots.sh does).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
# The same target selection as `cargo test --workspace` (tests included, so dev-dependency
# features unify the same way): right after the test step only the two binaries link, instead
# of tauri and the workspace being rebuilt with a second feature set.
cargo build --quiet --locked --workspace --bins --tests
cd tests/e2e
[ -d node_modules ] || npm ci --no-audit --no-fund
# Every test file, or only those named (`bash run.sh counter.test.mjs`).
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(app.test.mjs expiry.test.mjs owner.test.mjs layout.test.mjs restart.test.mjs accept.test.mjs counter.test.mjs customer.test.mjs owner-counter.test.mjs setup.test.mjs shop.test.mjs)
# A hung WebKit must not eat the CI budget: the whole run is bounded (3 minutes for build and
# run on an idle 2-core machine in a fresh-clone CI run, up to 15 under other builds' load).
# --test-force-exit: a process a test leaves behind must not keep the runner alive after its
# summary (harness.mjs stops each app's whole process group; this is the backstop).
timeout --kill-after=10 1200 xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
  node --test --test-force-exit --test-concurrency=1 --test-timeout=300000 "${files[@]}"
