#!/usr/bin/env python3
"""Every output format carries the same rows and numbers.

For each fixture pair (and one single profile), the rows of --format
tsv are the reference; csv, json and folded (stack view) and csv and
json (--by function) must hold exactly the same stacks or entries with
the same numbers. Layouts are pinned byte for byte by the golden tests;
this pins that they agree.

Usage: formats.py PPROFDIFF SRCDIR
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

PAIRS = [("goroutine-0", "goroutine-2"), ("heap-0", "heap-2"),
         ("block-0", "block-2"), ("cpu", None)]


def run(binary, args):
    return subprocess.run([binary] + args, capture_output=True, text=True,
                          check=True).stdout


def main():
    binary, src = sys.argv[1], sys.argv[2]
    leak = os.path.join(src, "testdata", "leak")
    failed = passed = 0
    for b, c in PAIRS:
        inputs = [os.path.join(leak, b + ".pb.gz")]
        if c:
            inputs.append(os.path.join(leak, c + ".pb.gz"))
        base = ["-n", "0", "--show-unchanged"] + inputs
        tsv = list(csv.DictReader(io.StringIO(run(binary, ["--format", "tsv"]
                                                       + base)),
                                  delimiter="\t"))
        key = "delta" if c else "value"
        want = sorted((r["stack"], int(r[key])) for r in tsv)
        got_csv = sorted((r["stack"], int(r[key])) for r in csv.DictReader(
            io.StringIO(run(binary, ["--format", "csv"] + base))))
        doc = json.loads(run(binary, ["--format", "json"] + base))
        got_json = sorted((";".join(reversed(r["stack"])) or "(no stack)",
                           r["delta"]) for r in doc["rows"])
        # folded: the delta (stacks with one), or both values (every stack).
        folded = {}
        for line in run(binary, ["--format", "folded"] + inputs).splitlines():
            stack, val = line.rsplit(" ", 1)
            folded[stack] = int(val)
        want_folded = {s: v for s, v in want if s != "(no stack)" and v}
        both = {}
        for line in run(binary, ["--format", "folded", "--folded-value",
                                 "both"] + inputs).splitlines():
            stack, *vals = line.rsplit(" ", 2 if c else 1)
            both[stack] = int(vals[-1]) - (int(vals[0]) if c else 0)
        want_both = {s: v for s, v in want if s != "(no stack)"}
        cur = {}
        for line in run(binary, ["--format", "folded", "--folded-value",
                                 "cur"] + inputs).splitlines():
            stack, val = line.rsplit(" ", 1)
            cur[stack] = int(val)
        want_cur = {r["stack"]: int(r["cur" if c else "value"]) for r in tsv
                    if r["stack"] != "(no stack)" and
                    int(r["cur" if c else "value"])}
        for name, ok in (("csv", got_csv == want), ("json", got_json == want),
                         ("folded", folded == want_folded),
                         ("folded both", both == want_both),
                         ("folded cur", cur == want_cur)):
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL %s %s: rows differ from tsv" % (b, name))
        # The function view: csv and json against tsv.
        vt = list(csv.DictReader(io.StringIO(run(
            binary, ["--by", "function", "--format", "tsv"] + base)),
            delimiter="\t"))
        vw = sorted((r["name"], int(r["flat"]), int(r["cum"])) for r in vt)
        vc = sorted((r["name"], int(r["flat"]), int(r["cum"])) for r in
                    csv.DictReader(io.StringIO(run(
                        binary, ["--by", "function", "--format", "csv"] +
                        base))))
        vd = json.loads(run(binary, ["--by", "function", "--format", "json"]
                            + base))
        vj = sorted((r["name"] + {"none": "", "inline": " (inline)",
                                  "partial-inline": " (partial-inline)"}[
                                      r["inline"]], r["flat"], r["cum"])
                    for r in vd["rows"])
        for name, ok in (("view csv", vc == vw), ("view json", vj == vw)):
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL %s %s: rows differ from tsv" % (b, name))
    # --peek: the text blocks hold the tsv calls, in the same order.
    leak2 = [os.path.join(leak, f + ".pb.gz")
             for f in ("goroutine-0", "goroutine-2")]
    for pat in ("selectgo|reaper", "^runtime\\.", "sha256|main\\."):
        args = ["--peek", pat, "-n", "0"] + leak2
        want = []
        for r in csv.DictReader(io.StringIO(run(
                binary, ["--format", "tsv"] + args)), delimiter="\t"):
            arrow = "<- " if r["direction"] == "caller" else "-> "
            want.append((arrow + r["name"], int(r["delta"]), int(r["cur"])))
        got = []
        lines = run(binary, args).splitlines()
        start = next(i for i, l in enumerate(lines) if l.startswith("rank "))
        for line in lines[start + 1:]:
            for arrow in ("  <- ", "  -> "):
                if arrow in line:
                    nums, name = line.split(arrow, 1)
                    cum, cur = nums.split()
                    got.append((arrow.strip() + " " + name, int(cum),
                                int(cur)))
                    break
        if got == want and want:
            passed += 1
        else:
            failed += 1
            print("FAIL --peek '%s': text blocks differ from tsv" % pat)
    # Noise floors: the rows kept are exactly those at or above the floor
    # (--min-delta with a unit; --min-percent of the base total).
    heap = [os.path.join(leak, f + ".pb.gz") for f in ("heap-0", "heap-2")]
    for floor_args, floor, inputs in (
            (["--min-delta", "100KiB"], 102400, heap),
            (["--min-delta", "2"], 2, leak2),
            (["--min-percent", "50"], 31, leak2)):   # 50 % of 61
        full = list(csv.DictReader(io.StringIO(run(
            binary, ["--format", "tsv", "-n", "0"] + inputs)),
            delimiter="\t"))
        cut = list(csv.DictReader(io.StringIO(run(
            binary, ["--format", "tsv", "-n", "0"] + floor_args + inputs)),
            delimiter="\t"))
        expect = [r for r in full if abs(int(r["delta"])) >= floor]
        vfull = list(csv.DictReader(io.StringIO(run(
            binary, ["--by", "function", "--format", "tsv", "-n", "0"] +
            inputs)), delimiter="\t"))
        vcut = list(csv.DictReader(io.StringIO(run(
            binary, ["--by", "function", "--format", "tsv", "-n", "0"] +
            floor_args + inputs)), delimiter="\t"))
        vexpect = [r for r in vfull if abs(int(r["flat"])) >= floor or
                   abs(int(r["cum"])) >= floor]
        ok = (cut == expect and 0 < len(cut) < len(full) and
              vcut == vexpect and 0 < len(vcut) < len(vfull))
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: rows differ from the full list cut at %d" %
                  (" ".join(floor_args), floor))
    # -o FILE: the same bytes as stdout, and nothing else left behind.
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("text", "tsv", "json"):
            dst = os.path.join(tmp, "out." + fmt)
            args = ["--format", fmt] + leak2
            run(binary, ["-o", dst] + args)
            with open(dst, encoding="utf-8") as f:
                same = f.read() == run(binary, args)
            if same and set(os.listdir(tmp)) <= {"out.text", "out.tsv",
                                                 "out.json"}:
                passed += 1
            else:
                failed += 1
                print("FAIL -o %s: file differs from stdout or a temporary "
                      "file is left: %s" % (fmt, os.listdir(tmp)))
    print("formats: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
