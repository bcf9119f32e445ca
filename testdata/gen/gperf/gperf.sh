#!/usr/bin/env bash
# Build leakc with gperftools (Debian: libgoogle-perftools-dev) and run it
# under its CPU and heap profilers, writing gperftools' own formats:
#   OUTDIR/cpu.prof             CPUPROFILE (binary)
#   OUTDIR/heap.NNNN.heap       HEAPPROFILE (text, "heap profile: ...");
#                               the fixtures keep 0002, 0009 and 0018
# Usage: gperf.sh [OUTDIR]   (default: testdata/gperf of the repository)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../../gperf"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O1 -g -fno-omit-frame-pointer -o "$tmp/leakc" "$here/leakc.c" \
	-Wl,--no-as-needed -lprofiler -ltcmalloc
rm -f "$out"/cpu.prof "$out"/heap.*.heap
# Heap snapshots every 8 MiB of allocation; CPU samples at 1000 Hz.
(cd "$tmp" && CPUPROFILE="$out/cpu.prof" CPUPROFILE_FREQUENCY=1000 \
	HEAPPROFILE="$out/heap" HEAP_PROFILE_ALLOCATION_INTERVAL=8388608 \
	./leakc 20000 >/dev/null)
ls -l "$out"
