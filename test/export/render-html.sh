#!/usr/bin/env bash
# Renders an export HTML report (or any HTML file) to a PNG with headless Chromium, to check by eye
# that it is readable: the totals, the seat chart and the table, with right-to-left and multi-line
# labels. Not part of `npm test` (Chromium is not a dependency).
#
#   test/export/render-html.sh report.html [report.png] [width]
#
# Needs Debian's `chromium` package (`apt-get install chromium`); exits 3 without it.
# The page may not fetch anything (its content security policy forbids it), so no network is used.
set -euo pipefail

html="${1:?usage: $0 report.html [out.png] [width]}"
png="${2:-${html%.html}.png}"
width="${3:-1280}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$browser" ]]; then
  echo "chromium is not installed (apt-get install chromium); nothing rendered" >&2
  exit 3
fi
[[ -f "$html" ]] || { echo "no such file: $html" >&2; exit 2; }

# A throw-away profile, so the run leaves nothing behind and never reads the user's profile.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$profile" --no-first-run --disable-extensions \
  --window-size="${width},2400" --screenshot="$(realpath -m "$png")" \
  "file://$(realpath "$html")" >/dev/null 2>&1
[[ -s "$png" ]] || { echo "chromium wrote no screenshot" >&2; exit 1; }
echo "$png"
