#!/usr/bin/env python3
"""Loopback HTTP(S) server that misbehaves on purpose, for pprofdiff's
fetch tests. Standard library only.

Usage: fault_server.py --profile FILE [--tls CERT KEY] [--client-ca CA]
                       [--token TOKEN]

Listens on 127.0.0.1 on a free port and prints "PORT\n" on stdout once it
accepts connections. Paths (a query string ?k=... keys the per-path state
of the stateful ones, so tests can share a server):

  /ok, /debug/pprof/heap, /debug/pprof/goroutine   the profile, 200
  /debug/pprof/<other>  404 "Unknown profile" (as Go's net/http/pprof)
  /500-then-ok          500 on the first request, then the profile
  /503                  503 always
  /404                  404 text/plain "Unknown profile"
  /html                 200 text/html page
  /json                 200 application/json
  /empty                200 with an empty body
  /garbage              200 application/octet-stream, not a profile
  /429                  429 Retry-After: 1 on the first request, then ok
  /429-long             429 Retry-After: 3600 always
  /stall                200, 16 bytes of a 1 MB body, then silence
  /redirect-loop        302 to itself, forever
  /redirect-ok          302 to /ok
  /huge                 200, an endless body
  /reset                200, part of the body, then a TCP reset
  /post                 the profile when the request is a POST with
                        "Authorization: Bearer TOKEN", "X-Scope-OrgID:
                        tenant-a" and the body '{"query":"merge"}';
                        else 401/400 naming what was wrong
  /echo-auth            401 whose body echoes the Authorization header
  /echo-auth-200        the same with status 200
  /gzip-bomb            200 with Content-Encoding: gzip, 300 MiB of zeros
                        in about 300 KB on the wire
  /gzip-bomb-profile    the same, but the zeros follow a profile's start
                        (time_nanos = 0, over and over: valid protobuf),
                        so only the size cap stops it
  /gzip-bomb-endless    as /gzip-bomb-profile, never ending (for a minute):
                        only the client's deadline or cap stops it
  /count?k=K            text: how many requests path K has seen
  /slow/PATH            as PATH, after a one-second pause
"""
import argparse
import http.server
import socket
import ssl
import struct
import sys
import threading
import time
import zlib

COUNTS = {}
LOCK = threading.Lock()
BOMBS = {}

# sample_type {type: 1, unit: 2}, strings "", "space", "bytes".
PROFILE_HEAD = (b"\x0a\x04\x08\x01\x10\x02" + b"\x32\x00" +
                b"\x32\x05space" + b"\x32\x05bytes")


def gzip_bomb(mib, head=b"", unit=b"\0"):
    """head, then MIB MiB of unit repeated, gzip-encoded: about 1 KB on
    the wire per MiB. fleet_server.py serves these too."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)
    parts = [z.compress(head)]
    block = unit * ((1 << 20) // len(unit))
    for _ in range(mib):
        parts.append(z.compress(block))
    parts.append(z.flush())
    return b"".join(parts)


def bomb(kind):
    """300 MiB of zeros (or of 48 00 after a profile's start), gzipped."""
    with LOCK:
        if kind not in BOMBS:
            BOMBS[kind] = gzip_bomb(300) if kind == "zeros" else \
                gzip_bomb(300, PROFILE_HEAD, b"\x48\x00")
        return BOMBS[kind]


def endless_bomb(wfile, seconds=60):
    """A gzip stream of PROFILE_HEAD, then 48 00 over and over, written
    to wfile until the client goes (or seconds pass). Each 1 MiB is one
    deflate segment ended by a full flush, so the same bytes can be
    sent again and again; the stream never ends, so it has no trailer."""
    unit = b"\x48\x00" * (1 << 19)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = z.compress(PROFILE_HEAD + unit) + z.flush(zlib.Z_FULL_FLUSH)
    again = z.compress(unit) + z.flush(zlib.Z_FULL_FLUSH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    try:
        wfile.write(header + first)
        end = time.time() + seconds
        while time.time() < end:
            wfile.write(again * 64)
    except (BrokenPipeError, ConnectionResetError):
        pass


def bump(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1, no request log, and send_body(); fleet_server.py's
    handler is one too."""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def send_body(self, code, body, ctype, extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Handler(QuietHandler):
    server_version = "faultd/1"

    def profile(self):
        self.send_body(200, self.server.profile, "application/octet-stream")

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def route(self):
        path, _, query = self.path.partition("?")
        key = path + "?" + query
        n = bump(key)
        bump("path:" + path)
        if path.startswith("/slow/"):
            time.sleep(1)
            path = path[len("/slow"):]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""

        if path in ("/ok", "/debug/pprof/heap", "/debug/pprof/goroutine"):
            return self.profile()
        if path.startswith("/debug/pprof/"):
            return self.send_body(404, b"Unknown profile\n",
                                  "text/plain; charset=utf-8",
                                  {"X-Content-Type-Options": "nosniff"})
        if path == "/500-then-ok":
            if n == 1:
                return self.send_body(500, b"internal error, try again\n",
                                      "text/plain; charset=utf-8")
            return self.profile()
        if path == "/503":
            return self.send_body(503, b"overloaded\n", "text/plain")
        if path == "/404":
            return self.send_body(404, b"Unknown profile\n",
                                  "text/plain; charset=utf-8",
                                  {"X-Content-Type-Options": "nosniff"})
        if path == "/html":
            page = (b"<!DOCTYPE html>\n<html>\n<head><title>Sign in"
                    b"</title></head>\n<body><h1>Please sign in</h1>"
                    b"</body>\n</html>\n")
            return self.send_body(200, page, "text/html; charset=utf-8")
        if path == "/json":
            return self.send_body(200, b'{"code":"unauthenticated",'
                                  b'"message":"missing token"}',
                                  "application/json")
        if path == "/empty":
            return self.send_body(200, b"", "application/octet-stream")
        if path == "/garbage":
            return self.send_body(200, bytes(range(1, 200)) * 3,
                                  "application/octet-stream")
        if path == "/429":
            if n == 1:
                return self.send_body(429, b"slow down\n", "text/plain",
                                      {"Retry-After": "1"})
            return self.profile()
        if path == "/429-long":
            return self.send_body(429, b"slow down\n", "text/plain",
                                  {"Retry-After": "3600"})
        if path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(self.server.profile[:16])
            self.wfile.flush()
            time.sleep(30)
            return
        if path == "/redirect-loop":
            return self.send_body(302, b"", "text/plain",
                                  {"Location": "/redirect-loop?" + query})
        if path == "/redirect-ok":
            return self.send_body(302, b"", "text/plain",
                                  {"Location": "/ok"})
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"\x1f\x8b" + b"\0" * 65534
            try:
                deadline = time.time() + 60
                while time.time() < deadline:
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if path == "/gzip-bomb-endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Connection", "close")
            self.end_headers()
            endless_bomb(self.wfile)
            self.close_connection = True
            return
        if path in ("/gzip-bomb", "/gzip-bomb-profile"):
            body = bomb("zeros" if path == "/gzip-bomb" else "fields")
            return self.send_body(200, body, "application/octet-stream",
                                  {"Content-Encoding": "gzip"})
        if path == "/reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(self.server.profile[:1000])
            self.wfile.flush()
            # SO_LINGER with a zero timeout makes close() send RST.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if path == "/post":
            want = "Bearer " + self.server.token
            if self.command != "POST":
                return self.send_body(405, b"POST only\n", "text/plain")
            if self.headers.get("Authorization") != want:
                return self.send_body(401, b"bad or missing bearer token\n",
                                      "text/plain")
            if self.headers.get("X-Scope-OrgID") != "tenant-a":
                return self.send_body(400, b"missing X-Scope-OrgID\n",
                                      "text/plain")
            if body != b'{"query":"merge"}':
                return self.send_body(400, b"unexpected body: " + body,
                                      "text/plain")
            return self.profile()
        if path in ("/echo-auth", "/echo-auth-200"):
            got = (self.headers.get("Authorization") or "none").encode()
            code = 401 if path == "/echo-auth" else 200
            return self.send_body(code, b"denied for " + got, "text/plain")
        if path == "/count":
            k = query[2:] if query.startswith("k=") else query
            c = COUNTS.get("path:" + k, 0)
            return self.send_body(200, str(c).encode(), "text/plain")
        return self.send_body(404, b"no such fault\n", "text/plain")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--client-ca")
    ap.add_argument("--token", default="s3cr3t-token-value")
    args = ap.parse_args()

    srv = Server(("127.0.0.1", 0), Handler)
    with open(args.profile, "rb") as f:
        srv.profile = f.read()
    srv.token = args.token
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    sys.stdout.write("%d\n" % srv.server_address[1])
    sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
