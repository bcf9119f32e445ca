#!/usr/bin/env bash
# Build leakd, park N goroutines in it (default 100000), each at the end of
# its own stack, and capture the goroutine profile (parked-0.pb.gz); then
# park N/4 more and capture it again (parked-1.pb.gz), into OUTDIR.
# These are for benchmarks and are not committed.
# Usage: parked.sh OUTDIR [N]
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: $0 OUTDIR [N]" >&2
	exit 2
fi
n=${2:-100000}
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]] || ((n > 4000000)); then
	echo "$0: N must be in [1, 4000000]" >&2
	exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_leakd 200

get "$base/park?n=$n"
fetch "$base/debug/pprof/goroutine" "$out/parked-0.pb.gz"
get "$base/park?n=$((n / 4))"
fetch "$base/debug/pprof/goroutine" "$out/parked-1.pb.gz"
cat "$tmp/stderr" >&2
ls -l "$out/parked-0.pb.gz" "$out/parked-1.pb.gz"
