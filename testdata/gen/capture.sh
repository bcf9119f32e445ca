#!/usr/bin/env bash
# Build leakd, run it, and capture pprof profiles at three points of its leak.
# Usage: capture.sh [OUTDIR]   (default: testdata/leak of the repository)
# INTERVAL (seconds, default 30) separates the capture points, so the
# snapshots carry realistic times and growth rates.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../leak"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
start_leakd 200

job() {
	curl -fsS "$base/job?n=$1" >/dev/null
}

capture_point() { # capture_point K
	local k=$1 p
	fetch "$base/debug/pprof/goroutine" "$out/goroutine-$k.pb.gz"
	fetch "$base/debug/pprof/heap?gc=1" "$out/heap-$k.pb.gz"
	for p in allocs block mutex threadcreate; do
		fetch "$base/debug/pprof/$p" "$out/$p-$k.pb.gz"
	done
	echo "captured point $k"
}

sleep 1 # warm up the background activity
interval=${INTERVAL:-30}
job 20
capture_point 0
sleep "$interval"
job 200
capture_point 1
sleep "$interval"
job 300
capture_point 2
fetch "$base/debug/pprof/profile?seconds=2" "$out/cpu.pb.gz"
echo "captured cpu"
ls -l "$out"
