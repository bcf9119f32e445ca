#!/bin/sh
# Regenerate the README's pictures (doc/flame.png, doc/report.png,
# doc/trend.png) from the bundled fixtures, with headless Chromium.
# Usage: scripts/screenshots.sh [PPROFDIFF]   (default: build/pprofdiff)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/pprofdiff}
chrome=$(command -v chromium || command -v chromium-browser)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" --format svg -o "$tmp/flame.svg" \
    testdata/leak/goroutine-0.pb.gz testdata/leak/goroutine-2.pb.gz
"$bin" --format html -n 8 -o "$tmp/report.html" \
    testdata/leak/heap-0.pb.gz testdata/leak/heap-2.pb.gz
shot() { # shot URL PNG WIDTH,HEIGHT
    "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size="$3" --screenshot="$2" "$1" 2>/dev/null
}
shot "file://$tmp/flame.svg" doc/flame.png 1200,300
"$bin" trend --format html -n 3 -o "$tmp/trend.html" -t goroutine \
    testdata/trend
shot "file://$tmp/report.html" doc/report.png 1280,900
shot "file://$tmp/trend.html" doc/trend.png 900,1100
ls -l doc/flame.png doc/report.png doc/trend.png
