#!/usr/bin/env bash
# Build leakd, run it with -deepheap STACKS and capture two heap profiles
# into OUTDIR: deep-0.pb.gz, with one live object from each of STACKS
# distinct call stacks 20 levels deep (default 524288 = 2^19, at most 2^20),
# and deep-1.pb.gz, after a quarter of those stacks allocated one more.
# With SNAPSHOTS=N (default 2) it goes on to deep-(N-1).pb.gz, a quarter
# of the stacks growing before each, for trends. These are for
# benchmarks and are not committed.
# Usage: deepheap.sh OUTDIR [STACKS]
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: $0 OUTDIR [STACKS]" >&2
	exit 2
fi
stacks=${2:-524288}
if ! [[ "$stacks" =~ ^[1-9][0-9]*$ ]] || ((stacks > 1048576)); then
	echo "$0: STACKS must be in [1, 1048576]" >&2
	exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_leakd 600 -deepheap "$stacks"

snapshots=${SNAPSHOTS:-2}
for ((k = 0; k < snapshots; k++)); do
	get "$base/deepgrow"
	fetch "$base/debug/pprof/heap?gc=1" "$out/deep-$k.pb.gz"
done
cat "$tmp/stderr" >&2
ls -l "$out"/deep-*.pb.gz
