#!/usr/bin/env python3
"""Interop on profiles written by other projects: totals equal pprof's.

For every profile of the shared corpus (a folder of real profiles from
Go, Java, Node, Python, Ruby, .NET and eBPF agents; see its README) that
`go tool pprof` can read, and for every sample type in it, the total of
pprofdiff's rows (--format tsv, that type) must equal the total in the
header of `go tool pprof -top` (the sum of the absolute sample values).
The function view must equal pprof's too: for each type, every
function's name (with pprof's simplification, its inline marks, and
"[binary]" for addresses without symbols), flat and cum in pprofdiff's
--by function tsv equal `go tool pprof -top -nodefraction=0` on the same
profile. Every profile must also decode without a crash, whether pprof
reads it or not. The corpus is not part of this repository: without it the test
says so and passes.

Usage: corpus.py PPROFDIFF [CORPUS_DIR]
(default: $PPD_PROFILE_CORPUS, else ../shared/profiles beside the
checkout)
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402  (our_view)

TOTAL_RE = re.compile(r"of (-?\d+)[A-Za-z]* total")
UNIT = {"bytes": "B", "nanoseconds": "ns", "microseconds": "us",
        "milliseconds": "ms", "seconds": "s"}


SAMPLE_RE = re.compile(r"^\s*(-?\d+(?:\s+-?\d+)*):")


def read_raw(go, path):
    """pprof's sample types of path and each type's signed sum over its
    samples, or (None, None) when pprof cannot read it."""
    r = subprocess.run([go, "tool", "pprof", "-raw", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, None
    lines = r.stdout.splitlines()
    if "Samples:" not in lines:
        return [], []
    i = lines.index("Samples:")
    types = lines[i + 1].split()
    sums = [0] * len(types)
    for line in lines[i + 2:]:
        if line.strip() == "Locations":
            break
        m = SAMPLE_RE.match(line)
        if m:
            for k, v in enumerate(m.group(1).split()):
                sums[k] += int(v)
    return types, sums


PCT = r"(-?[\d.]+(?:e[-+]\d+)?)%"
TOP_ROW = re.compile(r"^\s*(-?\d+)\S*\s+" + PCT + r"\s+" + PCT + r"\s+"
                     r"(-?\d+)\S*\s+" + PCT + r" (.*)$")


def printable(name):
    """A name as pprofdiff's tsv writes it: tab and line breaks as spaces,
    other control bytes as \\xNN."""
    out = []
    for ch in name:
        o = ord(ch)
        if ch in "\t\n\r\v\f":
            out.append(" ")
        elif o < 0x20 or o == 0x7f:
            out.append("\\x%02x" % o)
        else:
            out.append(ch)
    return "".join(out)


def pprof_top(go, path, index, unit):
    """pprof -top's exact total and its rows: name -> (flat, cum)."""
    flags = ["-unit=" + UNIT[unit]] if unit in UNIT else []
    out = subprocess.run([go, "tool", "pprof", "-top", "-nodefraction=0",
                          "-edgefraction=0", "-sample_index=%d" % index] +
                         flags + [path],
                         capture_output=True, text=True, check=True).stdout
    m = TOTAL_RE.search(out)
    rows = {}
    for line in out.splitlines():
        r = TOP_ROW.match(line)
        if r:
            rows[printable(r.group(6).strip())] = (int(r.group(1)),
                                                   int(r.group(4)))
    return (int(m.group(1)) if m else 0), rows


def our_rows(binary, path, index):
    """The values of pprofdiff's rows for one sample type, or None."""
    r = subprocess.run([binary, "--format", "tsv", "-n", "0", "-s",
                        str(index), path], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return [int(row.split("\t")[0])
            for row in r.stdout.splitlines()[1:]], ""


def main():
    binary = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "shared", "profiles")
    corpus = (sys.argv[2] if len(sys.argv) > 2 else
              os.environ.get("PPD_PROFILE_CORPUS", default))
    if not os.path.isdir(corpus):
        print("corpus: no profile corpus at %s (set PPD_PROFILE_CORPUS); "
              "skipped" % corpus)
        return 0
    go = shutil.which("go")
    if go is None:
        print("corpus: go not found (install golang-go)", file=sys.stderr)
        return 1
    passed = failed = unread = views = 0
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        if name.startswith("README") or not os.path.isfile(path):
            continue
        # Never a crash, whatever the file: exit 0 or 1 with one line.
        r = subprocess.run([binary, "-n", "1", path], capture_output=True,
                           text=True, timeout=60)
        if r.returncode not in (0, 1) or (r.returncode == 1 and
                                         len(r.stderr.splitlines()) != 1):
            print("FAIL %s: exit %d, stderr %r" % (name, r.returncode,
                                                   r.stderr[:200]))
            failed += 1
            continue
        types, sums = read_raw(go, path)
        if types is None:
            unread += 1
            continue
        for i, t in enumerate(types):
            unit = re.sub(r"\[dflt\]$", "", t.partition("/")[2])
            rows, err = our_rows(binary, path, i)
            if rows is None:
                failed += 1
                print("FAIL %s %s: %s" % (name, t, err))
                continue
            # pprof's total sums the samples' absolute values; rows sum
            # samples per stack, so with negative values (a profile saved
            # as a difference) the signed sums are compared instead.
            total, top = pprof_top(go, path, i, unit)
            if all(v >= 0 for v in rows):
                want, got = total, sum(rows)
            else:
                want, got = sums[i], sum(rows)
            if got == want:
                passed += 1
            else:
                failed += 1
                print("FAIL %s %s: pprof %d, pprofdiff %d" % (name, t, want,
                                                              got))
            # The function view, where pprof prints integers.
            if unit not in UNIT and not unit.isalpha():
                continue
            want = {k: v for k, v in top.items() if v != (0, 0)}
            got = interop.our_view(binary, [path], str(i), "function")
            if want == got:
                views += 1
                continue
            failed += 1
            diff = sorted(k for k in set(want) | set(got)
                          if want.get(k) != got.get(k))
            print("FAIL %s %s --by function: %d entries differ, e.g. %s" % (
                name, t, len(diff), "; ".join(
                    "%r pprof %s ours %s" % (k, want.get(k), got.get(k))
                    for k in diff[:3])))
    print("corpus: %d totals and %d function views equal pprof's, %d "
          "failed; %d files pprof cannot read (decoded without a crash)" %
          (passed, views, failed, unread))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
