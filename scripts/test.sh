#!/bin/sh
# The whole test suite, as CI runs it:
#   1. a plain build with -Werror, then every ctest test (unit, golden,
#      interop against go tool pprof, malformed inputs, fetch/capture),
#      inflating with ISA-L, then the same with zlib (the portable path);
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the same suite built with clang's sanitizers, libFuzzer targets
#      included, with a short smoke run;
#   4. a 20-second soak of capture against a loopback fleet that answers
#      with faults (scripts/soak.py); with --soak, a 10-minute one.
# Build trees go to build-test/ (override with BUILD_ROOT=DIR).
set -eu
cd "$(dirname "$0")/.."
soak="--duration 20 --targets 20"
case "${1:-}" in
--soak) soak="--duration 600" ;;
"") ;;
*) echo "usage: scripts/test.sh [--soak]" >&2; exit 2 ;;
esac
root=${BUILD_ROOT:-build-test}
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n=== %s\n' "$*"; }

step "plain build"
cmake -S . -B "$root/plain" -DPPD_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$root/plain" -j"$jobs"
ctest --test-dir "$root/plain" --output-on-failure -j"$jobs"

step "plain build, inflating with zlib"
cmake -S . -B "$root/zlib" -DPPD_WERROR=ON -DPPD_INFLATE=zlib \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$root/zlib" -j"$jobs"
ctest --test-dir "$root/zlib" --output-on-failure -j"$jobs" -E '^fetch_'

step "AddressSanitizer + UndefinedBehaviorSanitizer build"
cmake -S . -B "$root/asan" -DPPD_WERROR=ON -DPPD_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug
cmake --build "$root/asan" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/asan" --output-on-failure -j"$jobs"

step "clang ASan+UBSan build: the whole suite and a libFuzzer smoke run"
# clang's UBSan sees more than gcc's (a zero offset added to a NULL
# pointer, for one), so the whole suite runs here too.
CC=clang cmake -S . -B "$root/fuzz" -DPPD_WERROR=ON -DPPD_FUZZ=ON \
    -DPPD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build "$root/fuzz" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/fuzz" --output-on-failure --no-tests=error \
    -j"$jobs"

step "soak: capture every 3 s against a fleet with faults ($soak)"
# shellcheck disable=SC2086
python3 scripts/soak.py --bin "$root/plain/pprofdiff" $soak

step "all test stages passed"
