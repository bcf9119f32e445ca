#!/usr/bin/env python3
"""The SVG flame graph and the HTML report, as a person sees them: in
headless Chromium. For each, the DOM Chromium builds is checked (frames
and their titles, table rows, the embedded graph), the console must show
no error, and a screenshot must not be blank and must show red growth
frames (read with a small PNG decoder written here). The flame graph's
fragment (#zoom=NAME&search=RE) drives its script: the zoomed frame
fills the width and the search reports its share. A profile whose names
carry markup must come out as text, never as elements.

Skipped, saying so, only when Chromium is not installed.

Usage: browser.py PPROFDIFF SRCDIR
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from pbenc import f_bytes, f_packed, f_varint  # noqa: E402
import checks  # noqa: E402  (the shared tally)

check = checks.Checks(limit=800)


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB(A) PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat, w = 8, b"", 0
    while i < len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, at = [], bytearray(stride), 0
    for _ in range(h):
        ft, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append([tuple(line[k:k + 3]) for k in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def chromium(url, shot=None, size="1280,900"):
    args = ["--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
            "--window-size=" + size]
    args += ["--screenshot=" + shot] if shot else ["--dump-dom"]
    r = subprocess.run([CHROME] + args + [url], capture_output=True,
                       text=True, timeout=120)
    errors = [ln for ln in r.stderr.splitlines()
              if "CONSOLE" in ln and ("Uncaught" in ln or "rror" in ln)]
    return r.stdout, errors


def hostile_profile(path):
    """A heap-like profile whose function names carry markup."""
    names = ['<script>alert("x")</script>', "a&b \"q\" 'p' <img src=x "
             "onerror=alert(1)>", "ctl\x01\x7fname", "bad\xff\xfeutf8",
             "main.leak"]
    strings = ["", "inuse_space", "bytes"]
    out = bytearray(f_bytes(1, f_varint(1, 1) + f_varint(2, 2)))
    for i, n in enumerate(names):
        strings.append(n)
        out += f_bytes(5, f_varint(1, i + 1) + f_varint(2, len(strings) - 1))
        out += f_bytes(4, f_varint(1, i + 1) + f_bytes(4, f_varint(1, i + 1)))
    out += f_bytes(2, f_packed(1, [1, 2, 5]) + f_packed(2, [4096]))
    out += f_bytes(2, f_packed(1, [3, 4, 5]) + f_packed(2, [1024]))
    for s in strings:
        out += f_bytes(6, s.encode("latin-1"))
    open(path, "wb").write(bytes(out))


CHROME = None


def main():
    global CHROME
    binary, src = sys.argv[1], sys.argv[2]
    CHROME = shutil.which("chromium") or shutil.which("chromium-browser")
    if CHROME is None:
        print("browser: SKIP: chromium is not installed "
              "(scripts/install-deps.sh installs it)")
        return 0
    g0, g2 = [os.path.join(src, "testdata", "leak", f) for f in
              ("goroutine-0.pb.gz", "goroutine-2.pb.gz")]
    h0, h2 = [os.path.join(src, "testdata", "leak", f) for f in
              ("heap-0.pb.gz", "heap-2.pb.gz")]
    with tempfile.TemporaryDirectory() as tmp:
        def make(fmt, args, name):
            out = os.path.join(tmp, name)
            r = subprocess.run([binary, "--format", fmt, "-o", out] + args,
                               capture_output=True, text=True)
            check("%s: written" % name, r.returncode == 0, r.stderr)
            return out

        svg = make("svg", [g0, g2], "goroutine.svg")
        dom, errs = chromium("file://" + svg)
        frames = re.findall(r'<g class="f"', dom)
        titles = re.findall(r"<title>([^<]*)</title>", dom)
        check("svg: frames in the DOM", len(frames) >= 6, len(frames))
        check("svg: a title per frame with base, cur and delta",
              len(titles) == len(frames) and
              any("(*ConnPool).reaper" in t and "base 20, cur 520, delta "
                  "+500" in t for t in titles), titles[:4])
        check("svg: no console error", not errs, errs)
        shot = os.path.join(tmp, "g.png")
        chromium("file://" + svg, shot, "1220,320")
        w, h, rows = png_pixels(shot)
        red = sum(1 for row in rows for p in row
                  if p[0] > 200 and p[1] < 120 and p[2] < 120)
        ink = sum(1 for row in rows for p in row if p != (255, 255, 255))
        check("svg screenshot: not blank, red growth frames",
              ink > w * h // 50 and red > w * h // 100, (ink, red, w, h))
        # The script: zoom and search from the fragment.
        name = "example.com/leakd/internal/pool.(*ConnPool).reaper"
        dom, errs = chromium("file://" + svg + "#zoom=" + name +
                             "&search=reaper")
        m = re.search(r'<g class="f"[^>]*><title>%s\n[^<]*</title>'
                      r'<rect x="([^"]*)"[^>]*width="([^"]*)"' %
                      re.escape(name), dom, re.S)
        check("svg: #zoom makes the frame fill the width",
              m is not None and float(m.group(1)) == 0 and
              abs(float(m.group(2)) - 1200) < 0.01,
              m.groups() if m else dom[:300])
        share = re.search(r"matched: ([\d.]+)%", dom)
        check("svg: #search reports the share (520 of 1062)",
              share is not None and share.group(1) == "49.0",
              share.group(0) if share else "no share")
        check("svg: no console error after zoom and search", not errs, errs)
        # A match below the roots counts once with what it holds: gopark
        # is the leaf of 1061 of the 1062 goroutines.
        dom, errs = chromium("file://" + svg + "#search=gopark")
        share = re.search(r"matched: ([\d.]+)%", dom)
        check("svg: #search of a leaf reports its share (1061 of 1062)",
              share is not None and share.group(1) == "99.9" and not errs,
              share.group(0) if share else "no share")

        one = make("svg", [h2], "single.svg")
        dom, errs = chromium("file://" + one)
        check("svg of one profile: an ordinary flame graph",
              "flame graph" in dom and "differential" not in dom and
              len(re.findall(r'<g class="f"', dom)) > 10 and not errs, errs)

        html = make("html", [h0, h2], "heap.html")
        dom, errs = chromium("file://" + html)
        rows = re.findall(r'<table class="rows" id="growing">.*?</table>',
                          dom, re.S)
        trs = re.findall(r"<tr><td", rows[0]) if rows else []
        check("html: the growing table has the 24 growing stacks",
              len(trs) == 24, len(trs))
        check("html: hints under their rows",
              'class="hint"' in dom and "goroutines are leaking" in dom)
        check("html: the flame graph embedded",
              '<svg' in dom and 'class="ppd-flame"' in dom)
        check("html: no console error", not errs, errs)
        shot = os.path.join(tmp, "h.png")
        chromium("file://" + html, shot, "1280,900")
        w, h, px = png_pixels(shot)
        ink = sum(1 for row in px for p in row if p != (255, 255, 255))
        check("html screenshot: not blank", ink > w * h // 50, ink)

        # A trend's report: a chart of the total and one per suspect.
        th = os.path.join(tmp, "trend.html")
        r = subprocess.run([binary, "trend", "--format", "html", "-n", "3",
                            "-o", th, "-t", "goroutine",
                            os.path.join(src, "testdata", "trend")],
                           capture_output=True, text=True)
        check("trend html: written", r.returncode == 0, r.stderr)
        dom, errs = chromium("file://" + th)
        charts = re.findall(r'<svg class="chart".*?</svg>', dom, re.S)
        points = [len(re.findall(r"<circle", c)) for c in charts]
        check("trend html: a chart of the total and of 3 suspects, 7 "
              "points each", len(charts) == 4 and points == [7] * 4,
              points)
        check("trend html: real times on the time axis",
              all(re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC", c)
                  for c in charts), charts[:1])
        check("trend html: the leak's hints and no console error",
              "sql.DB opened per use" in dom and not errs, errs)
        shot = os.path.join(tmp, "t.png")
        chromium("file://" + th, shot, "900,1100")
        w, h, px = png_pixels(shot)
        red = sum(1 for row in px for p in row
                  if p[0] > 150 and p[1] < 60 and p[2] < 60)
        check("trend html screenshot: red series lines", red > 500, red)

        bad = os.path.join(tmp, "hostile.pb")
        hostile_profile(bad)
        for fmt in ("svg", "html"):
            out = make(fmt, [bad], "hostile." + fmt)
            dom, errs = chromium("file://" + out)
            injected = re.findall(r"<img[ >]|<script>alert", dom)
            scripts = len(re.findall(r"<script", dom))
            check("%s with markup in names: only our own scripts, names as "
                  "text" % fmt, not injected and
                  scripts == (1 if fmt == "svg" else 2) and
                  "&lt;script&gt;alert" in dom and not errs,
                  (injected, scripts, errs))
            check("%s with control bytes and bad UTF-8: replaced" % fmt,
                  "ctl\ufffd\ufffdname" in dom and "bad\ufffd\ufffdutf8" in dom,
                  re.findall(r"(?:ctl|bad)[^<\"]*", dom)[:4])
    return check.report("browser")


if __name__ == "__main__":
    sys.exit(main())
