#!/usr/bin/env bash
# Make sure a headless Chromium and CJK fonts are installed, for `make browser-test`.
# Uses $BMLEARN_CHROMIUM, or chromium / chromium-browser / google-chrome from PATH;
# otherwise installs Debian's chromium package with apt-get (as root, or with sudo).
set -euo pipefail
browser=""
for candidate in "${BMLEARN_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1; then
    browser="$candidate"; break
  fi
done
need=()
[[ -n "$browser" ]] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "cjk" || need+=(fonts-noto-cjk)
if ((${#need[@]})); then
  sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
  echo "Installing ${need[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  browser="${browser:-chromium}"
fi
"$browser" --version 2>/dev/null | head -1
