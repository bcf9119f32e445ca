#!/usr/bin/env bash
# Live tests against the Go leak program (testdata/gen, net/http/pprof on
# 127.0.0.1): live.sh diff | capture. Skipped (77) only when go is absent.
. "$(dirname "$0")/lib.sh"

case_name=${1:?usage: live.sh diff|capture}
GO=${PPD_GO:-}
if [ -z "$GO" ] || ! "$GO" version >/dev/null 2>&1; then
    echo "go is not installed: skipping the live tests"
    exit 77
fi

export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
if [ -z "${GOCACHE:-}" ] && { [ -z "${HOME:-}" ] || [ ! -w "$HOME" ]; }; then
    export GOCACHE="$PPD_WORK/gocache" GOPATH="$PPD_WORK/gopath"
fi
(cd "$PPD_SRC/testdata/gen" && "$GO" build -o "$PPD_WORK/leakd" .) || {
    echo "cannot build testdata/gen" >&2
    exit 1
}

# start_leakd NAME: starts leakd, sets ADDR_<NAME> (host:port).
start_leakd() {
    ./leakd -addr 127.0.0.1:0 >"leakd-$1.out" 2>"leakd-$1.err" &
    local pid=$!
    PIDS+=("$pid")
    local addr="" i
    for i in $(seq 1 200); do
        addr=$(sed -n 's/^listening on //p' "leakd-$1.out")
        [ -n "$addr" ] && break
        kill -0 "$pid" 2>/dev/null || {
            cat "leakd-$1.err" >&2
            exit 1
        }
        sleep 0.05
    done
    [ -n "$addr" ] || { echo "leakd $1 gave no address" >&2; exit 1; }
    eval "ADDR_$1=$addr"
}

BASE="$PPD_SRC/testdata/leak/goroutine-0.pb.gz"

case "$case_name" in
diff)
    start_leakd a
    A=$ADDR_a
    [ "$(http_get "http://$A/job?n=50")" = "ok 50" ] || fail "job?n=50"
    run "$PPD_BIN" "$BASE" "http://$A/debug/pprof/goroutine"
    expect_rc 0 "diff url"
    grep -q reaper out.txt || fail "diff url: no reaper stack in the diff"
    grep -q "^cur: *http://$(re "$A")/debug/pprof/goroutine" out.txt ||
        fail "diff url: cur is not the URL"
    # host:port without -t: the goroutine base fetches goroutine.
    run "$PPD_BIN" "$BASE" "$A"
    expect_rc 0 "diff host:port"
    grep -q "^cur: *http://$(re "$A")/debug/pprof/goroutine" out.txt ||
        fail "diff host:port: type not inferred from the base"
    grep -q reaper out.txt || fail "diff host:port: no reaper stack"
    # The 50 leaked reapers grow by 30 over the base's 20: they rank at the
    # top (tied with the connectionOpener goroutines leaked alongside).
    awk '/^growing/ { g = 1 } /^shrinking/ { g = 0 }
         g && /pool\.\(\*ConnPool\)\.reaper/ && $1 <= 2 && $2 == "+30" {
             ok = 1
         }
         END { exit !ok }' out.txt ||
        fail "diff: the reaper stack is not a top growing stack at +30"
    # A CPU profile with --seconds, saved by fetch.
    run "$PPD_BIN" fetch -t profile --seconds 1 -o cpu.pb.gz "$A"
    expect_rc 0 "fetch cpu"
    expect_profile cpu.pb.gz "fetch cpu"
    [ "$MS" -ge 900 ] || fail "fetch cpu: --seconds 1 took ${MS} ms"
    ;;
capture)
    start_leakd a
    start_leakd b
    http_get "http://$ADDR_a/job?n=5" >/dev/null
    types=heap,allocs,goroutine,block,mutex,threadcreate
    run "$PPD_BIN" capture -v -o snaps -t "$types" "$ADDR_a" "b=$ADDR_b"
    expect_rc 0 "capture"
    [ -s err.txt ] && fail "capture: stderr: $(cat err.txt)"
    da="snaps/$(echo "$ADDR_a" | tr ':' '_')"
    stamp=""
    for d in "$da" snaps/b; do
        for t in ${types//,/ }; do
            f=$(find "$d" -maxdepth 1 -name "$t-*.pb.gz" | head -n1)
            if [ -z "$f" ]; then
                fail "capture: no $t snapshot in $d"
                continue
            fi
            echo "${f##*/}" | grep -qxE "$t-[0-9]{8}T[0-9]{6}Z\.pb\.gz" ||
                fail "capture: bad name $f"
            s=${f##*-}
            [ -z "$stamp" ] && stamp=$s
            [ "$s" = "$stamp" ] || fail "capture: stamps differ: $s $stamp"
            expect_profile "$f" "capture $t"
        done
        [ "$(find "$d" -type f | wc -l)" -eq 6 ] ||
            fail "capture: $d holds other files"
    done
    # The goroutine snapshot is what it says.
    "$PPD_BIN" "$da/goroutine-$stamp" | grep -q '^profile: goroutine' ||
        fail "capture: goroutine snapshot is not a goroutine profile"
    # --seconds: delta profiles over one second, all at once.
    run "$PPD_BIN" capture -o snaps2 -t heap,goroutine,profile --seconds 1 \
        "a=$ADDR_a" "b=$ADDR_b"
    expect_rc 0 "capture --seconds"
    [ "$MS" -lt 4000 ] || fail "capture --seconds: took ${MS} ms"
    [ "$(find snaps2 -name '*.pb.gz' | wc -l)" -eq 6 ] ||
        fail "capture --seconds: want 6 files"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
finish
