#!/usr/bin/env python3
"""Loopback HTTP server impersonating a fleet of pprof targets, some of
them misbehaving, for pprofdiff's capture soak test. Standard library only.

Usage: fleet_server.py --profile HEAP --profile2 GOROUTINE [--targets N]
                       [--fault-rate R] [--seed S] [--stall S]
                       [--slow S] [--bomb-mib M] [--faults LIST]

Listens on 127.0.0.1 on a free port and prints "PORT\n" on stdout once it
accepts connections. Target NNN (000 .. N-1) lives under /tNNN/:

  /tNNN/debug/pprof/heap        the --profile bytes
  /tNNN/debug/pprof/goroutine   the --profile2 bytes
  /tNNN/debug/pprof/<other>     404 "Unknown profile"
  /stats                        JSON: requests served, per outcome

With probability --fault-rate (drawn from a generator seeded with --seed,
one draw per request, in arrival order) a profile request is answered by
one fault instead, chosen uniformly from --faults (default: all):

  500        500 text/plain
  503        503 text/plain, no Retry-After
  503-ra     503 with Retry-After: 1
  reset      200, Content-Length of the whole profile, part of the body,
             then a TCP reset
  stall      200, 16 bytes of the body, then silence for --stall seconds
             (longer than the client's --timeout)
  slow       the whole profile, dribbled out in pieces over --slow seconds
             (shorter than the client's --timeout)
  redirect   302 to /tNNN/r/debug/pprof/TYPE, which serves the profile
  bomb       200, Content-Encoding: gzip, --bomb-mib MiB of zeros once
             decoded (precomputed at start)
  html       200 text/html error page
  empty      200 with an empty body

A redirect's target is always served correctly (the fault draw happens
only on the first hop), so "redirect" is a fault a client must survive.
"""
import argparse
import http.server
import json
import random
import re
import socket
import struct
import sys
import threading
import time

from fault_server import QuietHandler, gzip_bomb  # the same folder

FAULTS = ("500", "503", "503-ra", "reset", "stall", "slow", "redirect",
          "bomb", "html", "empty")
PATH_RE = re.compile(r"^/t(\d{3,})(/r)?/debug/pprof/([A-Za-z0-9_.-]+)$")
HTML = (b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title>"
        b"</head>\n<body><h1>Bad Gateway</h1><p>The upstream is restarting."
        b"</p></body>\n</html>\n")


class Handler(QuietHandler):
    server_version = "fleetd/1"

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            # The client gave up (its timeout or --deadline): expected.
            self.close_connection = True

    do_HEAD = do_GET

    def route(self):
        srv = self.server
        path = self.path.partition("?")[0]
        if path == "/stats":
            with srv.lock:
                body = json.dumps(srv.stats, sort_keys=True).encode()
            return self.send_body(200, body, "application/json")
        m = PATH_RE.match(path)
        if not m or int(m.group(1)) >= srv.targets:
            srv.count("404-target")
            return self.send_body(404, b"no such target\n", "text/plain")
        num, hop, ptype = m.group(1), m.group(2), m.group(3)
        if ptype == "heap":
            prof = srv.profile
        elif ptype == "goroutine":
            prof = srv.profile2
        else:
            srv.count("404-type")
            return self.send_body(404, b"Unknown profile\n",
                                  "text/plain; charset=utf-8",
                                  {"X-Content-Type-Options": "nosniff"})
        fault = None if hop else srv.draw()
        srv.count(fault or ("ok-redirected" if hop else "ok"))
        if fault is None:
            return self.send_body(200, prof, "application/octet-stream")
        if fault == "500":
            return self.send_body(500, b"internal error\n", "text/plain")
        if fault == "503":
            return self.send_body(503, b"overloaded\n", "text/plain")
        if fault == "503-ra":
            return self.send_body(503, b"overloaded, come back later\n",
                                  "text/plain", {"Retry-After": "1"})
        if fault == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(prof)))
            self.end_headers()
            self.wfile.write(prof[:len(prof) // 3])
            self.wfile.flush()
            # SO_LINGER with a zero timeout makes close() send RST.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(prof)))
            self.end_headers()
            self.wfile.write(prof[:16])
            self.wfile.flush()
            # Wait out the client; stop early once it hangs up.
            self.connection.settimeout(srv.stall)
            try:
                self.connection.recv(1)
            except (socket.timeout, OSError):
                pass
            self.close_connection = True
            return
        if fault == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(prof)))
            self.end_headers()
            pieces = 8
            step = max(1, -(-len(prof) // pieces))
            for i in range(0, len(prof), step):
                self.wfile.write(prof[i:i + step])
                self.wfile.flush()
                time.sleep(srv.slow / pieces)
            return
        if fault == "redirect":
            return self.send_body(302, b"", "text/plain",
                                  {"Location": "/t%s/r/debug/pprof/%s"
                                   % (num, ptype)})
        if fault == "bomb":
            return self.send_body(200, srv.bomb, "application/octet-stream",
                                  {"Content-Encoding": "gzip"})
        if fault == "html":
            return self.send_body(200, HTML, "text/html; charset=utf-8")
        if fault == "empty":
            return self.send_body(200, b"", "application/octet-stream")
        raise AssertionError(fault)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # a capture may open --parallel at once

    def handle_error(self, request, client_address):
        # A client that hangs up on a kept-alive connection (its timeout,
        # --deadline, or simply exiting) is routine here, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)

    def draw(self):
        with self.lock:
            if self.rng.random() >= self.fault_rate:
                return None
            return self.rng.choice(self.faults)

    def count(self, what):
        with self.lock:
            self.stats[what] = self.stats.get(what, 0) + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", required=True, help="heap profile bytes")
    ap.add_argument("--profile2", required=True,
                    help="goroutine profile bytes")
    ap.add_argument("--targets", type=int, default=100)
    ap.add_argument("--fault-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stall", type=float, default=30.0,
                    help="seconds a stalled answer waits (default 30)")
    ap.add_argument("--slow", type=float, default=1.5,
                    help="seconds a slow body takes (default 1.5)")
    ap.add_argument("--bomb-mib", type=int, default=300)
    ap.add_argument("--faults", default=",".join(FAULTS),
                    help="comma-separated subset of: " + ",".join(FAULTS))
    args = ap.parse_args()
    faults = tuple(f for f in args.faults.split(",") if f)
    bad = [f for f in faults if f not in FAULTS]
    if bad or not faults:
        ap.error("unknown fault(s): %s" % ",".join(bad or ["(none)"]))
    if not 0.0 <= args.fault_rate <= 1.0:
        ap.error("--fault-rate must be within [0, 1]")
    if not 1 <= args.targets <= 1000:
        ap.error("--targets must be within [1, 1000]")

    srv = Server(("127.0.0.1", 0), Handler)
    with open(args.profile, "rb") as f:
        srv.profile = f.read()
    with open(args.profile2, "rb") as f:
        srv.profile2 = f.read()
    srv.targets = args.targets
    srv.fault_rate = args.fault_rate
    srv.faults = faults
    srv.rng = random.Random(args.seed)
    srv.lock = threading.Lock()
    srv.stats = {}
    srv.stall = args.stall
    srv.slow = args.slow
    srv.bomb = gzip_bomb(args.bomb_mib) if "bomb" in faults else b""
    sys.stdout.write("%d\n" % srv.server_address[1])
    sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
