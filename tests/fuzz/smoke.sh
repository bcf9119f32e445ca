#!/bin/sh
# smoke.sh - run each libFuzzer binary for a fixed number of runs (at
# most 60 s) on a fresh copy of its corpus; fail on any crash, leak,
# timeout or out-of-memory. The seed is fixed (PPD_FUZZ_SEED, default 1)
# so a commit's result does not depend on luck; set PPD_FUZZ_SEED=0 for
# a random one, and see tests/fuzz/CMakeLists.txt for long runs.
#
#   smoke.sh CORPUS_DIR WORK_DIR FUZZER...
#
# fuzz_X starts from corpus/X (fuzz_diff also from corpus/decode). The
# copy lives in WORK_DIR, so new inputs never touch the source tree;
# crash artifacts are left in WORK_DIR/artifacts-X/.
set -u
corpus=$1
work=$2
shift 2
status=0
seed=${PPD_FUZZ_SEED:-1}
runs=${PPD_FUZZ_RUNS:-10000}
for fuzzer in "$@"; do
    name=$(basename "$fuzzer")
    target=${name#fuzz_}
    copy=$work/corpus-$target
    art=$work/artifacts-$target
    rm -rf "$copy" "$art"
    mkdir -p "$copy" "$art" || exit 1
    cp "$corpus/$target"/* "$copy"/ || exit 1
    if [ "$target" = diff ]; then
        cp "$corpus/decode"/* "$copy"/ || exit 1
    fi
    echo "== $name: seed $seed, $runs runs on $(ls "$copy" | wc -l) inputs"
    if "$fuzzer" -seed="$seed" -runs="$runs" -max_total_time=60 \
        -rss_limit_mb=1024 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$art/" "$copy" \
        >"$work/$name.log" 2>&1; then
        grep -E '^stat::(number_of_executed_units|peak_rss_mb)' \
            "$work/$name.log"
        grep -E '^#[0-9]+.*cov:' "$work/$name.log" | tail -n 1
    else
        echo "FAIL $name (log: $work/$name.log, artifacts: $art)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' \
            "$work/$name.log" | head -n 5
        status=1
    fi
done
exit $status
