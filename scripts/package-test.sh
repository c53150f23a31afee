#!/usr/bin/env bash
# Builds the .deb from the binaries the e2e step already compiled (no second compile), installs
# it with apt (dependencies resolved from Debian), then tests what an installed user meets:
# `khqr-pos --version`, a demo charge, the app's counter under Xvfb through WebDriver, and a
# clean removal. Run after `cargo build --locked --workspace --bins --tests` (tests/e2e/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pkg=khqr-pos

for bin in target/debug/khqr-pos-app target/debug/khqr-pos; do
  [ -x "$bin" ] || { echo "package-test: $bin is missing; build it first (bash tests/e2e/run.sh)" >&2; exit 1; }
done
[ -f ui/dist/index.html ] || (cd ui && npm run --silent build)

# `tauri bundle` packages the already-built debug binaries; binary patching would rewrite
# target/debug/khqr-pos-app in place (only the updater reads it, and there is none).
rm -rf target/debug/bundle/deb
bundle_start=$(date +%s)
ui/node_modules/.bin/tauri bundle --ci --debug --bundles deb --no-binary-patching \
  --config src-tauri/tauri.debug.conf.json
debs=(target/debug/bundle/deb/*.deb)
deb="${debs[0]}"
echo "package-test: $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, bundled in $(($(date +%s) - bundle_start)) s"

# A same-version package already installed would make apt skip the install: start clean.
if dpkg -s "$pkg" >/dev/null 2>&1; then sudo_if_needed apt-get remove -y -qq "$pkg"; fi
# apt needs a path with a slash to read a local file.
sudo_if_needed apt-get install -y -qq --no-install-recommends "./$deb"
dpkg -L "$pkg" >target/debug/bundle/installed-files.txt

data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
version=$(/usr/bin/khqr-pos --version)
echo "package-test: installed $version"
[ "$version" = "khqr-pos $(dpkg-query -W -f '${Version}' "$pkg")" ] || {
  echo "package-test: CLI version '$version' differs from the package's" >&2
  exit 1
}
KHQR_POS_DATA_DIR="$data_dir" /usr/bin/khqr-pos charge --amount 5000 --currency KHR --wait --demo-autopay 1s >"$data_dir/charge.out"
grep -q PAID "$data_dir/charge.out" || { cat "$data_dir/charge.out"; echo "package-test: demo charge not paid" >&2; exit 1; }
KHQR_POS_DATA_DIR="$data_dir" /usr/bin/khqr-pos ledger verify

# The installed app under Xvfb: the counter appears and a typed amount becomes a QR.
(
  cd tests/e2e
  [ -d node_modules ] || npm ci --no-audit --no-fund
  E2E_APP=/usr/bin/khqr-pos-app E2E_CLI=/usr/bin/khqr-pos E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4460}" \
    timeout --kill-after=10 180 xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    node --test --test-concurrency=1 installed.test.mjs
)

sudo_if_needed apt-get remove -y -qq "$pkg"
left=0
while read -r f; do
  if [ -e "$f" ] && [ ! -d "$f" ]; then echo "package-test: left after removal: $f" >&2; left=1; fi
done <target/debug/bundle/installed-files.txt
[ "$left" = 0 ] || exit 1
! dpkg -s "$pkg" >/dev/null 2>&1 || { echo "package-test: $pkg still registered" >&2; exit 1; }
echo "package-test: installed, ran and removed $(basename "$deb")"
