#!/usr/bin/env python3
"""Awkward names through every output format.

A profile (hand-built: names no real program would choose) whose
function names hold quotes, commas, a tab, a newline, ';', '<', a NUL,
control bytes and invalid UTF-8 goes through text, tsv, csv, json,
folded, svg and html. Each must stay well-formed for its reader: one
line per row in text and tsv (tab, newline and CR written as spaces,
other control bytes as \\xNN), csv rows that Python's csv module reads
back with the header's width, a JSON document that parses (invalid
UTF-8 as U+FFFD), folded lines of "STACK VALUE", and SVG/HTML that an
XML parser accepts.

Usage: names.py PPROFDIFF SRCDIR
"""
import csv
import html.parser
import io
import json
import os
import subprocess
import sys
import tempfile
import xml.dom.minidom

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from pbenc import f_bytes, f_packed, f_varint  # noqa: E402
import checks  # noqa: E402  (the shared tally)

NAMES = [b'quote"d', b"com,ma", b"ta\tb", b"new\nline", b"semi;colon",
         b"<b>&amp;", b"nul\x00byte", b"ctl\x01\x1b[31m", b"bad\xff\xfe",
         b"main.leak"]



class Tags(html.parser.HTMLParser):
    """The element names and the text of a page."""

    def __init__(self):
        super().__init__()
        self.tags, self.text = set(), ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text += data

check = checks.Checks()


def profile(path, scale):
    strings = [b"", b"inuse_space", b"bytes"]
    out = bytearray(f_bytes(1, f_varint(1, 1) + f_varint(2, 2)))
    for i, n in enumerate(NAMES):
        strings.append(n)
        out += f_bytes(5, f_varint(1, i + 1) + f_varint(2, len(strings) - 1))
        out += f_bytes(4, f_varint(1, i + 1) + f_bytes(4, f_varint(1, i + 1)))
    # One stack per name, under main.leak (id 10).
    for i in range(len(NAMES) - 1):
        out += f_bytes(2, f_packed(1, [i + 1, 10]) +
                       f_packed(2, [(i + 1) * 1024 * scale]))
    for s in strings:
        out += f_bytes(6, s)
    open(path, "wb").write(bytes(out))


def run(binary, args):
    r = subprocess.run([binary] + args, capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a.pb"), os.path.join(tmp, "b.pb")
        profile(a, 1)
        profile(b, 3)
        rows = len(NAMES) - 1
        rc, out, err = run(binary, ["-n", "0", a, b])
        lines = [ln for ln in out.split(b"\n") if ln.startswith(b"   ")]
        check("text: one line per row", rc == 0 and len(lines) == rows,
              (rc, err, len(lines)))
        check("text: no control byte but the line ends",
              all(c >= 0x20 or c == 0x0a for c in out), out[:200])
        check("text: control bytes as \\xNN",
              b"nul\\x00byte" in out and b"ctl\\x01\\x1b[31m" in out)
        rc, out, err = run(binary, ["--format", "tsv", a, b])
        tl = out.decode("utf-8", "replace").rstrip("\n").split("\n")
        width = len(tl[0].split("\t"))
        check("tsv: every row as wide as the header",
              rc == 0 and len(tl) == rows + 1 and
              all(len(ln.split("\t")) == width for ln in tl), tl[:3])
        rc, out, err = run(binary, ["--format", "csv", a, b])
        got = list(csv.reader(io.StringIO(out.decode("utf-8", "replace"))))
        check("csv: rows read back with the header's width",
              rc == 0 and len(got) == rows + 1 and
              all(len(r) == len(got[0]) for r in got), got[:3])
        check("csv: quotes and commas kept in the cells",
              any('quote"d' in c for r in got for c in r) and
              any("com,ma" in c for r in got for c in r))
        rc, out, err = run(binary, ["--format", "json", a, b])
        try:
            doc = json.loads(out.decode("utf-8"))
            names = [f for r in doc["rows"] for f in r["stack"]]
            ok = (len(doc["rows"]) == rows and "nul\x00byte" in names and
                  "bad\ufffd\ufffd" in names and "new\nline" in names)
        except (ValueError, KeyError, UnicodeDecodeError) as e:
            ok, names = False, e
        check("json: parses, names exact (invalid UTF-8 as U+FFFD)", ok,
              names)
        rc, out, err = run(binary, ["--format", "folded", a, b])
        fl = out.rstrip(b"\n").split(b"\n")
        check("folded: one 'STACK VALUE' line per stack",
              rc == 0 and len(fl) == rows and
              all(ln.rsplit(b" ", 1)[1].lstrip(b"-").isdigit() for ln in fl),
              fl[:3])
        check("folded: a ';' in a name does not split the frame (':')",
              any(ln.startswith(b"main.leak;semi:colon ") for ln in fl) and
              all(ln.count(b";") == 1 for ln in fl), fl)
        out = os.path.join(tmp, "x.svg")
        rc, _, err = run(binary, ["--format", "svg", "-o", out, a, b])
        text = open(out, encoding="utf-8").read()
        try:
            xml.dom.minidom.parseString(text.encode("utf-8"))
            ok = True
        except Exception as e:  # noqa: BLE001
            ok = e
        check("svg: well-formed XML with every name",
              rc == 0 and ok is True and "&lt;b&gt;&amp;amp;" in text,
              (rc, err, ok))
        out = os.path.join(tmp, "x.html")
        rc, _, err = run(binary, ["--format", "html", "-o", out, a, b])
        parser = Tags()
        parser.feed(open(out, encoding="utf-8").read())
        check("html: names only as text, never as elements",
              rc == 0 and "<b>&amp;" in parser.text and
              parser.tags <= {"html", "head", "meta", "title", "style",
                              "body", "h1", "h2", "table", "thead", "tbody",
                              "tr", "th", "td", "b", "input", "div", "svg",
                              "rect", "text", "g", "script", "pre"},
              sorted(parser.tags))
    return check.report("names")


if __name__ == "__main__":
    sys.exit(main())
