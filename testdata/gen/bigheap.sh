#!/usr/bin/env bash
# Build leakd, run it with -bigheap 500000 and capture two very large heap
# profiles (big-0.pb.gz, big-1.pb.gz) into OUTDIR. These are for benchmarks
# and are not committed.
# Usage: bigheap.sh OUTDIR
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_leakd 1200 -bigheap 500000 # up to a minute for the big allocation

fetch "$base/debug/pprof/heap?gc=1" "$out/big-0.pb.gz"
get "$base/grow?n=40000"
get "$base/job?n=50"
fetch "$base/debug/pprof/heap?gc=1" "$out/big-1.pb.gz"
cat "$tmp/stderr" >&2
ls -l "$out/big-0.pb.gz" "$out/big-1.pb.gz"
