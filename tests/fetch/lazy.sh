#!/usr/bin/env bash
# libcurl is loaded when a transfer first runs: a diff of local files
# never loads it, a fetch does, and where it cannot be loaded a fetch
# fails with one line saying so while local diffs still work.
. "$(dirname "$0")/lib.sh"

LEAK0="$PPD_SRC/testdata/leak/goroutine-0.pb.gz"
LEAK2="$PPD_SRC/testdata/leak/goroutine-2.pb.gz"

# The dynamic loader lists every library it opens (LD_DEBUG=files).
LD_DEBUG=files "$PPD_BIN" "$LEAK0" "$LEAK2" >out.txt 2>ld.txt
RC=$?
expect_rc 0 "local diff"
grep -q "goroutine" out.txt || fail "local diff: no output"
if grep -q "libcurl" ld.txt; then
    fail "local diff: libcurl was loaded"
    grep "libcurl" ld.txt | head -3 >&2
fi

start_fault_server plain
U="http://127.0.0.1:$PORT_plain"
Q=$(re "$U")
LD_DEBUG=files "$PPD_BIN" "$PROFILE" "$U/ok" >out.txt 2>ld.txt
RC=$?
expect_rc 0 "remote diff"
grep -q "libcurl" ld.txt || fail "remote diff: libcurl was not loaded"

# Every name libcurl goes by shadowed by a file that is no library.
mkdir -p nolib
for so in libcurl.so.4 libcurl-gnutls.so.4 libcurl-nss.so.4; do
    echo "not a library" >"nolib/$so"
done
run env LD_LIBRARY_PATH="$PWD/nolib" "$PPD_BIN" "$PROFILE" "$U/ok"
expect_rc 1 "no libcurl"
expect_err_line "pprofdiff: $Q/ok: cannot fetch: libcurl is not installed \(.*libcurl\.so\.4: .*\)" "no libcurl"
run env LD_LIBRARY_PATH="$PWD/nolib" "$PPD_BIN" "$LEAK0" "$LEAK2"
expect_rc 0 "no libcurl, local diff"

finish
