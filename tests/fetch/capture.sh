#!/usr/bin/env bash
# `pprofdiff capture` against the loopback fault server: capture.sh CASE.
. "$(dirname "$0")/lib.sh"

case_name=${1:?usage: capture.sh CASE}
start_fault_server f
P=$PORT_f
U="http://127.0.0.1:$P"
Q=$(re "$U")
STAMP='[0-9]{8}T[0-9]{6}Z'

# names DIR: the file names in DIR, sorted, one a line.
names() {
    find "$1" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | LC_ALL=C sort
}

case "$case_name" in
partial)
    # One dead target and one that is not a profile; the others are saved.
    run "$PPD_BIN" capture -v --retries 0 -o snaps -t heap,goroutine \
        a=127.0.0.1:$P "b=$U/" dead=127.0.0.1:1 "page=$U/html"
    expect_rc 1 "partial"
    expect_err_has "^pprofdiff: http://127\.0\.0\.1:1/debug/pprof/heap: Failed to connect" "partial dead heap"
    expect_err_has "^pprofdiff: http://127\.0\.0\.1:1/debug/pprof/goroutine: Failed to connect" "partial dead goroutine"
    expect_err_has "^pprofdiff: $Q/html: HTTP 200 OK \(text/html; charset=utf-8\) is not a profile: " "partial html"
    expect_err_has "^pprofdiff: capture: 3 of 7 captures failed$" "partial summary"
    [ "$(wc -l <err.txt)" -eq 4 ] || fail "partial: want 4 stderr lines"
    for t in a b; do
        n=$(names "snaps/$t" | grep -cE "^(heap|goroutine)-$STAMP\.pb\.gz$")
        [ "$n" -eq 2 ] || fail "partial: snaps/$t has $n snapshots, want 2"
        for f in snaps/$t/*.pb.gz; do
            expect_profile "$f" "partial"
            grep -qxF "$f" out.txt || fail "partial: -v did not list $f"
        done
    done
    [ -z "$(names snaps/dead)" ] || fail "partial: files for the dead target"
    [ -z "$(names snaps/page)" ] || fail "partial: files for the html target"
    # Every file of a run carries the same timestamp.
    [ "$(names snaps/a | sed -E 's/.*-(.*)\.pb\.gz/\1/' | sort -u |
        wc -l)" -eq 1 ] || fail "partial: timestamps differ within a run"
    ;;
ok)
    run "$PPD_BIN" capture -o snaps 127.0.0.1:$P
    expect_rc 0 "ok"
    [ -s err.txt ] && fail "ok: stderr not empty"
    [ -s out.txt ] && fail "ok: stdout not empty without -v"
    names "snaps/127.0.0.1_$P" >list.txt
    grep -qxE "heap-$STAMP\.pb\.gz" list.txt || fail "ok: no heap snapshot"
    grep -qxE "goroutine-$STAMP\.pb\.gz" list.txt ||
        fail "ok: no goroutine snapshot"
    [ "$(wc -l <list.txt)" -eq 2 ] || fail "ok: want 2 files"
    ;;
keep)
    d="snaps/t"
    mkdir -p "$d"
    for s in 20200101T000000Z 20200102T000000Z 20200103T000000Z; do
        cp "$PROFILE" "$d/heap-$s.pb.gz"
    done
    cp "$PROFILE" "$d/goroutine-20200101T000000Z.pb.gz"
    : >"$d/heap-notes.txt"
    : >"$d/heap-20200101T000000Z.pb.gz.bak"
    : >"$d/heapx-20200101T000000Z.pb.gz"
    run "$PPD_BIN" capture --keep 2 -o snaps -t heap t=127.0.0.1:$P
    expect_rc 0 "keep"
    names "$d" >list.txt
    grep -qxF heap-20200103T000000Z.pb.gz list.txt ||
        fail "keep: the second newest snapshot was deleted"
    grep -E "^heap-$STAMP\.pb\.gz$" list.txt | grep -qv '^heap-2020' ||
        fail "keep: no new snapshot"
    [ "$(grep -cE "^heap-$STAMP\.pb\.gz$" list.txt)" -eq 2 ] ||
        fail "keep: want 2 heap snapshots: $(cat list.txt)"
    for keepme in goroutine-20200101T000000Z.pb.gz heap-notes.txt \
        heap-20200101T000000Z.pb.gz.bak heapx-20200101T000000Z.pb.gz; do
        grep -qxF "$keepme" list.txt || fail "keep: deleted $keepme"
    done
    ;;
stale)
    d="snaps/t"
    mkdir -p "$d"
    dead=$(dead_pid)
    : >"$d/.heap-20200101T000000Z.pb.gz.tmp-$dead-AbC123"
    : >"$d/.heap-20200101T000000Z.pb.gz.tmp-$$-XyZ789"
    run "$PPD_BIN" capture -o snaps -t heap t=127.0.0.1:$P
    expect_rc 0 "stale"
    [ -e "$d/.heap-20200101T000000Z.pb.gz.tmp-$dead-AbC123" ] &&
        fail "stale: leftover of a dead process kept"
    [ -e "$d/.heap-20200101T000000Z.pb.gz.tmp-$$-XyZ789" ] ||
        fail "stale: temporary file of a live process removed"
    # fetch -o cleans leftovers of its own output name too.
    : >".x.pb.gz.tmp-$dead-QwE456"
    run "$PPD_BIN" fetch -o x.pb.gz "$U/ok"
    expect_rc 0 "stale fetch"
    [ -e ".x.pb.gz.tmp-$dead-QwE456" ] && fail "stale fetch: leftover kept"
    ;;
killed)
    # A run killed while downloading leaves nothing under a final name.
    # The body streams to a temporary file beside it, which the next run
    # into that directory removes (its process is gone).
    "$PPD_BIN" capture --timeout 60 -o snaps t="$U/stall" 2>/dev/null &
    pid=$!
    PIDS+=("$pid")
    sleep 1
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    left=$(find snaps -type f -name '.stall-*.tmp-*' | wc -l)
    [ "$left" -eq 1 ] || fail "killed: want the spool of the killed run, found $left"
    [ -z "$(names snaps/t | grep -v "^\\.")" ] || fail "killed: a file under a final name"
    run "$PPD_BIN" capture -o snaps t="$U/garbage"
    expect_rc 1 "killed, next run"
    expect_no_partial snaps "killed, next run"
    # A failed save does not leave one either: the check fails first.
    run "$PPD_BIN" capture -o snaps t2="$U/garbage" t3="$U/empty"
    expect_rc 1 "invalid bodies"
    expect_no_partial snaps "invalid bodies"
    ;;
concurrent)
    # 2 targets x 3 types, each answer takes a second: concurrently ~1 s.
    run "$PPD_BIN" capture -o snaps -t heap,goroutine,allocs --retries 0 \
        a="$U/slow/debug/pprof/" b="$U/slow/debug/pprof/"
    expect_rc 1 "concurrent" # allocs is 404 on the fault server
    [ "$(grep -c 'HTTP 404' err.txt)" -eq 2 ] || fail "concurrent: 404s"
    [ "$MS" -lt 3500 ] || fail "concurrent: took ${MS} ms, not concurrent"
    [ "$(names snaps/a | wc -l)" -eq 2 ] || fail "concurrent: snaps/a"
    [ "$(names snaps/b | wc -l)" -eq 2 ] || fail "concurrent: snaps/b"
    # --parallel 1 serialises them.
    rm -rf snaps
    run "$PPD_BIN" capture -o snaps -t heap,goroutine --parallel 1 \
        a="$U/slow/debug/pprof/"
    expect_rc 0 "parallel 1"
    [ "$MS" -ge 1900 ] || fail "parallel 1: took only ${MS} ms"
    ;;
fixed)
    # A URL naming one profile is fetched once, named by its last segment.
    run "$PPD_BIN" capture -o snaps -t heap,goroutine "pr=$U/post" \
        --bearer-token-file /dev/null
    expect_rc 1 "fixed empty token"
    expect_err_line "pprofdiff: /dev/null: bearer token file is empty" "fixed empty token"
    printf 's3cr3t-token-value\n' >token
    run "$PPD_BIN" capture -o snaps "pr=$U/post" --bearer-token-file token \
        -H 'X-Scope-OrgID: tenant-a' --data '{"query":"merge"}'
    expect_rc 0 "fixed"
    names snaps/pr | grep -qxE "post-$STAMP\.pb\.gz" || fail "fixed: name"
    [ "$(names snaps/pr | wc -l)" -eq 1 ] || fail "fixed: want one file"
    ;;
deadline)
    # --deadline ends the run: the stalled transfer is cancelled and
    # reported, the finished one kept, nothing half-written left.
    run "$PPD_BIN" capture -o snaps --deadline 2 --timeout 60 \
        ok="$U/ok" st="$U/stall"
    expect_rc 1 "deadline"
    [ "$MS" -lt 5000 ] || fail "deadline: took ${MS} ms"
    grep -qE "^pprofdiff: $(re "$U")/stall: cancelled by --deadline \(2 s\)$" \
        err.txt || fail "deadline: no cancel line"
    names snaps/ok | grep -qxE "ok-$STAMP\.pb\.gz" || fail "deadline: ok kept"
    expect_no_partial snaps/st "deadline"
    # A body that arrives faster than it can be stored (a bomb that
    # looks like a profile, and never ends) is cancelled inside the
    # transfer too.
    run "$PPD_BIN" capture -o snaps --deadline 0.5 --max-download 64G \
        bp="$U/gzip-bomb-endless"
    expect_rc 1 "deadline bomb"
    grep -qE "^pprofdiff: $(re "$U")/gzip-bomb-endless: cancelled by --deadline \(0\.5 s\)$" \
        err.txt || fail "deadline bomb: no cancel line"
    expect_no_partial snaps/bp "deadline bomb"
    run "$PPD_BIN" capture -o snaps --deadline 0 "$U/ok"
    expect_rc 2 "deadline 0"
    ;;
report)
    # One JSON document per run: saved files, failures and totals.
    run "$PPD_BIN" capture -o snaps --retries 0 --report rep.json \
        ok="$U/ok" bad="$U/503" html="$U/html"
    expect_rc 1 "report"
    python3 - rep.json "$U" <<'PY' || fail "report: contents"
import json, sys
doc = json.load(open(sys.argv[1]))
base = sys.argv[2]
assert doc["report"] == "pprofdiff capture" and doc["version"] == 1
t = doc["totals"]
assert (t["captures"], t["saved"], t["failed"]) == (3, 1, 2), t
by = {c["name"]: c for c in doc["captures"]}
ok, bad, html = by["ok"], by["bad"], by["html"]
assert ok["ok"] and ok["path"].endswith(".pb.gz") and ok["bytes"] > 0
assert ok["http_status"] == 200 and ok["error"] is None
assert t["bytes"] == ok["bytes"]
assert not bad["ok"] and bad["path"] is None and bad["http_status"] == 503
assert bad["error"]["code"] == "HTTP error"
assert "overloaded" in bad["error"]["message"]
assert not html["ok"] and "not a profile" in html["error"]["message"]
assert all(c["url"].startswith(base) for c in doc["captures"])
assert doc["duration_seconds"] >= 0 and doc["deadline_seconds"] is None
assert doc["start"].endswith("Z")
PY
    [ -z "$(find . -name '.*.tmp-*')" ] || fail "report: temporary files"
    # To stdout with -, and a report of a run cut by --deadline.
    run "$PPD_BIN" capture -o snaps --deadline 1 --report - st="$U/stall"
    expect_rc 1 "report deadline"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["captures"][0]; assert not c["ok"] and "deadline" in c["error"]["message"] and d["deadline_seconds"] == 1' out.txt ||
        fail "report deadline: contents"
    ;;
names)
    # A NAME= that is not a plain name is refused, saying what one is.
    for bad in "../x" "a/b" "" "." ".."; do
        run "$PPD_BIN" capture -o snaps "$bad=$U/ok"
        expect_rc 2 "name '$bad'"
        grep -q "a target name holds only letters, digits, '.', '_' and '-', and is not '.' or '..'" err.txt ||
            fail "name '$bad': message"
    done
    [ ! -e snaps ] || [ -z "$(find snaps -type f)" ] || fail "names: files"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
finish
