#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian/Ubuntu machine. Idempotent: a second
# run installs nothing and takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_packages=(
  # Tauri v2 on WebKitGTK 4.1
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  libssl-dev libxdo-dev pkg-config build-essential file curl
  # A fast linker for the many test binaries (see .cargo/config.toml)
  mold
  # Running the app headless, screenshots and WebDriver e2e
  xvfb xauth imagemagick webkit2gtk-driver xdotool fonts-dejavu-core
  # pos-print's tests read the printed KHQR back with a real QR decoder, and the printed text
  # with OCR (English and Khmer)
  zbar-tools tesseract-ocr tesseract-ocr-eng tesseract-ocr-khm
  # The shop database's tests start their own throwaway PostgreSQL cluster (pos-sync)
  postgresql
)
# Node for the UI build and the e2e runner; a machine may carry its own Node outside apt.
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  # shellcheck disable=SC1091
  source "$HOME/.cargo/env"
fi

# npm ci again only when the lock file changed since the last install.
for dir in ui tests/e2e; do
  if [ -f "$dir/package-lock.json" ] && ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock"; then
    (cd "$dir" && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock)
  fi
done
