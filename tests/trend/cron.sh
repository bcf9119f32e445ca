#!/usr/bin/env bash
# The README's crontab, run as cron would run it, against a loopback
# copy of the leak program (testdata/gen), with `mail` replaced by a
# recorder: a growing leak sends both mails, a quiet service none. Also
# checks capture's text forms (TYPE?debug=N) on the real program.
# Usage: cron.sh PPROFDIFF SRCDIR
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
if ! command -v go >/dev/null; then
	echo "cron: go not found (install golang-go)" >&2
	exit 1
fi
# shellcheck source=../../testdata/gen/lib.sh
source "$src/testdata/gen/lib.sh"
start_leakd 400
addr=${base#http://}
failed=0
check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failed=$((failed + 1)); fi
}

# The crontab lines of the README's leak section, as written.
mapfile -t lines < <(awk '/^```cron$/ {n++; on = (n == 2); next}
	/^```$/ {on = 0} on && !/^#/ && NF' "$src/README.md")
check "README: three crontab lines" test "${#lines[@]}" -eq 3

# cron runs the command after five time fields with sh, '\%' read as '%'.
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/pprofdiff"
cat >"$tmp/bin/mail" <<'MAIL'
#!/bin/sh
n=$(ls "$MAILBOX" | wc -l)
{ echo "args: $*"; cat; } >"$MAILBOX/mail-$n"
MAIL
chmod +x "$tmp/bin/mail"
cronrun() { # cronrun LINE ROOT
	local cmd
	cmd=$(printf '%s\n' "$1" | sed -E 's/^([^ ]+ +){5}//; s/\\%/%/g')
	cmd=${cmd//\/tmp\//$tmp\/out-}
	cmd=${cmd//\/var\/lib\/pprof/$2}
	cmd=${cmd//10.0.0.5:6060/$addr}
	(cd "$tmp" && PATH="$tmp/bin:/usr/bin:/bin" MAILBOX="$MAILBOX" sh -c "$cmd")
}

# A leaking service: four captures with 40 jobs between them.
export MAILBOX="$tmp/mail-leak"
mkdir -p "$MAILBOX" "$tmp/leak"
for k in 1 2 3 4; do
	get "$base/job?n=40"
	cronrun "${lines[0]}" "$tmp/leak"
	sleep 1.1 # one snapshot per second at most
done
n=$(ls "$tmp/leak/api"/goroutine-*.pb.gz | wc -l)
check "capture line: four goroutine snapshots" test "$n" -eq 4
cronrun "${lines[1]}" "$tmp/leak" || true
cronrun "${lines[2]}" "$tmp/leak" || true
check "leak: two mails" test "$(ls "$MAILBOX" | wc -l)" -eq 2
check "leak: the diff mail names the reaper and the breach" \
	grep -q 'BREACHED  stack.delta>100' "$MAILBOX/mail-0"
check "leak: the diff mail's subject" grep -q "args: -s api: goroutines grew" "$MAILBOX/mail-0"
check "leak: the trend mail ranks the leak" grep -q 'ConnPool).reaper' "$MAILBOX/mail-1"
check "leak: the trend mail has the alert" grep -q 'BREACHED  stack.delta>100' "$MAILBOX/mail-1"

# A quiet service: no jobs between captures.
export MAILBOX="$tmp/mail-quiet"
mkdir -p "$MAILBOX" "$tmp/quiet"
for k in 1 2 3; do
	cronrun "${lines[0]}" "$tmp/quiet"
	sleep 1.1
done
cronrun "${lines[1]}" "$tmp/quiet" || true
cronrun "${lines[2]}" "$tmp/quiet" || true
check "quiet: no mail" test "$(ls "$MAILBOX" | wc -l)" -eq 0
check "quiet: the diff ran" grep -q '^profile: goroutine' "$tmp/out-api-leak.txt"

# Text forms beside the profiles.
"$bin" capture -o "$tmp/text" -t 'goroutine,goroutine?debug=2,heap?debug=1' "api=$addr"
check "text forms: goroutine dump saved" \
	grep -q '^goroutine [0-9]* \[' "$tmp"/text/api/goroutine.debug2-*.txt
check "text forms: heap debug=1 with MemStats" \
	grep -q '^# runtime.MemStats' "$tmp"/text/api/heap.debug1-*.txt
check "text forms: the profile beside them" test -s "$(ls "$tmp"/text/api/goroutine-*.pb.gz)"
rc=0
"$bin" capture -o "$tmp/text" -t 'goroutine?debug=7' "api=$addr" 2>"$tmp/err" || rc=$?
check "text forms: another query is refused (exit 2)" test "$rc" -eq 2
rc=0
"$bin" capture -o "$tmp/text" -t 'cmdline?debug=1' "api=$addr" 2>"$tmp/err" || rc=$?
check "text forms: a page that is no text profile fails (exit 1)" test "$rc" -eq 1
check "text forms: ... saying so" grep -q 'is not a text profile' "$tmp/err"
check "text forms: ... and saving nothing" test -z "$(ls "$tmp"/text/api/cmdline* 2>/dev/null)"
rc=0
"$bin" trend "$tmp/text/api" 2>"$tmp/err" >/dev/null || rc=$?
check "trend of a directory of three types: exit 2 naming them" \
	grep -q 'goroutine, goroutine.debug2, heap.debug1' "$tmp/err"

echo "cron: $failed failed"
exit $((failed > 0))
