#!/usr/bin/env bash
# Build names.cpp and names.rs, run each under gperftools' CPU profiler
# (Debian: libgoogle-perftools-dev, loaded with LD_PRELOAD) and convert the
# profiles with to_pprof.py into pprof profiles whose function names are
# mangled C++ and Rust symbols:
#   OUTDIR/cpp.pb.gz       g++ (Itanium ABI: _Z...)
#   OUTDIR/rust.pb.gz      rustc, legacy mangling (_ZN...17h<hash>E)
#   OUTDIR/rust-v0.pb.gz   rustc -C symbol-mangling-version=v0 (_R...)
# Usage: names.sh [OUTDIR]   (default: testdata/names of the repository)
# Needs g++, rustc (std only; $RUSTC, else rustc on PATH, else
# ~/.cargo/bin/rustc), addr2line and python3. Each run takes about 3 s.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../../names"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

profiler=${PROFILER_LIB:-/usr/lib/x86_64-linux-gnu/libprofiler.so}
if [[ ! -e "$profiler" ]]; then
	echo "names.sh: $profiler not found (install libgoogle-perftools-dev" \
		"or set PROFILER_LIB)" >&2
	exit 1
fi
rustc=${RUSTC:-$(command -v rustc || echo "$HOME/.cargo/bin/rustc")}
cxx=${CXX:-g++}

# Source paths in the debug info are made relative to the repository
# (testdata/gen/names/...), and the build directory is mapped to nothing,
# so the fixtures do not depend on where the checkout or $tmp is.
cd "$tmp"
"$cxx" -O1 -g -fno-omit-frame-pointer -fno-inline \
	-fdebug-prefix-map="$here=testdata/gen/names" -fdebug-prefix-map="$tmp=" \
	-o names-cpp "$here/names.cpp"
rustflags=(-C opt-level=1 -g -C force-frame-pointers=yes
	--remap-path-prefix "$here=testdata/gen/names" --remap-path-prefix "$tmp=")
"$rustc" "${rustflags[@]}" -o names-rs "$here/names.rs"
"$rustc" "${rustflags[@]}" -C symbol-mangling-version=v0 \
	-o names-rs-v0 "$here/names.rs"

# profile BINARY OUTNAME: run BINARY at 500 Hz and convert its profile.
profile() {
	LD_PRELOAD="$profiler" CPUPROFILE="$tmp/$1.prof" \
		CPUPROFILE_FREQUENCY=500 "./$1" >/dev/null
	python3 "$here/to_pprof.py" "$tmp/$1.prof" "$1" "$out/$2" \
		--mapping-file "$1"
}
profile names-cpp cpp.pb.gz
profile names-rs rust.pb.gz
profile names-rs-v0 rust-v0.pb.gz
ls -l "$out"/cpp.pb.gz "$out"/rust.pb.gz "$out"/rust-v0.pb.gz
