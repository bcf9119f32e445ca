#!/usr/bin/env python3
"""gperftools' profiles as inputs: the CPU profile (binary) and tcmalloc
heap profiles (text), from testdata/gperf (testdata/gen/gperf/gperf.sh).

Totals of every sample type equal go tool pprof's reading of the same
file; every stack's value equals a parse written here (64-bit words, the
pc adjustment, the dropped signal-handler and duplicate frames; heap
records and their memory map), frames named "FILE+0xOFFSET" from the
executable mappings as pprofdiff names unsymbolized frames.

Usage: gperf.py PPROFDIFF SRCDIR
"""
import collections
import os
import shutil
import struct
import subprocess
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import checks  # noqa: E402  (the shared tally)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402

check = checks.Checks()


def maps_of(lines):
    out = []
    for ln in lines:
        f = ln.split()
        if len(f) < 5 or "-" not in f[0] or len(f[1]) < 3 or f[1][2] != "x":
            continue
        a, b = (int(x, 16) for x in f[0].split("-"))
        out.append((a, b, int(f[2], 16), f[5] if len(f) > 5 else ""))
    return out


def name(addr, maps):
    for a, b, off, path in maps:
        if a <= addr < b:
            return "%s+0x%x" % (os.path.basename(path), addr - a + off)
    return "0x%x" % addr


def parse_cpu(path):
    data = open(path, "rb").read()
    words = lambda i: struct.unpack_from("<Q", data, 8 * i)[0]  # noqa
    period = words(3) * 1000
    i, samples = 5, []
    while True:
        count, depth = words(i), words(i + 1)
        pcs = [words(i + 2 + k) for k in range(depth)]
        i += 2 + depth
        if count == 0 and depth == 1 and pcs[0] == 0:
            break
        samples.append([count, [pcs[0]] + [p - 1 for p in pcs[1:]]])
    maps = maps_of(data[8 * i:].decode().splitlines())
    for _ in range(2):
        second = collections.Counter(s[1][1] for s in samples
                                     if len(s[1]) > 1)
        if not second:
            break
        addr, n = second.most_common(1)[0]
        if n < len(samples) - len(samples) // 32:
            break
        for s in samples:
            if len(s[1]) > 1 and s[1][1] == addr:
                del s[1][1]
    out = collections.defaultdict(lambda: [0, 0])
    for count, pcs in samples:
        if len(pcs) > 1 and pcs[0] == pcs[1] + 1:
            del pcs[1]
        key = ";".join(name(p, maps) for p in reversed(pcs))
        out[key][0] += count
        out[key][1] += count * period
    return ["samples", "cpu"], out


def parse_heap(path):
    lines = open(path).read().splitlines()
    h = [int(x) for x in lines[0].split("@")[0].replace("heap profile:", "")
         .replace("[", " ").replace("]", " ").replace(":", " ").split()]
    alloc = (h[2] != h[0] and h[2] != 0) or (h[3] != h[1] and h[3] != 0)
    types = (["alloc_objects", "alloc_space", "inuse_objects",
              "inuse_space"] if alloc else ["objects", "space"])
    m = lines.index("MAPPED_LIBRARIES:")
    maps = maps_of(lines[m + 1:])
    out = collections.defaultdict(lambda: [0] * len(types))
    for ln in lines[1:m]:
        if not ln.strip():
            continue
        vals, addrs = ln.split("@")
        n = [int(x) for x in vals.replace("[", " ").replace("]", " ")
             .replace(":", " ").split()]
        v = [n[2], n[3], n[0], n[1]] if alloc else [n[0], n[1]]
        key = ";".join(name(int(a, 16) - 1, maps)
                       for a in reversed(addrs.split()))
        for k, x in enumerate(v):
            out[key][k] += x
    return types, out


def main():
    binary, src = sys.argv[1], sys.argv[2]
    go = shutil.which("go")
    if go is None:
        print("gperf: go not found (install golang-go)", file=sys.stderr)
        return 1
    d = os.path.join(src, "testdata", "gperf")
    files = [("cpu.prof", parse_cpu)] + [
        (f, parse_heap) for f in sorted(os.listdir(d)) if f.endswith(".heap")]
    check("fixtures: a CPU profile and three heap profiles", len(files) == 4)
    for f, parse in files:
        path = os.path.join(d, f)
        types, exp = parse(path)
        for i, t in enumerate(types):
            r = subprocess.run([binary, "--format", "tsv", "-n", "0", "-s", t,
                                path], capture_output=True, text=True)
            got = collections.Counter()
            for ln in r.stdout.splitlines()[1:]:
                fs = ln.split("\t")
                got[fs[1]] += int(fs[0])
            want = collections.Counter({k: v[i] for k, v in exp.items()
                                        if v[i]})
            check("%s -s %s: every stack equals the parse here" % (f, t),
                  r.returncode == 0 and +got == want,
                  sorted(set((+got).items()) ^ set(want.items()))[:3] or
                  r.stderr)
            total = interop.pprof_total(go, path, t)
            check("%s -s %s: total equals go tool pprof's (%d)" %
                  (f, t, total), sum(got.values()) == total,
                  (sum(got.values()), total))
    heaps = [os.path.join(d, f) for f, p in files if p is parse_heap]
    r = subprocess.run([binary, "--format", "tsv", heaps[0], heaps[-1]],
                       capture_output=True, text=True)
    rows = [ln.split("\t") for ln in r.stdout.splitlines()[1:]]
    check("a diff of two heap profiles: the leak grows most",
          r.returncode == 0 and rows and int(rows[0][0]) > 50 << 20,
          r.stdout[:300] + r.stderr)
    with open(os.path.join(d, "cpu.prof"), "rb") as fi:
        cut = fi.read()[:200]
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".prof") as t:
        t.write(cut)
        t.flush()
        r = subprocess.run([binary, t.name], capture_output=True, text=True)
        check("a truncated CPU profile: exit 1, one line",
              r.returncode == 1 and "gperftools CPU profile" in r.stderr and
              len(r.stderr.splitlines()) == 1, r.stderr)
    return check.report("gperf")


if __name__ == "__main__":
    sys.exit(main())
