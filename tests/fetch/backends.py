#!/usr/bin/env python3
"""Backend inputs against loopback servers that keep each backend's wire
contract strictly.

Pyroscope: POST /querier.v1.QuerierService/SelectMergeProfile with the
Connect protocol's binary codec (Content-Type: application/proto,
Connect-Protocol-Version: 1); the body is a SelectMergeProfileRequest
(profile_typeID = 1, label_selector = 2, start = 3, end = 4, in ms), every
field checked; the answer is the merged pprof Profile, raw protobuf, or a
Connect error: a non-200 status with {"code": ..., "message": ...}.

Parca: POST /parca.query.v1alpha1.QueryService/Query as gRPC-Web
(Content-Type: application/grpc-web+proto, one length-prefixed frame);
the QueryRequest must be mode MERGE (1 = 2), merge (3) {query (1) "TYPE
SELECTOR", start (2), end (3) Timestamps}, report_type PPROF (5 = 1); the
answer is a data frame holding a QueryResponse with the gzipped profile in
pprof (6) and a trailer frame with grpc-status 0, or a trailers-only error
(grpc-status and grpc-message headers).

The profiles served are the real snapshots in testdata/trend: window k of
an hour, counted from T0, is goroutine snapshot k. Checks: a diff of two
windows and a step trend rank the leak first, with exactly one request per
window; headers pass through; and each bad answer (HTML, a Connect error,
a gRPC error, no data) gives its one line and exit status.

Usage: backends.py PPROFDIFF SRCDIR
"""
import atexit
import glob
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

T0 = 1700000000  # s
HOUR_MS = 3600000
PYRO_TYPE = "goroutines:goroutine:count:goroutine:count"
PARCA_TYPE = "goroutine:goroutine:count:goroutine:count"
OPENER = "database/sql.(*DB).connectionOpener"
REAPER = "example.com/leakd/internal/pool.(*ConnPool).reaper"


def varint(b, i):
    x = shift = 0
    while True:
        if i >= len(b):
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        x |= (c & 0x7f) << shift
        shift += 7
        if not c & 0x80:
            return x, i


def fields(b):
    """[(field, wire, value)] of a protobuf message; strict."""
    out, i = [], 0
    while i < len(b):
        key, i = varint(b, i)
        f, w = key >> 3, key & 7
        if w == 0:
            v, i = varint(b, i)
        elif w == 2:
            n, i = varint(b, i)
            if i + n > len(b):
                raise ValueError("truncated field")
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("unexpected wire type %d" % w)
        out.append((f, w, v))
    return out


def enc_varint(x):
    out = bytearray()
    while True:
        c = x & 0x7f
        x >>= 7
        out.append(c | (0x80 if x else 0))
        if not x:
            return bytes(out)


def timestamp_ms(b):
    secs = nanos = 0
    for f, w, v in fields(b):
        if f == 1 and w == 0:
            secs = v
        elif f == 2 and w == 0:
            nanos = v
        else:
            raise ValueError("bad Timestamp field %d" % f)
    return secs * 1000 + nanos // 1000000


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def connect_error(self, status, code, msg):
        self.reply(status, json.dumps({"code": code, "message": msg}).encode(),
                   "application/json")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        srv = self.server
        with srv.lock:
            srv.requests.append((self.path, dict(self.headers), body))
        if self.path == "/querier.v1.QuerierService/SelectMergeProfile":
            return self.pyroscope(body)
        if self.path == "/parca.query.v1alpha1.QueryService/Query":
            return self.parca(body)
        self.reply(404, b"404 page not found\n", "text/plain")

    def window(self, selector, start, end):
        """The snapshot for [start, end), b"" for no data, or an error."""
        if not (selector.startswith("{") and selector.endswith("}")):
            return None, "parse error: a selector is {label=\"value\",...}"
        if (start - T0 * 1000) % HOUR_MS or end - start != HOUR_MS:
            return None, "windows are whole hours from T0 here"
        k = (start - T0 * 1000) // HOUR_MS
        if not 0 <= k < len(self.server.snapshots):
            return b"", None
        if 'gappy' in selector and k == 3:
            return b"", None
        return self.server.snapshots[k], None

    def pyroscope(self, body):
        h = self.headers
        if h.get("Content-Type") != "application/proto":
            return self.connect_error(415, "unknown",
                                      "unsupported content type")
        if h.get("Connect-Protocol-Version") != "1":
            return self.connect_error(400, "invalid_argument",
                                      "missing Connect-Protocol-Version")
        try:
            got = {}
            for f, w, v in fields(body):
                if f in got or f not in (1, 2, 3, 4) or \
                        w != (2 if f <= 2 else 0):
                    raise ValueError("unexpected field %d" % f)
                got[f] = v
            typ, sel = got[1].decode(), got[2].decode()
            start, end = got[3], got[4]
        except (ValueError, KeyError, UnicodeDecodeError) as e:
            return self.connect_error(400, "invalid_argument", str(e))
        if typ != PYRO_TYPE:
            return self.connect_error(400, "invalid_argument",
                                      "unknown profile type " + typ)
        if 'html' in sel:
            return self.reply(200, b"<!DOCTYPE html><html><body>Sign in"
                              b"</body></html>", "text/html")
        if 'tenant' in sel and h.get("X-Scope-OrgID") != "team-a":
            return self.connect_error(401, "unauthenticated",
                                      "no org id")
        prof, err = self.window(sel, start, end)
        if err:
            return self.connect_error(400, "invalid_argument", err)
        self.reply(200, gzip.decompress(prof) if prof else b"",
                   "application/proto")

    def grpc_error(self, code, msg):
        self.reply(200, b"", "application/grpc-web+proto",
                   [("grpc-status", str(code)), ("grpc-message", msg)])

    def parca(self, body):
        if self.headers.get("Content-Type") != "application/grpc-web+proto":
            return self.reply(415, b"unsupported content type\n",
                              "text/plain")
        try:
            if len(body) < 5 or body[0] != 0:
                raise ValueError("not one gRPC-Web data frame")
            n = int.from_bytes(body[1:5], "big")
            if n != len(body) - 5:
                raise ValueError("frame length")
            got = {}
            for f, w, v in fields(body[5:]):
                if f in got or f not in (1, 3, 5):
                    raise ValueError("unexpected field %d" % f)
                got[f] = v
            if got.get(1) != 2 or got.get(5) != 1:
                raise ValueError("want mode MERGE and report type PPROF")
            merge = {}
            for f, w, v in fields(got[3]):
                if f in merge or f not in (1, 2, 3) or w != 2:
                    raise ValueError("unexpected MergeProfile field %d" % f)
                merge[f] = v
            query = merge[1].decode()
            start, end = timestamp_ms(merge[2]), timestamp_ms(merge[3])
        except (ValueError, KeyError, UnicodeDecodeError) as e:
            return self.grpc_error(3, str(e))
        if not query.startswith(PARCA_TYPE):
            return self.grpc_error(3, "unknown profile type in " + query)
        prof, err = self.window(query[len(PARCA_TYPE):], start, end)
        if err:
            return self.grpc_error(3, err)
        msg = b""
        if prof:
            msg = b"\x32" + enc_varint(len(prof)) + prof
        msg += b"\x48" + enc_varint(1)
        trailer = b"grpc-status:0\r\ngrpc-message:\r\n"
        out = (b"\x00" + len(msg).to_bytes(4, "big") + msg +
               b"\x80" + len(trailer).to_bytes(4, "big") + trailer)
        self.reply(200, out, "application/grpc-web+proto")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    binary = os.path.abspath(sys.argv[1])
    src = os.path.abspath(sys.argv[2])
    # Files the test writes go to a fresh directory.
    work = tempfile.mkdtemp(prefix="ppd-backends-")
    atexit.register(shutil.rmtree, work, True)
    os.chdir(work)
    snaps = sorted(glob.glob(os.path.join(src, "testdata", "trend",
                                          "goroutine-*.pb.gz")))
    srv = Server(("127.0.0.1", 0), Handler)
    srv.snapshots = [open(p, "rb").read() for p in snaps]
    srv.requests = []
    srv.lock = threading.Lock()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(k, None)
    failed = 0

    def check(name, ok, detail=""):
        nonlocal failed
        print(("ok   " if ok else "FAIL ") + name +
              ("" if ok else "  " + str(detail)[:400]))
        failed += not ok

    def run(args):
        return subprocess.run([binary] + args, capture_output=True,
                              text=True, env=env, timeout=120)

    def url(kind, sel='{service_name="leakd"}', k=0, n=1, step=None,
            typ="goroutine"):
        s = ("%s+http://127.0.0.1:%d/?query=%s&type=%s&from=%d&to=%d" %
             (kind, port, sel, typ, T0 + 3600 * k, T0 + 3600 * (k + n)))
        return s + ("&step=" + step if step else "")

    def top_culprits(out):
        lines = out.splitlines()
        head = lines[0].split("\t")
        c = head.index("culprit")
        return [ln.split("\t")[c] for ln in lines[1:]]

    for kind in ("pyroscope", "parca"):
        del srv.requests[:]
        r = run(["--format", "tsv", url(kind, k=0), url(kind, k=6)])
        check("%s: diff of two windows, exit 0" % kind, r.returncode == 0,
              r.stderr)
        check("%s: the leaks rank first" % kind,
              sorted(top_culprits(r.stdout)[:2]) == [OPENER, REAPER],
              r.stdout[:300])
        check("%s: two requests" % kind, len(srv.requests) == 2,
              len(srv.requests))
        del srv.requests[:]
        r = run(["trend", "--format", "tsv", url(kind, n=7, step="1h")])
        check("%s: step trend, exit 0" % kind, r.returncode == 0, r.stderr)
        check("%s: step trend ranks the leaks first" % kind,
              sorted(top_culprits(r.stdout)[:2]) == [OPENER, REAPER],
              r.stdout[:300])
        check("%s: one request per window (7)" % kind,
              len(srv.requests) == 7, len(srv.requests))
        rows = [ln.split("\t") for ln in r.stdout.splitlines()[1:]]
        check("%s: the series has seven points" % kind,
              rows and len(rows[0][8].split(",")) == 7, rows[:1])
        del srv.requests[:]
        r = run(["trend", url(kind, sel='{service_name="gappy"}', n=7,
                              step="1h")])
        check("%s: a window without data is a gap" % kind,
              r.returncode == 0 and "a gap in the trend" in r.stderr and
              "gaps:      1 window without data" in r.stdout, r.stderr)
        r = run([url(kind, k=9), url(kind, k=6)])
        check("%s: no data in a diff: exit 1, said" % kind,
              r.returncode == 1 and "no data for this window" in r.stderr,
              r.stderr)
        r = run([url(kind, sel="service_name", k=0), url(kind, k=6)])
        check("%s: a rejected selector: exit 1 quoting the backend" % kind,
              r.returncode == 1 and "invalid_argument: parse error" in
              r.stderr and len(r.stderr.splitlines()) == 1, r.stderr)
        r = run(["--fail-if", "stack.delta>100", url(kind, k=0),
                 url(kind, k=6)])
        check("%s: --fail-if on a backend diff: exit 3" % kind,
              r.returncode == 3, (r.returncode, r.stderr))
        with open("backend-%s.pb" % kind, "wb"):
            pass
        r = run(["fetch", url(kind, k=2), "-o", "backend-%s.pb" % kind])
        r2 = run(["-n", "1", "backend-%s.pb" % kind])
        check("%s: fetch saves the merged profile" % kind,
              r.returncode == 0 and r2.returncode == 0 and
              "goroutine" in r2.stdout, r.stderr + r2.stderr)
        os.unlink("backend-%s.pb" % kind)
        del srv.requests[:]
        r = run(["capture", "-v", "-o", "cap-" + kind, "--report", "-",
                 "fleet=" + url(kind, k=6)])
        saved = glob.glob("cap-%s/fleet/goroutine-*.pb.gz" % kind)
        r2 = run(["--format", "tsv", saved[0]] if saved else ["-"])
        check("%s: capture saves the fleet's profile under NAME/" % kind,
              r.returncode == 0 and len(saved) == 1 and
              len(srv.requests) == 1 and
              sorted(top_culprits(r2.stdout)[:2]) == [OPENER, REAPER],
              r.stdout + r.stderr)
        check("%s: capture's report names it" % kind,
              '"name": "fleet", "type": "goroutine"' in r.stdout and
              '"ok": true' in r.stdout, r.stdout)
        r = run(["capture", "-o", "cap-" + kind,
                 "fleet=" + url(kind, k=9)])
        check("%s: capture of a window without data fails, saying so" %
              kind, r.returncode == 1 and "no data for this window" in
              r.stderr, r.stderr)

    r = run([url("pyroscope", sel='{service_name="html"}'),
             url("pyroscope", k=6)])
    check("pyroscope: an HTML answer: exit 1, one line",
          r.returncode == 1 and "text/html" in r.stderr and
          len(r.stderr.splitlines()) == 1, r.stderr)
    r = run([url("pyroscope", sel='{service_name="tenant"}'),
             url("pyroscope", k=6)])
    check("pyroscope: without the tenant header: unauthenticated",
          r.returncode == 1 and "unauthenticated" in r.stderr, r.stderr)
    r = run(["-H", "X-Scope-OrgID: team-a",
             url("pyroscope", sel='{service_name="tenant"}'),
             url("pyroscope", k=6)])
    check("pyroscope: -H passes the tenant header", r.returncode == 0,
          r.stderr)
    r = run([url("pyroscope", typ="memory:inuse_space:bytes:space:bytes"),
             url("pyroscope", k=6)])
    check("pyroscope: a full type ID is sent as given",
          r.returncode == 1 and "unknown profile type memory:" in r.stderr,
          r.stderr)
    r = run([url("pyroscope", typ="heapz"), url("pyroscope", k=6)])
    check("unknown type: exit 2 with the table",
          r.returncode == 2 and "heap, inuse_space" in r.stderr, r.stderr)
    r = run(["trend", url("parca", n=7, step="10s")])
    check("a step of more than 1000 windows: exit 2", r.returncode == 2,
          r.stderr)
    bad = url("parca").replace("from=%d" % T0, "from=%d" % (T0 + 7200))
    r = run([bad, url("parca", k=6)])
    check("from after to: exit 2", r.returncode == 2 and "from=" in r.stderr,
          r.stderr)
    r = run([url("parca", n=7, step="1h"), url("parca", k=6)])
    check("a step in a diff: exit 2 pointing at trend",
          r.returncode == 2 and "trend" in r.stderr, r.stderr)
    srv.shutdown()
    print("backends: %d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
