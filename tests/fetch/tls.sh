#!/usr/bin/env bash
# HTTPS with a self-signed certificate made at test time by openssl(1):
# refused without --cacert, accepted with it (or --insecure); a server
# that requires a client certificate accepts --cert/--key.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || {
    echo "openssl(1) is needed (Debian package openssl)" >&2
    exit 1
}

selfsigned() { # selfsigned NAME CN [SAN]
    local args=(req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
        -nodes -days 2 -keyout "$1.key" -out "$1.pem" -subj "/CN=$2")
    [ -n "${3:-}" ] && args+=(-addext "subjectAltName=$3")
    openssl "${args[@]}" 2>openssl.err || {
        cat openssl.err >&2
        exit 1
    }
}
selfsigned server 127.0.0.1 IP:127.0.0.1
selfsigned client pprofdiff-test-client

start_fault_server tls --tls server.pem server.key
start_fault_server mtls --tls server.pem server.key --client-ca client.pem
U="https://127.0.0.1:$PORT_tls"
Q=$(re "$U")
M="https://127.0.0.1:$PORT_mtls"
mkdir -p out

run "$PPD_BIN" fetch -o out/p.pb.gz "$U/ok"
expect_rc 1 "self-signed"
expect_err_line "pprofdiff: $Q/ok: TLS: SSL certificate problem: self[- ]signed certificate \(see --cacert, --cert/--key\)" "self-signed"
expect_no_partial out "self-signed"

run "$PPD_BIN" "$PROFILE" "$U/ok"
expect_rc 1 "self-signed diff"
expect_err_line "pprofdiff: $Q/ok: TLS: SSL certificate problem: .*" "self-signed diff"

run "$PPD_BIN" fetch --cacert server.pem -o out/p.pb.gz "$U/ok"
expect_rc 0 "cacert"
expect_profile out/p.pb.gz "cacert"

rm -f out/p.pb.gz
run "$PPD_BIN" fetch --insecure -o out/p.pb.gz "$U/ok"
expect_rc 0 "insecure"
expect_profile out/p.pb.gz "insecure"

run "$PPD_BIN" "$PROFILE" "$U/ok" --cacert server.pem
expect_rc 0 "cacert diff"

rm -f out/p.pb.gz
run "$PPD_BIN" fetch --retries 0 --cacert server.pem -o out/p.pb.gz "$M/ok"
expect_rc 1 "mtls without cert"
expect_err_has "^pprofdiff: $(re "$M")/ok: " "mtls without cert"
expect_no_partial out "mtls without cert"

run "$PPD_BIN" fetch --cacert server.pem --cert client.pem --key client.key \
    -o out/p.pb.gz "$M/ok"
expect_rc 0 "mtls"
expect_profile out/p.pb.gz "mtls"

run "$PPD_BIN" capture --cacert server.pem -o snaps -t heap,goroutine \
    "s=$U/"
expect_rc 0 "capture https"
[ "$(find snaps/s -name '*.pb.gz' | wc -l)" -eq 2 ] ||
    fail "capture https: want 2 files"
finish
