#!/usr/bin/env python3
"""Go's text profiles as inputs, against independent parses.

The fixtures in testdata/trend hold, at seven points of one run,
goroutine ?debug=1 and ?debug=2 and heap ?debug=1 beside the protobuf
profiles. Checks:

- every total of a debug=1 text (each sample type) equals go tool
  pprof's reading of the same file;
- every stack's value equals a parse written here: debug=1 records
  ("N @ addrs" and their "#\t0xADDR\tFUNC+0xOFF\tFILE:LINE" lines, heap
  values scaled by the sampling rate as documented for pprof), and
  debug=2 dumps (one goroutine per block, the function lines as frames);
- debug=2 labels: --tagfocus on state and created_by, and wait_minutes,
  count what the dumps say;
- a diff of two text snapshots ranks the leak first;
- truncated or garbled texts fail with "INPUT: line N: problem", exit 1.

Usage: text.py PPROFDIFF SRCDIR
"""
import collections
import glob
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import checks  # noqa: E402  (the shared tally)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402

OPENER = "database/sql.(*DB).connectionOpener"
REAPER = "example.com/leakd/internal/pool.(*ConnPool).reaper"

check = checks.Checks()


def ours(binary, args):
    r = subprocess.run([binary, "--format", "tsv", "-n", "0"] + args,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr
    lines = r.stdout.splitlines()
    head = lines[0].split("\t")
    v, s = head.index("value"), head.index("stack")
    out = collections.Counter()
    for ln in lines[1:]:
        f = ln.split("\t")
        out[f[s]] += int(f[v])
    return out, ""


def symbol_stack(addrs, syms):
    """Frames root first, from the symbol lines of each address
    (innermost first), unsymbolized addresses left out."""
    frames = []
    for a in addrs:
        frames.extend(syms.get(a - 1, []))
    return ";".join(reversed(frames)) or "(no stack)"


def parse_debug1(path):
    """(sample types, {stack: [values]}) of a debug=1 count or heap text."""
    text = open(path).read().split("\n")
    first = text[0]
    heap = first.startswith("heap profile:")
    contention = first.startswith("--- ")
    hz = period = 0
    if contention:
        types = ["contentions", "delay"]
        period = 1
        while "=" in text[1] and "@" not in text[1]:
            k, v = [x.strip() for x in text[1].split("=", 1)]
            if k == "cycles/second":
                hz = int(v)
            elif k == "sampling period":
                period = int(v)
            text.pop(1)
    elif heap:
        h = [int(x) for x in re.findall(r"\d+", first.split("@")[0])]
        rate = int(first.rsplit("/", 1)[1]) // 2
        alloc = (h[2] != h[0] and h[2] != 0) or (h[3] != h[1] and h[3] != 0)
        types = (["alloc_objects", "alloc_space", "inuse_objects",
                  "inuse_space"] if alloc else ["objects", "space"])
    else:
        types = [first.split(" ")[0]]
    out = collections.defaultdict(lambda: [0] * len(types))
    records = []
    cur = None
    for line in text[1:]:
        if line.startswith("# runtime.MemStats"):
            break
        if line.startswith("#\t0x"):
            f = line.split("\t")
            cur[1].setdefault(int(f[1], 16), []).append(
                re.sub(r"\+0x[0-9a-f]+$", "", f[2]))
            continue
        if not line.strip() or line.startswith("#"):
            continue
        vals, addrs = line.split("@")
        addrs = [int(a, 16) for a in addrs.split()]
        if heap:
            n = [int(x) for x in re.findall(r"-?\d+", vals)]

            def scale(c, s):
                if c == 0 or s == 0:
                    return 0, 0
                if rate <= 1:
                    return c, s
                k = 1 / (1 - math.exp(-(s / c) / rate))
                return int(c * k), int(s * k)
            iv = scale(n[0], n[1])
            av = scale(n[2], n[3])
            v = list(av + iv) if alloc else list(iv)
        elif contention:
            cycles, count = [int(x) for x in vals.split()]
            if period > 0:
                if hz > 0:
                    cycles = int(cycles * period / (hz / 1e9))
                count *= period
            v = [count, cycles]
        else:
            v = [int(vals)]
        cur = (v, {}, addrs)
        records.append(cur)
    for v, syms, addrs in records:
        key = symbol_stack(addrs, syms)
        for i, x in enumerate(v):
            out[key][i] += x
    return types, out


def parse_debug2(path):
    """[(goid, state, wait_minutes, creator, stack root first)]."""
    gs = []
    blocks = open(path).read().strip().split("\n\n")
    for b in blocks:
        lines = b.split("\n")
        m = re.match(r"goroutine (\d+) \[([^,\]]*)(.*)\]:$", lines[0])
        frames, creator = [], ""
        i = 1
        while i < len(lines):
            fn = lines[i]
            if fn.startswith("created by "):
                creator = re.sub(r" in goroutine \d+$", "", fn[11:])
            elif not fn.startswith("..."):
                frames.append(fn[:fn.rindex("(")])
            i += 2
        w = re.search(r", (\d+) minutes?", m.group(3))
        gs.append((int(m.group(1)), m.group(2), int(w.group(1)) if w else -1,
                   creator, ";".join(reversed(frames))))
    return gs


def main():
    binary, src = sys.argv[1], sys.argv[2]
    go = shutil.which("go")
    if go is None:
        print("text: go not found (install golang-go)", file=sys.stderr)
        return 1
    tdir = os.path.join(src, "testdata", "trend")
    d1 = sorted(glob.glob(os.path.join(tdir, "*.debug1-*.txt")))
    d2 = sorted(glob.glob(os.path.join(tdir, "goroutine.debug2-*.txt")))
    check("fixtures: 28 debug=1 (goroutine, heap, mutex, block) and 7 "
          "debug=2 texts", len(d1) == 28 and len(d2) == 7,
          (len(d1), len(d2)))

    for path in d1:
        name = os.path.basename(path)
        types, exp = parse_debug1(path)
        for i, t in enumerate(types):
            got, err = ours(binary, ["-s", t, path])
            if got is None:
                check("%s -s %s: decodes" % (name, t), False, err)
                continue
            want = collections.Counter({k: v[i] for k, v in exp.items()
                                        if v[i] != 0})
            got = +got
            check("%s -s %s: every stack equals the independent parse" %
                  (name, t), got == want,
                  sorted(set(got.items()) ^ set(want.items()))[:4])
            total = interop.pprof_total(go, path, t)
            check("%s -s %s: total equals go tool pprof's (%d)" %
                  (name, t, total), sum(got.values()) == total,
                  (sum(got.values()), total))

    for path in d2:
        name = os.path.basename(path)
        gs = parse_debug2(path)
        want = collections.Counter(g[4] for g in gs)
        got, err = ours(binary, [path])
        check("%s: every stack counts the goroutines of the dump" % name,
              got == want, err or sorted(set(got.items()) ^
                                         set(want.items()))[:4])
        states = collections.Counter(g[1] for g in gs)
        for st, n in states.items():
            got, err = ours(binary, ["--tagfocus", "state=" + st, path])
            check("%s: --tagfocus state=%s counts %d" % (name, st, n),
                  got is not None and sum(got.values()) == n, err)
        creators = collections.Counter(g[3] for g in gs if g[3])
        c, n = creators.most_common(1)[0]
        got, err = ours(binary, ["--tagfocus", "created_by=" +
                                 re.escape(c), path])
        check("%s: --tagfocus created_by counts %d" % (name, n),
              got is not None and sum(got.values()) == n, err)
        waiting = sum(1 for g in gs if g[2] >= 1)
        got, err = ours(binary, ["--tagfocus", "wait_minutes=1:", path])
        check("%s: wait_minutes >= 1 counts %d" % (name, waiting),
              got is not None and sum(got.values()) == waiting, err)

    # Goroutine identity across two dumps: survivors, and rows by creator.
    for a, b in ((d2[0], d2[-1]), (d2[2], d2[3])):
        ga, gb = parse_debug2(a), parse_debug2(b)
        seen = {(g[0], g[4]) for g in ga}
        want = collections.Counter()
        for g in gb:
            if (g[0], g[4]) in seen:
                want[g[4]] += 1
        r = subprocess.run([binary, "--format", "tsv", "-n", "0",
                            "--show-unchanged", a, b], capture_output=True,
                           text=True)
        lines = r.stdout.splitlines()
        head = lines[0].split("\t") if lines else []
        got = collections.Counter()
        if "survived" in head:
            si, sv = head.index("stack"), head.index("survived")
            for ln in lines[1:]:
                f = ln.split("\t")
                if int(f[sv]):
                    got[f[si]] += int(f[sv])
        check("survived %s -> %s: equals the dumps' goroutine ids (%d)" %
              (os.path.basename(a), os.path.basename(b), sum(want.values())),
              got == want and sum(want.values()) > 0,
              sorted(set(got.items()) ^ set(want.items()))[:4] or r.stderr)
        want_b = collections.Counter((g[3] or "<unknown>") + ";" + g[1]
                                     for g in ga)
        want_c = collections.Counter((g[3] or "<unknown>") + ";" + g[1]
                                     for g in gb)
        r = subprocess.run([binary, "--format", "tsv", "-n", "0",
                            "--show-unchanged", "--by", "creator", a, b],
                           capture_output=True, text=True)
        lines = r.stdout.splitlines()
        head = lines[0].split("\t") if lines else ["x"]
        rows = {}
        for ln in lines[1:]:
            f = dict(zip(head, ln.split("\t")))
            rows[f["stack"]] = (int(f["base"]), int(f["cur"]))
        want = {k: (want_b[k], want_c[k]) for k in set(want_b) | set(want_c)}
        check("--by creator: rows of creator and state equal the dumps",
              rows == want, sorted(set(rows.items()) ^ set(want.items()))[:4]
              or r.stderr)
    r = subprocess.run([binary, "--min-wait", "0m", "--format", "tsv", "-n",
                        "0", d2[0]], capture_output=True, text=True)
    got = sum(int(ln.split("\t")[0]) for ln in r.stdout.splitlines()[1:])
    check("--min-wait 0m keeps every goroutine", got == len(parse_debug2(
        d2[0])), (got, r.stderr))
    waited = sum(1 for g in parse_debug2(d2[-1]) if g[2] >= 1)
    r = subprocess.run([binary, "--min-wait", "1m", "--format", "tsv", "-n",
                        "0", d2[-1]], capture_output=True, text=True)
    got = sum(int(ln.split("\t")[0]) for ln in r.stdout.splitlines()[1:])
    check("--min-wait 1m keeps those waiting a minute or more (%d)" % waited,
          r.returncode == 0 and got == waited, (got, r.stderr))
    r = subprocess.run([binary, "--min-wait", "soon", d2[-1]],
                       capture_output=True, text=True)
    check("--min-wait soon: exit 2", r.returncode == 2, r.stderr)

    for kind, files in (("debug=1", [p for p in d1 if "goroutine" in p]),
                        ("debug=2", d2)):
        r = subprocess.run([binary, "--format", "tsv", files[0], files[-1]],
                           capture_output=True, text=True)
        rows = [ln.split("\t") for ln in r.stdout.splitlines()[1:]]
        culprits = sorted(row[4] for row in rows[:2])
        check("diff of two %s texts ranks the leak first" % kind,
              r.returncode == 0 and culprits == sorted([OPENER, REAPER]),
              r.stdout[:300] + r.stderr)

    # The memory account: runtime.MemStats of two heap pages.
    import json
    heaps = [p for p in d1 if "heap" in p]

    def memstats(path):
        out = {}
        text = open(path).read().split("# runtime.MemStats\n", 1)[1]
        for ln in text.splitlines():
            m = re.match(r"# (\w+) = (\d+)(?: / (\d+))?$", ln)
            if m and m.group(3):
                out[m.group(1) + "Inuse"] = int(m.group(2))
                out[m.group(1) + "Sys"] = int(m.group(3))
            elif m:
                out[m.group(1)] = int(m.group(2))
        return out
    mb, mc = memstats(heaps[0]), memstats(heaps[-1])
    r = subprocess.run([binary, "--format", "json", "-n", "1", heaps[0],
                        heaps[-1]], capture_output=True, text=True)
    try:
        got = json.loads(r.stdout)["memstats"]
    except (ValueError, KeyError) as e:
        got = {"error": str(e)}
    want = {k: {"base": mb[k], "cur": mc[k], "delta": mc[k] - mb[k]}
            for k in mb if k in mc}
    check("memstats: every field exact in json (%d fields)" % len(want),
          got == want and "StackInuse" in got and "MSpanSys" in got,
          sorted(set(got) ^ set(want))[:5] or r.stderr)
    r = subprocess.run([binary, "-n", "1", heaps[0], heaps[-1]],
                       capture_output=True, text=True)
    d = mc["StackInuse"] - mb["StackInuse"]
    check("memstats: a memory section and the account line",
          "memory (runtime.MemStats)" in r.stdout and
          re.search(r"^StackInuse .* \+", r.stdout, re.M) is not None and
          "account: the profile's inuse_space" in r.stdout and
          "goroutine stacks (StackInuse) +" in r.stdout, r.stdout[:800])
    r = subprocess.run([binary, "-n", "1", heaps[0],
                        heaps[-1].replace("heap.debug1", "heap").replace(
                            ".txt", ".pb.gz")],
                       capture_output=True, text=True)
    check("memstats: none unless both inputs carry them",
          r.returncode == 0 and "memory (runtime.MemStats)" not in r.stdout,
          r.stderr)

    # Malformed texts: the line and the problem, exit 1.
    with tempfile.TemporaryDirectory() as tmp:
        g1 = open([p for p in d1 if "goroutine" in p][0]).read()
        h1 = open([p for p in d1 if "heap" in p][0]).read()
        dump = open(d2[0]).read()
        cases = [
            ("count-garbled", g1.replace(" @ 0x", " @ zz", 1), 2),
            ("count-no-at", g1.replace(" @ 0x", " 0x", 1), 2),
            ("heap-header", h1.replace("@ heap/", "@ hoop/", 1), 1),
            ("heap-record", "\n".join(h1.split("\n")[:1] +
                                      ["1: 2 [x: 4] @ 0x1"]) + "\n", 2),
            ("heap-zero-count", "\n".join(h1.split("\n")[:1] +
                                          ["0: 16 [1: 16] @ 0x1"]) + "\n",
             2),
            ("dump-truncated", dump[:dump.index("\n\t") + 1], None),
            ("dump-no-file", "goroutine 1 [running]:\nmain.main()\n"
             "main.f()\n", 3),
            ("dump-header", "goroutine x [running]:\n", 1),
            ("long-line", "goroutine profile: total 1\n1 @ " +
             "0x1 " * 300000 + "\n", 2),
        ]
        for name, body, line in cases:
            p = os.path.join(tmp, name + ".txt")
            open(p, "w").write(body)
            r = subprocess.run([binary, p], capture_output=True, text=True)
            want = ("%s: line %d: " % (p, line)) if line else (p + ": line ")
            check("malformed %s: exit 1, '%s...'" % (name, want),
                  r.returncode == 1 and r.stderr.startswith(
                      "pprofdiff: " + want) and
                  len(r.stderr.splitlines()) == 1, r.stderr)
    return check.report("text")


if __name__ == "__main__":
    sys.exit(main())
