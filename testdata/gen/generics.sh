#!/usr/bin/env bash
# Build leakd, record every allocation (MemProfileRate=1), and capture the
# heap profile before and after 200 rounds of allocations made through
# generic Go code (/generic: methods of generic types, generic functions
# and their closures), for the function-name tests (testdata/names/).
# Usage: generics.sh [OUTDIR]   (default: testdata/names of the repository)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../names"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
start_leakd 200 -memprofilerate 1

fetch "$base/debug/pprof/heap?gc=1" "$out/generics-0.pb.gz"
get "$base/generic?n=200"
fetch "$base/debug/pprof/heap?gc=1" "$out/generics-1.pb.gz"
ls -l "$out/generics-0.pb.gz" "$out/generics-1.pb.gz"
