#!/usr/bin/env bash
# Draws icons/app-icon.png (1024×1024): a red KHQR tile with white QR finder patterns and a
# riel sign. `npx tauri icon icons/app-icon.png -o icons` turns it into the icon set.
set -euo pipefail
cd "$(dirname "$0")"
finder() { # x y: a 7-module finder pattern of 40 px modules, white on red
  local x=$1 y=$2
  echo "fill white roundrectangle $x,$y $((x+280)),$((y+280)) 36,36"
  echo "fill '#E1232E' rectangle $((x+40)),$((y+40)) $((x+240)),$((y+240))"
  echo "fill white roundrectangle $((x+80)),$((y+80)) $((x+200)),$((y+200)) 16,16"
}
convert -size 1024x1024 xc:none \
  -fill '#E1232E' -draw "roundrectangle 48,48 976,976 190,190" \
  -draw "$(finder 172 172)" -draw "$(finder 572 172)" -draw "$(finder 172 572)" \
  -fill white -draw "rectangle 612,612 692,692" -draw "rectangle 772,612 852,692" \
  -draw "rectangle 692,692 772,772" -draw "rectangle 612,772 692,852" -draw "rectangle 772,772 852,852" \
  PNG32:app-icon.png
