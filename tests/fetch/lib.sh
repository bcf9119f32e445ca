# Shared helpers for the fetch tests; sourced by the test scripts.
#
# Environment (set by tests/fetch/CMakeLists.txt):
#   PPD_BIN     the pprofdiff binary under test
#   PPD_SRC     the source tree (for testdata/ and this directory)
#   PPD_WORK    a scratch directory for this test (emptied first)
#   PPD_PYTHON  python3
#   PPD_GO      go, or empty when it is not installed
#
# Every server a test starts is killed by pid when the script exits.

set -u

: "${PPD_BIN:?}" "${PPD_SRC:?}" "${PPD_WORK:?}"
PPD_PYTHON=${PPD_PYTHON:-python3}
HERE="$PPD_SRC/tests/fetch"
PROFILE="$PPD_SRC/testdata/leak/heap-0.pb.gz"

# Loopback only: a proxy from the environment must not get in the way.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

rm -rf "$PPD_WORK"
mkdir -p "$PPD_WORK"
cd "$PPD_WORK" || exit 1

PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
}
trap cleanup EXIT

FAILS=0
fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS check(s) failed" >&2
        exit 1
    fi
    echo "ok"
    exit 0
}

# start_fault_server NAME [ARGS...]: starts fault_server.py, sets
# PORT_<NAME> once it prints its port.
start_fault_server() {
    local name=$1
    shift
    "$PPD_PYTHON" "$HERE/fault_server.py" --profile "$PROFILE" "$@" \
        >"server-$name.out" 2>"server-$name.err" &
    local pid=$!
    PIDS+=("$pid")
    local port="" i
    for i in $(seq 1 100); do
        port=$(head -n1 "server-$name.out" 2>/dev/null)
        [ -n "$port" ] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "server-$name.err" >&2
            echo "fault server $name exited early" >&2
            exit 1
        fi
        sleep 0.05
    done
    [ -n "$port" ] || { echo "fault server $name gave no port" >&2; exit 1; }
    eval "PORT_$name=$port"
}

# run CMD...: runs the command, storing its exit status in RC, its stdout
# in out.txt and its stderr in err.txt, and its wall time in ms in MS.
run() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >out.txt 2>err.txt
    RC=$?
    t1=$(date +%s%N)
    MS=$(((t1 - t0) / 1000000))
}

# run_rss CMD...: as run, and RSS_KB gets the command's peak RSS (KiB).
run_rss() {
    local t0 t1
    t0=$(date +%s%N)
    RSS_KB=$(python3 -c '
import resource, subprocess, sys
with open("out.txt", "wb") as o, open("err.txt", "wb") as e:
    rc = subprocess.run(sys.argv[1:], stdout=o, stderr=e).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@")
    RC=${RSS_KB% *}
    RSS_KB=${RSS_KB#* }
    t1=$(date +%s%N)
    MS=$(((t1 - t0) / 1000000))
}

# expect_rss KIB LABEL: the last run_rss peaked under KIB (not checked
# in a sanitizer build, whose shadow memory inflates RSS).
expect_rss() {
    if [ "${PPD_SANITIZE:-0}" = 1 ]; then
        echo "$2: peak RSS $RSS_KB KiB (not checked: sanitizer build)"
    elif [ "$RSS_KB" -ge "$1" ]; then
        fail "$2: peak RSS $RSS_KB KiB, want under $1 KiB"
    else
        echo "$2: peak RSS $RSS_KB KiB"
    fi
}

# expect_rc N LABEL
expect_rc() {
    if [ "$RC" -ne "$1" ]; then
        fail "$2: exit status $RC, want $1"
        sed 's/^/    stderr: /' err.txt >&2
    fi
}

# expect_err_line REGEX LABEL: stderr is exactly one line matching the
# extended regular expression (anchored at both ends).
expect_err_line() {
    local n
    n=$(wc -l <err.txt)
    if [ "$n" -ne 1 ] || ! grep -qxE -- "$1" err.txt; then
        fail "$2: stderr does not match /$1/"
        sed 's/^/    stderr: /' err.txt >&2
    fi
}

# expect_err_has REGEX LABEL: some stderr line matches.
expect_err_has() {
    if ! grep -qE -- "$1" err.txt; then
        fail "$2: no stderr line matches /$1/"
        sed 's/^/    stderr: /' err.txt >&2
    fi
}

# expect_no_secret STRING LABEL: STRING is in neither stdout nor stderr.
expect_no_secret() {
    if grep -qF -- "$1" err.txt out.txt; then
        fail "$2: secret '$1' leaked into output"
    fi
}

# expect_no_partial DIR LABEL [ALLOWED...]: DIR holds no temporary file,
# and no file other than the ALLOWED names.
expect_no_partial() {
    local dir=$1 label=$2
    shift 2
    local f base ok a
    while IFS= read -r f; do
        base=${f##*/}
        ok=0
        for a in "$@"; do
            [ "$base" = "$a" ] && ok=1
        done
        [ "$ok" -eq 1 ] || fail "$label: unexpected file $f"
    done < <(find "$dir" -type f 2>/dev/null)
}

# expect_profile FILE LABEL: FILE exists and pprofdiff decodes it.
expect_profile() {
    if [ ! -s "$1" ]; then
        fail "$2: $1 missing or empty"
        return
    fi
    if ! "$PPD_BIN" "$1" >/dev/null 2>decode-err.txt; then
        fail "$2: $1 does not decode: $(cat decode-err.txt)"
    fi
}

# http_get URL: print the body (test setup only; not the code under test).
http_get() {
    "$PPD_PYTHON" -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=30).read()
                 .decode())' "$1"
}

# A pid that surely belongs to no running process.
dead_pid() {
    sh -c 'exit 0' &
    local p=$!
    wait "$p" 2>/dev/null
    echo "$p"
}

# re STRING: STRING with ERE metacharacters escaped.
re() {
    printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}
