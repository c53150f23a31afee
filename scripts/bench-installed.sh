#!/usr/bin/env bash
# The release build's numbers as a shop meets them, from the installed package (issue 13, item
# 2; a benchmark for BENCHMARKS.md, not part of CI, which packages the debug build):
#   1. builds the release app and CLI and the release .deb (`tauri bundle`, release profile),
#   2. installs it with `apt-get install ./….deb`,
#   3. measures the installed /usr/bin/khqr-pos-app under Xvfb: cold start to an interactive
#      counter, Enter → QR painted, memory of the whole process tree after 10 and 100 sales,
#      idle CPU over 60 s on the counter screen,
#   4. removes the package.
# Prints the package size and each bench's JSON (also kept in target/release/bundle/bench/).
#
#   bash scripts/bench-installed.sh            # E2E_DRIVER_PORT picks WebKitWebDriver's port
# SKIP_BUILD=1 packages the binaries already in target/release.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pkg=khqr-pos
out=target/release/bundle/bench
xvfb=(xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp")

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd ui && npm run --silent build)
  # Two cargo calls, as a user would build each: one call would unify the two packages'
  # features and rebuild shared crates differently from `cargo build -p khqr-pos-app`.
  cargo build --locked --release -p khqr-pos-app
  cargo build --locked --release -p pos-cli
fi
rm -rf target/release/bundle/deb
ui/node_modules/.bin/tauri bundle --ci --bundles deb --no-binary-patching
debs=(target/release/bundle/deb/*.deb)
deb="${debs[0]}"
mkdir -p "$out"

if dpkg -s "$pkg" >/dev/null 2>&1; then sudo_if_needed apt-get remove -y -qq "$pkg"; fi
sudo_if_needed apt-get install -y -qq --no-install-recommends "./$deb"
trap 'sudo_if_needed apt-get remove -y -qq "$pkg" >/dev/null' EXIT
echo "bench-installed: $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, installed size $(dpkg-query -W -f '${Installed-Size}' "$pkg") KiB ($(/usr/bin/khqr-pos --version))"

cd tests/e2e
[ -d node_modules ] || npm ci --no-audit --no-fund
export E2E_APP=/usr/bin/khqr-pos-app E2E_CLI=/usr/bin/khqr-pos
run() { # name, then the bench's command line
  local name=$1
  shift
  echo "bench-installed: $name (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "${xvfb[@]}" node "$@" | tee "../../$out/$name.json"
}
run start bench-start.mjs --starts 5
run enter-qr bench-enter-qr.mjs --runs 2 --charges 25 --paints 10
run memory bench-memory.mjs --sales 100 --checkpoints 10,100 --idle-seconds 60
echo "bench-installed: done; results in $out/"
