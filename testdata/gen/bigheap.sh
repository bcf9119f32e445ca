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
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

tmp=$(mktemp -d)
pid=
cleanup() {
	if [[ -n "$pid" ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
if [[ -z "${GOCACHE:-}" ]] && ! [[ -n "${HOME:-}" && -w "$HOME" ]]; then
	export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath"
fi
(cd "$here" && go build -o "$tmp/leakd" .)

"$tmp/leakd" -bigheap 500000 >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!

addr=
for _ in $(seq 1 1200); do # allow up to a minute for the big allocation
	addr=$(sed -n 's/^listening on //p' "$tmp/stdout")
	[[ -n "$addr" ]] && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/stderr" >&2; echo "leakd exited early" >&2; exit 1; }
	sleep 0.05
done
[[ -n "$addr" ]] || { echo "leakd did not report its address" >&2; exit 1; }
base="http://$addr"
echo "leakd pid $pid at $base"

fetch() { # fetch URL FILE
	curl -fsS -o "$2" "$1"
	[[ -s "$2" ]] || { echo "empty capture: $2" >&2; exit 1; }
}

fetch "$base/debug/pprof/heap?gc=1" "$out/big-0.pb.gz"
curl -fsS "$base/grow?n=40000" >/dev/null
curl -fsS "$base/job?n=50" >/dev/null
fetch "$base/debug/pprof/heap?gc=1" "$out/big-1.pb.gz"
cat "$tmp/stderr" >&2
ls -l "$out/big-0.pb.gz" "$out/big-1.pb.gz"
