#!/usr/bin/env python3
"""trend and --fail-if, checked against independent oracles.

The fixtures (testdata/trend/) are seven goroutine and heap snapshots of
one run of the leak program: two goroutine stacks grow by the same amount
every interval (the leak), a pool of churn goroutines comes and goes, and
a burst of goroutines appears once (a one-off jump). Checks:

- every row's series equals go tool pprof's value of that stack in each
  snapshot (-raw, aggregated by function names as the interop test does),
  and first, last, delta, grew, shrank, the least-squares slope per hour
  (from pprof's own Time: lines) and the score follow the documented
  formula, computed here independently;
- the two leaking stacks rank first, the jump below them, the churn not
  among the suspects, whatever the argument order, and a capture
  directory reads the same as its files;
- bad input: mixed types, an unreadable snapshot, a directory of two
  types without -t, duplicate times, one snapshot;
- --fail-if: exit 3 with an alerts section and one stderr line per
  breach, 0 when nothing breaches, 2 for a malformed condition, for the
  diff and for trend;
- hints: on the rows of the known leaks only, a hint column in tsv,
  none with --no-hints, and --signatures files (and their errors).

Usage: trend.py PPROFDIFF SRCDIR
"""
import datetime
import glob
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "interop"))
import interop  # noqa: E402

OPENER = "database/sql.(*DB).connectionOpener"
REAPER = "example.com/leakd/internal/pool.(*ConnPool).reaper"
BURST = "main.waitBurst"
CHURN = "main.churnWorker"

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def run(binary, args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([binary] + args, capture_output=True, text=True,
                          env=e)


def tsv_rows(out):
    lines = out.splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


def pprof_time(go, path):
    out = subprocess.run([go, "tool", "pprof", "-raw", path],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Time: (\d+-\d+-\d+ \d+:\d+:\d+)\.(\d+)", out, re.M)
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
    t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + int(m.group(2)) / 10 ** len(m.group(2))


def expected_stats(series, hours):
    """The documented statistics and score (without the size factor)."""
    n = len(series)
    steps = [series[i] - series[i - 1] for i in range(1, n)]
    up = sum(d for d in steps if d > 0)
    down = -sum(d for d in steps if d < 0)
    grew = sum(1 for d in steps if d > 0)
    shrank = sum(1 for d in steps if d < 0)
    net = series[-1] - series[0]
    shape = 0.0
    if net > 0:
        even = (net / (n - 1)) / max(steps)
        shape = (grew / (n - 1)) * (net / (up + down)) * math.sqrt(min(1, even))
    mx = sum(hours) / n
    my = sum(series) / n
    sxx = sum((h - mx) ** 2 for h in hours)
    sxy = sum((h - mx) * (v - my) for h, v in zip(hours, series))
    return {"grew": grew, "shrank": shrank, "delta": net,
            "first": series[0], "last": series[-1],
            "slope": sxy / sxx, "shape": shape}


def check_oracle(binary, go, files, kind, sample):
    """Every row of trend --all equals pprof's values, and the formula."""
    r = run(binary, ["trend", "--all", "-n", "0", "--format", "tsv",
                     "-s", sample] + files)
    check("%s oracle: exit 0" % kind, r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    rows = tsv_rows(r.stdout)
    times = [pprof_time(go, f) for f in files]
    order = sorted(range(len(files)), key=lambda i: times[i])
    hours = [(times[i] - times[order[0]]) / 3600 for i in order]
    per = []
    for i in order:
        stacks = interop.pprof_stacks(go, [files[i]], sample)[1]
        # pprof counts samples without a stack in its total, not in -raw.
        stacks[interop.NOSTACK] += (interop.pprof_total(go, files[i], sample)
                                    - sum(stacks.values()))
        per.append(stacks)
    stacks = {s for p in per for s, v in p.items() if v != 0}
    got = {row["stack"]: row for row in rows}
    check("%s oracle: one row per stack" % kind,
          set(got) == stacks, "%d rows, %d stacks" % (len(got), len(stacks)))
    exp = {}
    for s in stacks:
        series = [p.get(s, 0) for p in per]
        exp[s] = (series, expected_stats(series, hours))
    top = max(e["delta"] for _, e in exp.values() if e["shape"] > 0)
    bad = []
    for s, row in got.items():
        if s not in exp:
            continue
        series, e = exp[s]
        score = 100 * e["shape"] * e["delta"] / top if e["shape"] > 0 else 0
        ours = [int(v) for v in row["series"].split(",")]
        if ours != series:
            bad.append("%s series %s != pprof %s" % (s, ours, series))
            continue
        for k in ("delta", "first", "last", "grew", "shrank"):
            if int(row[k]) != e[k]:
                bad.append("%s %s %s != %s" % (s, k, row[k], e[k]))
        if abs(float(row["slope_per_hour"]) - e["slope"]) > \
                0.05 + 1e-6 * abs(e["slope"]):
            bad.append("%s slope %s != %.3f" % (s, row["slope_per_hour"],
                                                e["slope"]))
        if abs(float(row["score"]) - score) > 0.051:
            bad.append("%s score %s != %.2f" % (s, row["score"], score))
    check("%s oracle: %d rows equal pprof's series and the formula" %
          (kind, len(got)), not bad, "\n  " + "\n  ".join(bad[:5]))
    # Ranked by score, then delta.
    scores = [float(r["score"]) for r in rows]
    check("%s oracle: ranked by score" % kind,
          scores == sorted(scores, reverse=True))


def culprits(out):
    return [r["culprit"] for r in tsv_rows(out)]


def main():
    binary, src = sys.argv[1], sys.argv[2]
    go = shutil.which("go")
    if go is None:
        print("trend: go not found (install golang-go)", file=sys.stderr)
        return 1
    tdir = os.path.join(src, "testdata", "trend")
    gor = sorted(glob.glob(os.path.join(tdir, "goroutine-*.pb.gz")))
    heap = sorted(glob.glob(os.path.join(tdir, "heap-*.pb.gz")))
    leak = os.path.join(src, "testdata", "leak")
    check("fixtures: 7 goroutine and 7 heap snapshots",
          len(gor) == 7 and len(heap) == 7)

    check_oracle(binary, go, gor, "goroutine", "goroutine")
    check_oracle(binary, go, heap, "heap", "inuse_space")

    # The ranking, in any argument order, and from the directory.
    base = run(binary, ["trend", "--format", "tsv", "-n", "0"] + gor)
    first = culprits(base.stdout)
    check("rank: the two leaks first", sorted(first[:2]) ==
          sorted([OPENER, REAPER]), first[:4])
    check("rank: the one-off jump below them",
          BURST in first and first.index(BURST) >= 2, first)
    check("rank: churn is no suspect", CHURN not in first, first)
    rows = {r["culprit"]: r for r in tsv_rows(base.stdout)}
    check("rank: steady growth scores 100",
          rows.get(OPENER, {}).get("score") == "100.0", rows.get(OPENER))
    rng = random.Random(7)
    for k in range(3):
        shuffled = gor[:]
        rng.shuffle(shuffled)
        r = run(binary, ["trend", "--format", "tsv", "-n", "0"] + shuffled)
        check("rank: the same in shuffled order %d" % k,
              r.stdout == base.stdout, r.stderr)
    r = run(binary, ["trend", "--format", "tsv", "-n", "0", "-t",
                     "goroutine", tdir])
    check("directory: the same as its files", r.stdout == base.stdout,
          r.stderr)
    r = run(binary, ["trend", "--format", "tsv", "-n", "0", tdir])
    check("directory of two types without -t: exit 2 naming them",
          r.returncode == 2 and "goroutine, goroutine.debug1, goroutine.debug2, heap, heap.debug1" in r.stderr and
          "-t" in r.stderr, r.stderr)
    # Without profile times, the file names order them.
    r = run(binary, ["trend", "-n", "3"] + gor)
    check("text: says the order", "in profile time order" in r.stdout,
          r.stdout[:300])

    # Sparklines: Unicode blocks in UTF-8, ASCII otherwise.
    r = run(binary, ["trend", "-n", "1"] + gor, {"LC_ALL": "C.UTF-8"})
    check("sparkline: blocks under UTF-8", "\u2581" in r.stdout, r.stdout)
    r = run(binary, ["trend", "-n", "1"] + gor, {"LC_ALL": "C"})
    check("sparkline: ASCII under LANG=C",
          "\u2581" not in r.stdout and re.search(r"  _[_.:=+*#-]{5}#  ",
                                                 r.stdout) is not None,
          r.stdout)
    r = run(binary, ["trend", "--ascii", "-n", "1"] + gor,
            {"LC_ALL": "C.UTF-8"})
    check("sparkline: --ascii", "\u2581" not in r.stdout, r.stdout)

    # By function: the leak's functions by cum value.
    r = run(binary, ["trend", "--by", "function", "--cum", "--format",
                     "tsv", "-n", "0"] + gor)
    names = [row["stack"] for row in tsv_rows(r.stdout)]
    check("--by function --cum: exit 0", r.returncode == 0, r.stderr)
    check("--by function --cum: the leak's functions among the first",
          OPENER in names[:4] and REAPER in names[:4], names[:6])

    # JSON parses and carries the times.
    import json
    r = run(binary, ["trend", "--format", "json", "-n", "2"] + gor)
    try:
        doc = json.loads(r.stdout)
        ok = (len(doc["snapshots"]) == 7 and
              all(s["time"] for s in doc["snapshots"]) and
              len(doc["rows"]) == 2 and doc["rows"][0]["hint"])
    except (ValueError, KeyError, IndexError) as e:
        ok, doc = False, e
    check("json: snapshots with times, rows, hints", ok, str(doc)[:300])

    # Bad input.
    r = run(binary, ["trend", gor[0], heap[1], gor[2]])
    check("mixed types: exit 1 naming the odd one",
          r.returncode == 1 and heap[1] in r.stderr and
          "heap" in r.stderr and r.stdout == "", r.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "goroutine-20261129T234000Z.pb.gz")
        with open(bad, "wb") as f:
            f.write(b"\x1f\x8b\x08\x00garbage")
        r = run(binary, ["trend"] + gor[:3] + [bad] + gor[3:])
        check("unreadable snapshot: exit 1 naming it, no ranking",
              r.returncode == 1 and bad in r.stderr and r.stdout == "",
              r.stderr)
        r = run(binary, ["trend", tmp + "/nothing"] + gor[:1])
        check("missing snapshot: exit 1", r.returncode == 1, r.stderr)
    r = run(binary, ["trend", gor[0]])
    check("one snapshot: exit 2", r.returncode == 2, r.stderr)
    r = run(binary, ["trend", "--format", "tsv", "-n", "0", gor[0], gor[1],
                     gor[1], gor[2]])
    check("duplicate times: kept, and said so",
          r.returncode == 0 and "a time with the one before" in r.stderr, r.stderr)

    # --fail-if, trend.
    r = run(binary, ["trend", "--fail-if", "stack.delta>100", "-n", "3"] +
            gor)
    lines = [l for l in r.stderr.splitlines() if l.startswith("pprofdiff: "
                                                               "alert:")]
    check("trend --fail-if breached: exit 3, one stderr line, a section",
          r.returncode == 3 and len(lines) == 1 and "alerts (1 of 1 "
          "breached)" in r.stdout and "stack.delta>100" in lines[0],
          (r.returncode, r.stderr))
    r = run(binary, ["trend", "--fail-if", "stack.delta>1000",
                     "--fail-if", "total.growth>1000%", "--fail-if",
                     "stack.rate>1000000/h"] + gor)
    check("trend --fail-if not breached: exit 0", r.returncode == 0,
          (r.returncode, r.stderr))
    r = run(binary, ["trend", "--fail-if", "stack.rate>10000/h",
                     "--fail-if", "function.delta>200",
                     "--fail-if", "total.growth>300%", "--format", "tsv"] +
            gor)
    lines = [l for l in r.stderr.splitlines() if "alert:" in l]
    check("trend --fail-if three breaches: exit 3, three lines, tsv "
          "untouched", r.returncode == 3 and len(lines) == 3 and
          "alerts" not in r.stdout, (r.returncode, r.stderr))
    for bad_cond in ("stack.delta", "stack>5", "heap.delta>1",
                     "stack.size>1", "stack.growth>20", "stack.rate>5",
                     "stack.delta>1MiB", "total.rate>1/fortnight"):
        for cmd in (["trend"] + gor, [gor[0], gor[-1]]):
            r = run(binary, ["--fail-if", bad_cond] + cmd if cmd[0] !=
                    "trend" else ["trend", "--fail-if", bad_cond] + cmd[1:])
            check("malformed --fail-if %r (%s): exit 2 quoting it" %
                  (bad_cond, cmd[0] if cmd[0] == "trend" else "diff"),
                  r.returncode == 2 and bad_cond in r.stderr,
                  (r.returncode, r.stderr))

    # --fail-if, diff.
    g0 = os.path.join(leak, "goroutine-0.pb.gz")
    g2 = os.path.join(leak, "goroutine-2.pb.gz")
    r = run(binary, ["--fail-if", "stack.delta>100", g0, g2])
    check("diff --fail-if breached: exit 3 and a section",
          r.returncode == 3 and "BREACHED  stack.delta>100: +500 (" in
          r.stdout and "alert: stack.delta>100" in r.stderr,
          (r.returncode, r.stderr))
    r = run(binary, ["--fail-if", "stack.delta>500", g0, g2])
    check("diff --fail-if at the limit: exit 0", r.returncode == 0,
          (r.returncode, r.stderr))
    r = run(binary, ["--fail-if", "stack.delta>=500", g0, g2])
    check("diff --fail-if >=: exit 3", r.returncode == 3, r.stderr)
    r = run(binary, ["--fail-if", "total.growth>1600%", "-n", "1", g0, g2])
    check("diff total.growth: exit 3 (+1641%)", r.returncode == 3,
          r.stderr)
    r = run(binary, ["--fail-if", "total.growth>1700%", g0, g2])
    check("diff total.growth below: exit 0", r.returncode == 0, r.stderr)
    r = run(binary, ["--fail-if", "function.delta>999", "--hide-shrinking",
                     "-n", "1", g0, g2])
    check("diff function.delta (runtime.gopark +1001): exit 3",
          r.returncode == 3 and "runtime.gopark" in r.stderr, r.stderr)
    r = run(binary, ["--fail-if", "stack.rate>20000/h", g0, g2])
    check("diff stack.rate (+500 in 1 min): exit 3", r.returncode == 3,
          r.stderr)
    r = run(binary, ["--fail-if", "stack.delta>1KiB", g0, g2])
    check("diff: a byte threshold on a count profile: exit 2",
          r.returncode == 2 and "count" in r.stderr, r.stderr)
    h0 = os.path.join(leak, "heap-0.pb.gz")
    h2 = os.path.join(leak, "heap-2.pb.gz")
    r = run(binary, ["--fail-if", "stack.delta>256KiB", h0, h2])
    check("diff heap stack.delta>256KiB: exit 3", r.returncode == 3,
          r.stderr)
    r = run(binary, ["--fail-if", "stack.delta>8MiB", h0, h2])
    check("diff heap stack.delta>8MiB: exit 0", r.returncode == 0, r.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.txt")
        r = run(binary, ["--fail-if", "stack.delta>1", "-o", out, g0, g2])
        check("diff --fail-if with -o: exit 3, the file written",
              r.returncode == 3 and os.path.exists(out) and
              "alerts" in open(out).read(), r.stderr)

    # Hints on the right rows only.
    r = run(binary, ["trend", "--format", "tsv", "-n", "0", "--all"] + gor)
    hints = {row["culprit"]: row["hint"] for row in tsv_rows(r.stdout)}
    check("hints: the sql.DB row", "sql.DB" in hints.get(OPENER, ""),
          hints.get(OPENER))
    check("hints: the reaper row", "reaper" in hints.get(REAPER, ""),
          hints.get(REAPER))
    check("hints: churn and the shrinking rows have none",
          hints.get(CHURN) == "", hints.get(CHURN))
    hinted = sorted(k for k, v in hints.items() if v)
    check("hints: only the leaks and the parked burst",
          hinted == sorted([OPENER, REAPER, BURST]), hinted)
    r = run(binary, ["--format", "tsv", h0, h2])
    hh = {row["culprit"]: row["hint"] for row in tsv_rows(r.stdout)}
    check("hints: runtime.malg in a heap diff",
          "goroutines are leaking" in hh.get("runtime.malg", ""),
          hh.get("runtime.malg"))
    r = run(binary, ["--no-hints", "--format", "tsv", g0, g2])
    check("--no-hints: no hint column",
          r.stdout.splitlines()[0].split("\t")[-1] == "growth", r.stdout[:80])
    r = run(binary, ["--no-hints", g0, g2])
    check("--no-hints: no hint lines", "hint:" not in r.stdout)
    with tempfile.TemporaryDirectory() as tmp:
        sig = os.path.join(tmp, "sigs")
        with open(sig, "w") as f:
            f.write("# our own\n\ngoroutine\tmain\\.waitBurst$\t"
                    "burst workers never stopped\n"
                    "heap\tmain\\.waitBurst\tnot for goroutines\n")
        r = run(binary, ["trend", "--signatures", sig, "--format", "tsv",
                         "-n", "0"] + gor)
        hints = {row["culprit"]: row["hint"] for row in tsv_rows(r.stdout)}
        check("--signatures: a file's entry wins",
              hints.get(BURST) == "burst workers never stopped", hints)
        with open(sig, "w") as f:
            f.write("goroutine\tmain\\.x\n")
        r = run(binary, ["--signatures", sig, g0, g2])
        check("--signatures malformed: exit 2 naming FILE:LINE",
              r.returncode == 2 and sig + ":1" in r.stderr, r.stderr)
        with open(sig, "w") as f:
            f.write("*\tmain\\.(\tbad pattern\n")
        r = run(binary, ["--signatures", sig, g0, g2])
        check("--signatures bad pattern: exit 2 naming FILE:LINE",
              r.returncode == 2 and sig + ":1" in r.stderr, r.stderr)
        r = run(binary, ["--signatures", tmp + "/none", g0, g2])
        check("--signatures missing: exit 1", r.returncode == 1, r.stderr)

    print("trend: %d checks passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
