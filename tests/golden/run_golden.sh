#!/bin/sh
# Run every case of tests/golden/cases.txt with the real binary from the
# repository root and compare exit status, stdout and stderr with
# testdata/expected/NAME.out. With --update, rewrite the expected files
# instead (review the diff before committing).
# Usage: run_golden.sh PPROFDIFF SRCDIR [--update]
set -u
bin=$1
src=$2
update=${3:-}
cd "$src" || exit 1
passed=0
failed=0
tab=$(printf '\t')
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
while IFS="$tab" read -r name input args; do
    case $name in ''|'#'*) continue ;; esac
    if [ "$input" = - ]; then input=/dev/null; fi
    # Word splitting of $args is intended: arguments contain no spaces.
    # shellcheck disable=SC2086
    out=$("$bin" $args <"$input" 2>"$tmp"; echo "exit $?")
    {
        printf '%s\n' "--- stdout"
        printf '%s\n' "$out" | sed '$d'
        printf '%s\n' "--- stderr"
        cat "$tmp"
        printf '%s\n' "--- $(printf '%s\n' "$out" | tail -n 1)"
    } >"$tmp.got"
    want=testdata/expected/$name.out
    if [ "$update" = --update ]; then
        mv "$tmp.got" "$want"
        continue
    fi
    if diff -u "$want" "$tmp.got" >"$tmp.diff" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: pprofdiff $args"
        head -n 40 "$tmp.diff"
    fi
    rm -f "$tmp.got" "$tmp.diff"
done <tests/golden/cases.txt
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
