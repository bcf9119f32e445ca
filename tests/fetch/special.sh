#!/usr/bin/env bash
# -o onto something that is not a regular file (a FIFO here; /dev/null
# and /dev/stdout alike) writes into it: it is never renamed over.
. "$(dirname "$0")/lib.sh"

LEAK0="$PPD_SRC/testdata/leak/goroutine-0.pb.gz"
LEAK2="$PPD_SRC/testdata/leak/goroutine-2.pb.gz"

# check_fifo NAME LABEL: NAME is still a FIFO.
check_fifo() {
    [ -p "$1" ] || fail "$2: $1 is no longer a FIFO"
}

mkfifo diff.fifo
timeout 20 cat diff.fifo >got.svg &
READER=$!
run "$PPD_BIN" --format svg -o diff.fifo "$LEAK0" "$LEAK2"
wait "$READER"
expect_rc 0 "diff -o FIFO"
check_fifo diff.fifo "diff -o FIFO"
head -c 5 got.svg | grep -q "<?xml" || fail "diff -o FIFO: no SVG came out"

start_fault_server plain
U="http://127.0.0.1:$PORT_plain"
mkfifo fetch.fifo
timeout 20 cat fetch.fifo >got.pb.gz &
READER=$!
run "$PPD_BIN" fetch -o fetch.fifo "$U/ok"
wait "$READER"
expect_rc 0 "fetch -o FIFO"
check_fifo fetch.fifo "fetch -o FIFO"
cmp -s got.pb.gz "$PROFILE" || fail "fetch -o FIFO: not the served bytes"

finish
