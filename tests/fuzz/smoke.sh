#!/bin/sh
# smoke.sh - run each libFuzzer binary for 20 s on a fresh copy of its
# corpus; fail on any crash, leak, timeout or out-of-memory.
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
    echo "== $name: 20 s on $(ls "$copy" | wc -l) inputs"
    if "$fuzzer" -max_total_time=20 -rss_limit_mb=1024 -timeout=10 \
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
