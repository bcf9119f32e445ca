#!/usr/bin/env bash
# Fault cases for URL inputs, one per ctest test: faults.sh CASE.
# Each asserts the exit status, the exact error line and that no partial
# file is left behind.
. "$(dirname "$0")/lib.sh"

case_name=${1:?usage: faults.sh CASE}
start_fault_server f
P=$PORT_f
U="http://127.0.0.1:$P"
Q=$(re "$U")
E="pprofdiff: $Q" # start of every error line about the fault server
TEXT='\(text/plain\)'
UTF8='\(text/plain; charset=utf-8\)'
OCTETS='\(application/octet-stream\)'
UNKNOWN="HTTP 404 Not Found $UTF8: \"Unknown profile\""
OUT=out/profile.pb.gz
mkdir -p out

# fetch_case PATH [FLAGS...]: pprofdiff fetch URL -o out/profile.pb.gz
fetch_case() {
    local path=$1
    shift
    run "$PPD_BIN" fetch "$@" -o "$OUT" "$U/$path"
}

case "$case_name" in
ok)
    fetch_case ok
    expect_rc 0 "ok"
    [ -s err.txt ] && fail "ok: stderr not empty (no progress off a tty)"
    expect_profile "$OUT" "ok"
    expect_no_partial out "ok" profile.pb.gz
    ;;
500-then-ok)
    fetch_case "500-then-ok?k=a" --retries 2
    expect_rc 0 "500 then ok"
    expect_profile "$OUT" "500 then ok"
    [ "$(http_get "$U/count?k=/500-then-ok")" = 2 ] ||
        fail "500 then ok: want 2 requests"
    # Without retries the 500 is final.
    rm -f "$OUT"
    fetch_case "500-then-ok?k=b" --retries 0
    expect_rc 1 "500 no retry"
    expect_err_line "$E/500-then-ok\?k=b: HTTP 500 Internal Server Error $UTF8: \"internal error, try again\"" \
        "500 no retry"
    expect_no_partial out "500 no retry"
    ;;
503)
    fetch_case 503 --retries 2
    expect_rc 1 "503"
    expect_err_line "$E/503: HTTP 503 Service Unavailable $TEXT: \"overloaded\" \(gave up after 3 attempts\)" \
        "503"
    [ "$(http_get "$U/count?k=/503")" = 3 ] || fail "503: want 3 requests"
    expect_no_partial out "503"
    ;;
404)
    fetch_case 404
    expect_rc 1 "404"
    expect_err_line "$E/404: $UNKNOWN" "404"
    expect_no_partial out "404"
    # The same as a diff input: the HTTP error, not a parse error.
    run "$PPD_BIN" "$PROFILE" "$U/debug/pprof/nosuch"
    expect_rc 1 "404 diff"
    expect_err_line "$E/debug/pprof/nosuch: $UNKNOWN" "404 diff"
    ;;
html)
    HTML='HTTP 200 OK \(text/html; charset=utf-8\) is not a profile'
    fetch_case html
    expect_rc 1 "html"
    expect_err_line "$E/html: $HTML: \"<!DOCTYPE html> <html> <head><title>Sign in</title></head> .*\"" \
        "html"
    expect_no_partial out "html"
    run "$PPD_BIN" "$PROFILE" "$U/html"
    expect_rc 1 "html diff"
    expect_err_line "$E/html: $HTML: .*" "html diff"
    ;;
json)
    fetch_case json
    expect_rc 1 "json"
    expect_err_line "$E/json: HTTP 200 OK \(application/json\) is not a profile: \"\{\\\\\"code\\\\\":\\\\\"unauthenticated\\\\\",.*\"" \
        "json"
    expect_no_partial out "json"
    ;;
empty)
    fetch_case empty
    expect_rc 1 "empty"
    expect_err_line "$E/empty: HTTP 200 OK $OCTETS has an empty body, not a profile" \
        "empty"
    expect_no_partial out "empty"
    ;;
garbage)
    fetch_case garbage
    expect_rc 1 "garbage"
    expect_err_line "$E/garbage: HTTP 200 OK $OCTETS is not a profile: \"\\\\x01\\\\x02.*\"" \
        "garbage"
    expect_no_partial out "garbage"
    ;;
429)
    fetch_case "429?k=a"
    expect_rc 0 "429"
    expect_profile "$OUT" "429"
    [ "$MS" -ge 900 ] || fail "429: Retry-After 1 not honoured (${MS} ms)"
    [ "$(http_get "$U/count?k=/429")" = 2 ] || fail "429: want 2 requests"
    rm -f "$OUT"
    fetch_case 429-long
    expect_rc 1 "429 long"
    expect_err_line "$E/429-long: HTTP 429 Too Many Requests $TEXT: \"slow down\" \(Retry-After 3600 s is too long\)" \
        "429 long"
    [ "$MS" -lt 5000 ] || fail "429 long: waited ${MS} ms"
    expect_no_partial out "429 long"
    ;;
stall)
    fetch_case stall --timeout 1
    expect_rc 1 "stall"
    expect_err_line "$E/stall: timed out \(--timeout 1 s\): Operation timed out after [0-9]+ milliseconds with 16 out of 1000000 bytes received" \
        "stall"
    [ "$MS" -lt 5000 ] || fail "stall: took ${MS} ms"
    expect_no_partial out "stall"
    # On a reused connection (one at a time, after a good answer) the
    # stall is still the --timeout, not the --connect-timeout.
    run "$PPD_BIN" capture -q -o snaps --parallel 1 --timeout 1 \
        --retries 0 a="$U/ok" b="$U/stall"
    expect_rc 1 "stall reused"
    grep -qxE "$E/stall: timed out \(--timeout 1 s\): .*" err.txt ||
        fail "stall reused: not blamed on --timeout"
    # On a terminal (script(1) provides one) a progress line appears while
    # waiting, and -q silences it.
    if command -v script >/dev/null; then
        script -qec "$PPD_BIN fetch --timeout 2 -o $OUT $U/stall" \
            /dev/null >tty.txt 2>&1
        grep -q "pprofdiff: fetching $Q/stall: 1 s, 16 B" tty.txt ||
            fail "stall: no progress line on a terminal"
        script -qec "$PPD_BIN fetch -q --timeout 2 -o $OUT $U/stall" \
            /dev/null >tty.txt 2>&1
        grep -q "pprofdiff: fetching" tty.txt &&
            fail "stall: progress line despite -q"
    fi
    ;;
redirect-loop)
    fetch_case redirect-loop
    expect_rc 1 "redirect loop"
    expect_err_line "$E/redirect-loop: too many redirects \(limit 10\)" \
        "redirect loop"
    fetch_case redirect-loop --max-redirects 3
    expect_err_line "$E/redirect-loop: too many redirects \(limit 3\)" \
        "redirect limit 3"
    expect_no_partial out "redirect loop"
    fetch_case redirect-ok
    expect_rc 0 "redirect ok"
    expect_profile "$OUT" "redirect ok"
    ;;
huge)
    fetch_case huge --max-download 1M
    expect_rc 1 "huge"
    expect_err_line "$E/huge: body larger than --max-download \(1048576 bytes\)" \
        "huge"
    [ "$MS" -lt 5000 ] || fail "huge: took ${MS} ms"
    expect_no_partial out "huge"
    # The default cap (256 MiB) also ends the endless body.
    fetch_case huge
    expect_rc 1 "huge default"
    expect_err_line "$E/huge: body larger than --max-download \(268435456 bytes\)" \
        "huge default"
    expect_no_partial out "huge default"
    ;;
bomb)
    # Bodies stream to disk, never into memory: a Content-Encoding bomb
    # costs a few MiB whatever --max-download allows. Zeros are no
    # profile (field 0 is invalid); a valid start runs to the cap.
    run_rss "$PPD_BIN" fetch -o "$OUT" "$U/gzip-bomb"
    expect_rc 1 "gzip bomb"
    # Judged by its first bytes, not after storing --max-download.
    expect_err_line "$E/gzip-bomb: HTTP 200 .*is not a profile: .*" "gzip bomb"
    expect_rss 65536 "gzip bomb"
    expect_no_partial out "gzip bomb"
    run_rss "$PPD_BIN" fetch -o "$OUT" "$U/gzip-bomb-profile"
    expect_rc 1 "gzip bomb profile"
    expect_err_line "$E/gzip-bomb-profile: body larger than --max-download \(268435456 bytes\)" \
        "gzip bomb profile"
    expect_rss 65536 "gzip bomb profile"
    expect_no_partial out "gzip bomb profile"
    # As a diff input: the body is decoded from its spool.
    run_rss "$PPD_BIN" --max-download 16M "$U/gzip-bomb-profile" \
        "$PPD_SRC/testdata/leak/heap-0.pb.gz"
    expect_rc 1 "gzip bomb input"
    expect_rss 65536 "gzip bomb input"
    # Eight at once in one capture run: bounded too.
    targets=()
    for i in 1 2 3 4 5 6 7 8; do
        targets+=("b$i=$U/gzip-bomb-profile?k=$i")
    done
    run_rss "$PPD_BIN" capture -o snaps --parallel 8 "${targets[@]}"
    expect_rc 1 "eight gzip bombs"
    [ "$(grep -c 'larger than --max-download' err.txt)" -eq 8 ] ||
        fail "eight gzip bombs: want 8 errors"
    expect_rss 131072 "eight gzip bombs"
    expect_no_partial snaps "eight gzip bombs"
    ;;
reset)
    fetch_case reset --retries 1
    expect_rc 1 "reset"
    expect_err_line "$E/reset: (Recv failure: Connection reset by peer|transfer closed with [0-9]+ bytes remaining to read) \(gave up after 2 attempts\)" \
        "reset"
    [ "$(http_get "$U/count?k=/reset")" = 2 ] || fail "reset: want 2 requests"
    expect_no_partial out "reset"
    ;;
refused)
    # Port 1 on loopback: nothing listens there.
    run "$PPD_BIN" fetch --retries 1 -t heap -o "$OUT" 127.0.0.1:1
    expect_rc 1 "refused"
    expect_err_line "pprofdiff: http://127\.0\.0\.1:1/debug/pprof/heap: Failed to connect to 127\.0\.0\.1 port 1 after [0-9]+ ms: (Couldn't connect to server|Connection refused) \(gave up after 2 attempts\)" \
        "refused"
    expect_no_partial out "refused"
    ;;
post)
    TOKEN=s3cr3t-token-value
    printf '%s\n' "$TOKEN" >token
    printf '%s' '{"query":"merge"}' >query.json
    fetch_case post --bearer-token-file token -H 'X-Scope-OrgID: tenant-a' \
        --data '{"query":"merge"}'
    expect_rc 0 "post"
    expect_profile "$OUT" "post"
    rm -f "$OUT"
    fetch_case post --bearer-token-file token -H 'X-Scope-OrgID: tenant-a' \
        --data @query.json
    expect_rc 0 "post @file"
    expect_profile "$OUT" "post @file"
    # The same request as a diff input.
    run "$PPD_BIN" "$PROFILE" "$U/post" --bearer-token-file token \
        -H 'X-Scope-OrgID: tenant-a' --data @query.json
    expect_rc 0 "post diff"
    grep -q "^cur: *$Q/post" out.txt || fail "post diff: no cur line"
    rm -f "$OUT"
    fetch_case post -H 'X-Scope-OrgID: tenant-a' --data '{"query":"merge"}'
    expect_rc 1 "post no token"
    expect_err_line "$E/post: HTTP 401 Unauthorized $TEXT: \"bad or missing bearer token\"" \
        "post no token"
    fetch_case post --bearer-token-file token --data '{"query":"merge"}'
    expect_rc 1 "post no tenant"
    expect_err_line "$E/post: HTTP 400 Bad Request $TEXT: \"missing X-Scope-OrgID\"" \
        "post no tenant"
    fetch_case post --bearer-token-file missing-token
    expect_rc 1 "post token file"
    expect_err_line "pprofdiff: missing-token: cannot open bearer token file: No such file or directory" \
        "post token file"
    expect_no_partial out "post failures"
    ;;
secrets)
    TOKEN=s3cr3t-token-value
    printf '%s\n' "$TOKEN" >token
    # The server echoes the Authorization header into its error body.
    fetch_case echo-auth --bearer-token-file token
    expect_rc 1 "echo token"
    expect_err_line "$E/echo-auth: HTTP 401 Unauthorized $TEXT: \"denied for Bearer \*\*\*\"" \
        "echo token"
    expect_no_secret "$TOKEN" "echo token"
    fetch_case echo-auth-200 --bearer-token-file token
    expect_rc 1 "echo token 200"
    expect_err_line "$E/echo-auth-200: HTTP 200 OK $TEXT is not a profile: \"denied for Bearer \*\*\*\"" \
        "echo token 200"
    expect_no_secret "$TOKEN" "echo token 200"
    fetch_case echo-auth -H 'Authorization: Basic QWxhZGRpbjpvcGVu'
    expect_rc 1 "echo header"
    expect_no_secret "QWxhZGRpbjpvcGVu" "echo header"
    run "$PPD_BIN" fetch -o "$OUT" \
        "http://alice:pa55word@127.0.0.1:$P/404?access_token=tok123&x=1"
    expect_rc 1 "userinfo"
    expect_err_line "pprofdiff: http://\*\*\*@127\.0\.0\.1:$P/404\?access_token=\*\*\*&x=1: HTTP 404 Not Found .*" \
        "userinfo"
    expect_no_secret "pa55word" "userinfo"
    expect_no_secret "tok123" "userinfo"
    run "$PPD_BIN" "$PROFILE" "http://alice:pa55word@127.0.0.1:1/x"
    expect_rc 1 "userinfo diff"
    expect_no_secret "pa55word" "userinfo diff"
    expect_no_partial out "secrets"
    ;;
usage)
    for bad in "--timeout x" "--timeout 0" "--retries -1" "--seconds 0" \
        "--max-download 12Q" "-H NoColon" "--max-redirects x"; do
        # shellcheck disable=SC2086
        run "$PPD_BIN" fetch $bad -o "$OUT" "$U/ok"
        expect_rc 2 "usage: $bad"
        expect_err_has "^pprofdiff: invalid" "usage: $bad"
    done
    run "$PPD_BIN" fetch "$U/ok"
    expect_rc 2 "usage: no -o"
    run "$PPD_BIN" fetch -o "$OUT" not-a-url
    expect_rc 2 "usage: not a url"
    run "$PPD_BIN" capture
    expect_rc 2 "usage: capture without targets"
    run "$PPD_BIN" capture -o out 127.0.0.1:$P 127.0.0.1:$P
    expect_rc 2 "usage: duplicate target directory"
    expect_err_line "pprofdiff: 127\.0\.0\.1:$P: directory 127\.0\.0\.1_$P already used by target 1; name targets with NAME=TARGET" \
        "usage: duplicate"
    run "$PPD_BIN" fetch --help
    expect_rc 0 "fetch --help"
    grep -q -- "--bearer-token-file" out.txt || fail "fetch --help: flags"
    run "$PPD_BIN" capture --help
    expect_rc 0 "capture --help"
    run "$PPD_BIN" --help
    grep -q -- "--max-download" out.txt || fail "--help: network flags"
    expect_no_partial out "usage"
    ;;
*)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
finish
