#!/usr/bin/env bash
# Build leakd, run it, and capture goroutine and heap profiles at seven
# points of one run, for the trend and text-input tests (testdata/trend/):
# protobuf (debug=0) and text (goroutine debug=1 and 2, heap, mutex and
# block debug=1).
# Usage: trend.sh [OUTDIR]   (default: testdata/trend of the repository)
#
# Between points: 40 leaky jobs (steady growth of two goroutine stacks
# and their heap), the churn pool set to 60 or 0 in turn (up and down,
# no net growth), and once, between points 3 and 4, a burst of 120
# goroutines and buffers (a one-off jump). INTERVAL (seconds, default 5)
# separates the points. Files are named as `pprofdiff capture` names
# them, TYPE-YYYYMMDDTHHMMSSZ.pb.gz, one second apart at least.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../trend"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
start_leakd 200

interval=${INTERVAL:-5}
sleep 1 # warm up the background activity
for k in 0 1 2 3 4 5 6; do
	get "$base/job?n=40"
	if ((k % 2 == 0)); then get "$base/churn?n=60"; else get "$base/churn?n=0"; fi
	if ((k == 4)); then get "$base/burst?n=120"; fi
	sleep 0.5
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	fetch "$base/debug/pprof/goroutine" "$out/goroutine-$stamp.pb.gz"
	fetch "$base/debug/pprof/heap?gc=1" "$out/heap-$stamp.pb.gz"
	# The text forms, named as `pprofdiff capture -t 'TYPE?debug=N'`
	# names them.
	fetch "$base/debug/pprof/goroutine?debug=1" "$out/goroutine.debug1-$stamp.txt"
	fetch "$base/debug/pprof/goroutine?debug=2" "$out/goroutine.debug2-$stamp.txt"
	fetch "$base/debug/pprof/heap?debug=1" "$out/heap.debug1-$stamp.txt"
	fetch "$base/debug/pprof/mutex?debug=1" "$out/mutex.debug1-$stamp.txt"
	fetch "$base/debug/pprof/block?debug=1" "$out/block.debug1-$stamp.txt"
	echo "captured point $k ($stamp)"
	((k < 6)) && sleep "$interval"
done
ls -l "$out"
