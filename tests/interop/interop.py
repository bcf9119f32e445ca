#!/usr/bin/env python3
"""Interop: pprofdiff's numbers must equal go tool pprof's.

For each fixture pair and sample type, run
    go tool pprof -raw -sample_index=TYPE -diff_base=BASE CUR
which prints every sample of pprof's merged diff profile (base samples
negated and tagged pprof::base) with exact integer values and the
location table. Aggregate those samples by their function names, leaf
to root with inline frames expanded -- the granularity pprofdiff
compares at -- and require that every stack's base, cur and delta equal
pprofdiff's --format tsv output. pprof leaves samples without a stack
out of -raw but counts them in its totals; pprofdiff shows them as the
"(no stack)" row, so each profile's total is checked against
`go tool pprof -top` (whose header gives the exact total) and the
"(no stack)" row against that total minus the -raw stacks. Single
profiles are checked the same way without -diff_base.

Usage: interop.py PPROFDIFF SRCDIR [WORKDIR]
"""
import collections
import concurrent.futures
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import sys

PAIRS = [
    ("goroutine-0", "goroutine-2", ["goroutine"]),
    ("goroutine-0", "goroutine-1", ["goroutine"]),
    ("goroutine-1", "goroutine-2", ["goroutine"]),
    ("heap-0", "heap-2", ["inuse_space", "inuse_objects", "alloc_space",
                          "alloc_objects"]),
    ("heap-1", "heap-2", ["inuse_space", "alloc_objects"]),
    ("allocs-0", "allocs-2", ["alloc_space", "alloc_objects",
                              "inuse_space"]),
    ("block-0", "block-2", ["contentions", "delay"]),
    ("mutex-0", "mutex-2", ["contentions", "delay"]),
    ("threadcreate-0", "threadcreate-2", ["threadcreate"]),
]
SINGLES = [
    ("cpu", ["samples", "cpu"]),
    ("heap-2", ["inuse_space", "alloc_objects"]),
    ("goroutine-2", ["goroutine"]),
]

NOSTACK = "(no stack)"
SAMPLE_RE = re.compile(r"^\s*(-?\d+(?:\s+-?\d+)*):((?:\s+\d+)*)\s*$")
LOC_RE = re.compile(r"^\s*(\d+):\s+0x[0-9a-f]+(?:\s+M=\d+)?\s*(.*)$")


def parse_raw(text):
    """Samples (values, location ids, is_base) and location frames."""
    lines = text.splitlines()
    i = lines.index("Samples:")
    types = lines[i + 1].split()
    samples = []
    locs = {}
    j = i + 2
    while j < len(lines) and lines[j].strip() != "Locations":
        m = SAMPLE_RE.match(lines[j])
        if m:
            values = [int(v) for v in m.group(1).split()]
            ids = [int(v) for v in m.group(2).split()]
            samples.append([values, ids, False])
        elif samples and "pprof::base:[true]" in lines[j]:
            samples[-1][2] = True
        j += 1
    current = None
    for line in lines[j + 1:]:
        if line.startswith("Mappings"):
            break
        m = LOC_RE.match(line)
        if m:
            current = int(m.group(1))
            rest = m.group(2).split()
            locs[current] = [rest[0]] if rest else []
        elif current is not None and line.strip():
            locs[current].append(line.split()[0])
    return types, samples, locs


def pprof_stacks(go, args, sample):
    out = subprocess.run([go, "tool", "pprof", "-raw",
                          "-sample_index=" + sample] + args,
                         capture_output=True, text=True, check=True).stdout
    types, samples, locs = parse_raw(out)
    col = types.index(next(t for t in types if t.split("/")[0] == sample))
    base = collections.Counter()
    cur = collections.Counter()
    for values, ids, is_base in samples:
        frames = []
        for lid in ids:
            frames.extend(locs[lid])
        key = ";".join(reversed(frames)) if frames else NOSTACK
        v = values[col]
        if is_base:
            base[key] += -v
        else:
            cur[key] += v
    return base, cur


def unit_flag(sample):
    if sample.endswith("_space"):
        return ["-unit=B"]
    if sample in ("cpu", "delay"):
        return ["-unit=ns"]
    return []


TOTAL_RE = re.compile(r"of (-?\d+)[A-Za-z]* total")


def pprof_total(go, path, sample):
    """The exact total of one profile, from pprof -top's header."""
    out = subprocess.run([go, "tool", "pprof", "-top",
                          "-sample_index=" + sample] + unit_flag(sample) +
                         [path], capture_output=True, text=True,
                         check=True).stdout
    m = TOTAL_RE.search(out)
    if m is None:  # an empty profile prints no header line
        return 0
    return int(m.group(1))


# Percentages as pprof prints them, tiny ones in e-notation (1.4e-08%).
PCT = r"(-?[\d.]+(?:e[-+]\d+)?)%"
TOP_ROW = re.compile(r"^\s*(-?\d+)\S*\s+" + PCT + r"\s+" + PCT + r"\s+"
                     r"(-?\d+)\S*\s+" + PCT + r"\s+(.*)$")
GRAINS = [("function", []), ("line", ["-lines"]), ("file", ["-files"])]
INLINE_SUFFIX = re.compile(r" \((partial-)?inline\)$")


def strip_inline(rows):
    """Rows keyed by name without pprof's inline marks."""
    out = {}
    for k, (f, c) in rows.items():
        k = INLINE_SUFFIX.sub("", k)
        of, oc = out.get(k, (0, 0))
        out[k] = (of + f, oc + c)
    return out


def pprof_view(go, args, sample, flags):
    """pprof -top's rows: name -> (flat, cum), every node, no edges cut
    (the inline marks depend on which edges are kept)."""
    out = subprocess.run([go, "tool", "pprof", "-top", "-nodefraction=0",
                          "-edgefraction=0", "-sample_index=" + sample] +
                         unit_flag(sample) + flags + args,
                         capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines():
        m = TOP_ROW.match(line)
        if m:
            rows[m.group(6).strip()] = (int(m.group(1)), int(m.group(4)))
    return {k: v for k, v in rows.items() if v != (0, 0)}


def our_view(binary, args, sample, by):
    out = subprocess.run([binary, "--by", by, "--format", "tsv", "-n", "0",
                          "-s", sample] + args, capture_output=True,
                         text=True, check=True).stdout
    lines = out.splitlines()
    name = lines[0].split("\t").index("name")
    rows = {}
    for line in lines[1:]:
        f = line.split("\t")
        rows[f[name]] = (int(f[0]), int(f[1]))
    return {k: v for k, v in rows.items() if v != (0, 0)}


def view_diff(a, b):
    out = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            out.append("\n    pprof %s ours %s  %s" % (a.get(k), b.get(k),
                                                       k[:160]))
        if len(out) > 5:
            break
    return "".join(out)


PEEK_NODE = re.compile(r"^\s*(-?\d+)\S*\s+\S+%\s+\S+%\s+(-?\d+)\S*\s+"
                       r"\S+%\s+\| (.*)$")
PEEK_EDGE = re.compile(r"^\s*(-?\d+)\S*\s+\S+%\s+\|   (.*)$")


def pprof_peek(go, args, sample, pattern):
    """pprof -peek's blocks: name -> (flat, cum, {caller: weight},
    {callee: weight}), every node and call kept."""
    out = subprocess.run([go, "tool", "pprof", "-peek=" + pattern,
                          "-nodefraction=0", "-edgefraction=0",
                          "-sample_index=" + sample] + unit_flag(sample) +
                         args, capture_output=True, text=True,
                         check=True).stdout
    blocks, into, node = {}, {}, None
    for line in out.splitlines():
        if line.startswith("---"):
            into, node = {}, None
            continue
        m = PEEK_NODE.match(line)
        if m:
            node = m.group(3).strip()
            blocks[node] = (int(m.group(1)), int(m.group(2)), into, {})
            continue
        m = PEEK_EDGE.match(line)
        if m:
            side = into if node is None else blocks[node][3]
            side[m.group(2).strip()] = int(m.group(1))
    return blocks


def our_peek(binary, args, sample, pattern):
    """Our --peek tsv (the calls) joined with our --by function view (the
    matching functions' flat and cum)."""
    out = subprocess.run([binary, "--peek", pattern, "--format", "tsv",
                          "-n", "0", "-s", sample] + args,
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    header = lines[0].split("\t")
    calls = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    key = "delta" if "delta" in header else "value"
    # pprof -peek names a node without -top's inline mark.
    blocks = {}
    for name, (flat, cum) in our_view(binary, args, sample,
                                      "function").items():
        name = INLINE_SUFFIX.sub("", name)
        if re.search(pattern, name):
            blocks[name] = (flat, cum, {}, {})
    for f in calls:
        side = 2 if f["direction"] == "caller" else 3
        blocks[INLINE_SUFFIX.sub("", f["function"])][side][f["name"]] = \
            int(f[key])
    return blocks


def ours(binary, args, single):
    out = subprocess.run([binary, "--format", "tsv", "--show-unchanged",
                          "-n", "0"] + args,
                         capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()
    header = rows[0].split("\t")
    base = collections.Counter()
    cur = collections.Counter()
    delta = {}
    for row in rows[1:]:
        f = dict(zip(header, row.split("\t")))
        if single:
            cur[f["stack"]] += int(f["value"])
            continue
        base[f["stack"]] += int(f["base"])
        cur[f["stack"]] += int(f["cur"])
        delta[f["stack"]] = int(f["delta"])
    return base, cur, delta


def nonzero(c):
    return {k: v for k, v in c.items() if v != 0}


def main():
    binary, src = sys.argv[1], sys.argv[2]
    work = sys.argv[3] if len(sys.argv) > 3 else "interop-work"
    go = shutil.which("go")
    if go is None:
        print("interop: go not found (install golang-go)", file=sys.stderr)
        return 1
    leak = os.path.join(src, "testdata", "leak")
    os.makedirs(work, exist_ok=True)
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s %s" % (name, detail))

    for b, c, types in PAIRS:
        bp = os.path.join(leak, b + ".pb.gz")
        cp = os.path.join(leak, c + ".pb.gz")
        # The current profile also as raw protobuf: same numbers.
        raw = os.path.join(work, c + ".pb")
        with gzip.open(cp, "rb") as fi, open(raw, "wb") as fo:
            fo.write(fi.read())
        for t in types:
            name = "%s->%s -s %s" % (b, c, t)
            pb, pc = pprof_stacks(go, ["-diff_base=" + bp, cp], t)
            tb = pprof_total(go, bp, t)
            tc = pprof_total(go, cp, t)
            # What pprof counts in its totals but not in -raw's stacks.
            pb[NOSTACK] += tb - sum(pb.values())
            pc[NOSTACK] += tc - sum(pc.values())
            pd = collections.Counter(pc)
            pd.subtract(pb)
            for cur_input in (cp, raw):
                ob, oc, od = ours(binary, ["-s", t, bp, cur_input], False)
                check(name + " base", nonzero(pb) == nonzero(ob),
                      diff_text(pb, ob))
                check(name + " cur", nonzero(pc) == nonzero(oc),
                      diff_text(pc, oc))
                check(name + " delta", nonzero(pd) == nonzero(od),
                      diff_text(pd, od))
                check(name + " totals",
                      (tb, tc) == (sum(ob.values()), sum(oc.values())),
                      "pprof %d->%d ours %d->%d" % (
                          tb, tc, sum(ob.values()), sum(oc.values())))
            if failed == 0:
                print("ok   %s: %d stacks, total %+d" % (
                    name, len(nonzero(pd)), sum(pd.values())))
    for f, types in SINGLES:
        p = os.path.join(leak, f + ".pb.gz")
        for t in types:
            name = "%s -s %s" % (f, t)
            _, pc = pprof_stacks(go, [p], t)
            pc[NOSTACK] += pprof_total(go, p, t) - sum(pc.values())
            _, oc, _ = ours(binary, ["-s", t, p], True)
            check(name, nonzero(pc) == nonzero(oc), diff_text(pc, oc))
            if failed == 0:
                print("ok   %s: %d stacks, total %d" % (
                    name, len(nonzero(pc)), sum(pc.values())))
    # Per-entry views: every function's, line's and file's flat and cum
    # delta equal pprof -top's (-lines, -files) on the same diff; names
    # with pprof's inline marks, except for files, whose marks pprof
    # takes from calls this view does not keep (compared without them).
    for b, c, types in PAIRS:
        bp = os.path.join(leak, b + ".pb.gz")
        cp = os.path.join(leak, c + ".pb.gz")
        for t in types:
            for by, flags in GRAINS:
                name = "%s->%s -s %s --by %s" % (b, c, t, by)
                want = pprof_view(go, ["-diff_base=" + bp, cp], t, flags)
                got = our_view(binary, [bp, cp], t, by)
                if by == "file":
                    want, got = strip_inline(want), strip_inline(got)
                check(name, want == got,
                      view_diff(want, got))
    for f, types in SINGLES:
        p = os.path.join(leak, f + ".pb.gz")
        for t in types:
            name = "%s -s %s --by function" % (f, t)
            want = pprof_view(go, [p], t, [])
            got = our_view(binary, [p], t, "function")
            check(name, want == got, view_diff(want, got))
    # Filters with pprof's meaning, every one in every view (stacks
    # against pprof -raw; functions, lines and files against pprof -top,
    # -lines, -files) for every pair and sample type. The comparisons are
    # independent: they run a few at a time.
    filters = [("focus", "reaper"), ("focus", "sql|pool"),
               ("focus", "proc\\.go"), ("ignore", "runtime\\.selectgo"),
               ("hide", "^runtime\\."), ("hide", "sync\\."),
               ("show", "main\\.|pool"), ("show_from", "connectionOpener|reaper"),
               ("show_from", "main\\.")]

    def filter_view(b, c, t, opt, pat, by, flags):
        bp = os.path.join(leak, b + ".pb.gz")
        cp = os.path.join(leak, c + ".pb.gz")
        name = "%s->%s -s %s --%s '%s' --by %s" % (b, c, t, opt, pat, by)
        theirs = ["-%s=%s" % (opt, pat), "-diff_base=" + bp, cp]
        mine = ["--" + opt.replace("_", "-"), pat]
        if by == "stack":
            pb, pc = pprof_stacks(go, theirs, t)
            pd = collections.Counter(pc)
            pd.subtract(pb)
            _, _, od = ours(binary, mine + ["-s", t, bp, cp], False)
            od = nonzero(od)
            od.pop(NOSTACK, None)
            return name, nonzero(pd) == od, diff_text(pd, od)
        want = pprof_view(go, theirs, t, flags)
        got = our_view(binary, mine + [bp, cp], t, by)
        if by == "file":
            want, got = strip_inline(want), strip_inline(got)
        return name, want == got, view_diff(want, got)

    jobs = [(b, c, t, opt, pat, by, flags)
            for b, c, types in PAIRS for t in types
            for opt, pat in filters
            for by, flags in [("stack", [])] + GRAINS]
    with concurrent.futures.ThreadPoolExecutor(
            max_workers=os.cpu_count() or 2) as pool:
        for name, ok, detail in pool.map(lambda j: filter_view(*j), jobs):
            check(name, ok, detail)
    # Merged sides (--base repeated, several current inputs): pprof merges
    # several sources into one profile; its merge of the bases, written
    # with -proto, is the base it diffs against.
    with tempfile.TemporaryDirectory() as tmp:
        for bases, curs, t in (
                (["goroutine-0", "goroutine-1"], ["goroutine-2"],
                 "goroutine"),
                (["heap-0"], ["heap-1", "heap-2"], "inuse_space"),
                (["allocs-0", "allocs-1"], ["allocs-2", "allocs-1"],
                 "alloc_objects"),
                (["block-0", "block-1"], ["block-2"], "delay")):
            bp = [os.path.join(leak, x + ".pb.gz") for x in bases]
            cp = [os.path.join(leak, x + ".pb.gz") for x in curs]
            merged = os.path.join(tmp, "base.pb.gz")
            with open(merged, "wb") as f:
                subprocess.run([go, "tool", "pprof", "-proto"] + bp,
                               stdout=f, stderr=subprocess.DEVNULL,
                               check=True)
            name = "--base %s %s -s %s" % (" --base ".join(bases),
                                           " ".join(curs), t)
            want = pprof_view(go, ["-diff_base=" + merged] + cp, t, [])
            mine = sum((["--base", b] for b in bp), []) + cp
            got = our_view(binary, mine, t, "function")
            check(name + " --by function", want == got,
                  view_diff(want, got))
            pb, pc = pprof_stacks(go, ["-diff_base=" + merged] + cp, t)
            pd = collections.Counter(pc)
            pd.subtract(pb)
            _, _, od = ours(binary, ["-s", t] + mine, False)
            od = nonzero(od)
            od.pop(NOSTACK, None)
            check(name + " stacks", nonzero(pd) == od, diff_text(pd, od))
    # --normalize: the current side scaled to the base's total, each
    # sample rounded, as pprof -normalize.
    normalized_rows = 0
    for b, c, t in (("goroutine-0", "goroutine-2", "goroutine"),
                    ("heap-0", "heap-2", "inuse_space"),
                    ("heap-1", "heap-2", "alloc_objects"),
                    ("allocs-0", "allocs-2", "alloc_space"),
                    ("block-0", "block-2", "delay"),
                    ("mutex-0", "mutex-2", "contentions")):
        bp = os.path.join(leak, b + ".pb.gz")
        cp = os.path.join(leak, c + ".pb.gz")
        name = "%s->%s -s %s --normalize" % (b, c, t)
        want = pprof_view(go, ["-normalize", "-diff_base=" + bp, cp], t, [])
        got = our_view(binary, ["--normalize", bp, cp], t, "function")
        check(name, want == got, view_diff(want, got))
        normalized_rows += len(want)
    # --format pprof: pprof reads the written profile as a diff and
    # prints the same per-function deltas (inline marks aside: each frame
    # is its own location there) and, with -raw, the same stacks.
    with tempfile.TemporaryDirectory() as tmp:
        for b, c, t, extra in (
                ("goroutine-0", "goroutine-2", "goroutine", []),
                ("heap-0", "heap-2", "inuse_space", []),
                ("allocs-1", "allocs-2", "alloc_objects", []),
                ("block-0", "block-2", "delay", []),
                ("cpu", None, "cpu", []),
                ("goroutine-0", "goroutine-2", "goroutine",
                 ["--tagroot", "handler", "--hide", "^runtime\\."])):
            paths = [os.path.join(leak, x + ".pb.gz") for x in (b, c) if x]
            out = os.path.join(tmp, "diff.pb.gz")
            with open(out, "wb") as f:
                subprocess.run([binary, "--format", "pprof", "-s", t] +
                               extra + paths, stdout=f, check=True)
            name = "%s -s %s %s--format pprof" % (
                "->".join(x for x in (b, c) if x), t,
                " ".join(extra) + " " if extra else "")
            want = strip_inline(our_view(binary, extra + paths, t,
                                         "function"))
            got = strip_inline(pprof_view(go, [out], t, []))
            check(name + " (pprof -top)", want == got and len(want) > 0,
                  view_diff(want, got))
            if extra:
                continue  # -raw prints label frames in its own way
            pb, pc = pprof_stacks(go, [out], t)
            pd = collections.Counter(pc)
            pd.subtract(pb)
            if c is None:
                od = ours(binary, ["-s", t] + paths, True)[1]
            else:
                od = ours(binary, ["-s", t] + paths, False)[2]
            od = nonzero(od)
            od.pop(NOSTACK, None)
            pd.pop(NOSTACK, None)
            check(name + " (pprof -raw)", nonzero(pd) == od,
                  diff_text(pd, od))
    # --drop-negative in the function view: pprof's -drop_negative.
    for b, c, t in (("goroutine-0", "goroutine-2", "goroutine"),
                    ("heap-0", "heap-2", "inuse_space"),
                    ("block-0", "block-2", "delay")):
        bp = os.path.join(leak, b + ".pb.gz")
        cp = os.path.join(leak, c + ".pb.gz")
        want = pprof_view(go, ["-drop_negative", "-diff_base=" + bp, cp], t,
                          [])
        got = our_view(binary, ["--drop-negative", bp, cp], t, "function")
        check("%s->%s -s %s --drop-negative" % (b, c, t),
              want == got and len(want) > 0, view_diff(want, got))
    # (mutex's shapes stay proportional: normalized, nothing changed)
    check("--normalize compared on some rows", normalized_rows > 20,
          " only %d rows" % normalized_rows)
    # Label filters (-tagfocus, -tagignore): patterns with and without a
    # key, and number ranges with and without units.
    for b, c, t, opt, spec in (
            ("goroutine-0", "goroutine-2", "goroutine", "tagfocus",
             "handler=job"),
            ("goroutine-0", "goroutine-2", "goroutine", "tagfocus", "job"),
            ("goroutine-0", "goroutine-2", "goroutine", "tagignore",
             "handler:j.b"),
            ("goroutine-0", "goroutine-2", "goroutine", "tagfocus",
             "worker=hash,nosuch"),
            ("goroutine-0", "goroutine-2", "goroutine", "tagfocus",
             "handler,worker"),
            ("heap-0", "heap-2", "inuse_space", "tagfocus", "bytes=1kb:"),
            ("heap-0", "heap-2", "inuse_space", "tagfocus", "48b"),
            ("heap-0", "heap-2", "inuse_space", "tagfocus", "bytes=48"),
            ("heap-0", "heap-2", "inuse_space", "tagignore", ":1kb"),
            ("heap-0", "heap-2", "inuse_space", "tagfocus", "1kb:2048"),
            ("allocs-0", "allocs-2", "alloc_space", "tagfocus",
             "bytes=64b:4kb"),
            ("cpu", None, "cpu", "tagfocus", "worker=hash"),
            ("cpu", None, "cpu", "tagignore", "hash")):
        paths = [os.path.join(leak, x + ".pb.gz") for x in (b, c) if x]
        theirs = (["-diff_base=" + paths[0], paths[1]] if c else paths)
        name = "%s -s %s --%s '%s'" % ("->".join(x for x in (b, c) if x), t,
                                       opt, spec)
        want = pprof_view(go, ["-%s=%s" % (opt, spec)] + theirs, t, [])
        got = our_view(binary, ["--" + opt, spec] + paths, t, "function")
        check(name, want == got, view_diff(want, got))
    # Labels as frames (-tagroot, -tagleaf), per function and per line.
    for args, t, opt, keys in (
            (["goroutine-0", "goroutine-2"], "goroutine", "tagroot",
             "handler"),
            (["goroutine-0", "goroutine-2"], "goroutine", "tagleaf",
             "handler,worker"),
            (["heap-0", "heap-2"], "inuse_space", "tagleaf", "bytes"),
            (["cpu"], "samples", "tagroot", "worker")):
        paths = [os.path.join(leak, a + ".pb.gz") for a in args]
        theirs = (["-diff_base=" + paths[0], paths[1]] if len(paths) == 2
                  else paths)
        for by, flags in GRAINS[:2]:
            name = "%s -s %s --%s %s --by %s" % ("->".join(args), t, opt,
                                                keys, by)
            want = pprof_view(go, ["-%s=%s" % (opt, keys)] + theirs, t,
                              flags)
            got = our_view(binary, ["--" + opt, keys] + paths, t, by)
            check(name, want == got, view_diff(want, got))
    # --peek: each matching function's flat and cum, and the weight of
    # every call into and out of it, as pprof -peek.
    for args, t, pat in (
            (["goroutine-0", "goroutine-2"], "goroutine", "selectgo|reaper"),
            (["goroutine-0", "goroutine-2"], "goroutine", "^runtime\\."),
            (["heap-0", "heap-2"], "inuse_space", "main\\."),
            (["allocs-0", "allocs-2"], "alloc_space", "main\\.|bytes"),
            (["block-0", "block-2"], "delay", "sync|chan"),
            (["cpu"], "cpu", "sha256|main\\.")):
        paths = [os.path.join(leak, a + ".pb.gz") for a in args]
        theirs = (["-diff_base=" + paths[0], paths[1]] if len(paths) == 2
                  else paths)
        name = "%s -s %s --peek '%s'" % ("->".join(args), t, pat)
        want = pprof_peek(go, theirs, t, pat)
        got = our_peek(binary, paths, t, pat)
        check(name, want == got and len(want) > 0,
              view_diff(want, got) or " (no entries matched)")
    # With no -s, both tools must pick the same sample type: pprof names
    # its choice in the "Type:" header line.
    for f in ("heap-2", "allocs-2", "goroutine-2", "cpu", "block-2"):
        p = os.path.join(leak, f + ".pb.gz")
        top = subprocess.run([go, "tool", "pprof", "-top", p],
                             capture_output=True, text=True,
                             check=True).stdout
        m = re.search(r"^Type: (\S+)$", top, re.M)
        chosen = m.group(1) if m else "?"
        mine = subprocess.run([binary, "-n", "1", p], capture_output=True,
                              text=True, check=True).stdout
        m2 = re.search(r"sample: (\S+) ", mine)
        check("%s default sample type" % f,
              m2 is not None and m2.group(1) == chosen,
              "pprof %s ours %s" % (chosen, m2.group(1) if m2 else "?"))
    print("interop: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def diff_text(a, b):
    a, b = nonzero(a), nonzero(b)
    out = []
    for k in sorted(set(a) | set(b)):
        if a.get(k, 0) != b.get(k, 0):
            out.append("\n    pprof %s ours %s  %s" % (
                a.get(k, 0), b.get(k, 0), k[:160]))
        if len(out) > 5:
            break
    return "".join(out)


if __name__ == "__main__":
    sys.exit(main())
