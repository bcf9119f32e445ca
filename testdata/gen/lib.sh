# lib.sh - shared by the capture scripts here (source it, bash).
#
# start_leakd WAIT_TICKS [ARGS...] builds leakd into a temporary
# directory, starts it with ARGS on a free loopback port and waits up to
# WAIT_TICKS x 50 ms for its address. It sets pid, tmp and base
# (http://127.0.0.1:PORT); an EXIT trap stops leakd and removes tmp.
# fetch URL FILE saves one profile and fails on an empty answer; get URL
# makes a request and drops the answer. Both give up after FETCH_TIMEOUT
# seconds (default 300). SIGINT and SIGTERM also run the cleanup.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
	if [[ -n "$pid" ]]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_leakd() { # start_leakd WAIT_TICKS [ARGS...]
	local ticks=$1
	shift
	export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
	if [[ -z "${GOCACHE:-}" ]] && ! [[ -n "${HOME:-}" && -w "$HOME" ]]; then
		export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath"
	fi
	(cd "$here" && go build -o "$tmp/leakd" .)
	"$tmp/leakd" "$@" >"$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
	local addr=
	for _ in $(seq 1 "$ticks"); do
		addr=$(sed -n 's/^listening on //p' "$tmp/stdout")
		[[ -n "$addr" ]] && break
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/stderr" >&2; echo "leakd exited early" >&2; exit 1; }
		sleep 0.05
	done
	[[ -n "$addr" ]] || { echo "leakd did not report its address" >&2; exit 1; }
	base="http://$addr"
	echo "leakd pid $pid at $base"
}

curl_opts=(-fsS --connect-timeout 10 --max-time "${FETCH_TIMEOUT:-300}")

fetch() { # fetch URL FILE
	curl "${curl_opts[@]}" -o "$2" "$1"
	[[ -s "$2" ]] || { echo "empty capture: $2" >&2; exit 1; }
}

get() { # get URL
	curl "${curl_opts[@]}" -o /dev/null "$1"
}
