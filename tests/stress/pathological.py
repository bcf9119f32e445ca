#!/usr/bin/env python3
"""Pathological but valid inputs finish quickly and correctly.

Builds, with a tiny protobuf writer, (1) a profile whose one sample has a
stack 200,000 frames deep, (2) a profile of 1,000,000 samples over 1,000
distinct stacks (so merging does real work), and one whose 4,000,000
repeats only start after 70,000 distinct samples, and (3) 300,000 distinct
samples against a base holding half of them (also written as a pprof
profile, in the memory of the diff alone), then (4) merges 50 copies
of each side of (3) (100 inputs): the totals must be 50 times theirs,
and the peak memory that of a few inputs, not of a hundred. Each runs
under a time limit; the numbers printed must be the ones the inputs
imply.

Usage: pathological.py PPROFDIFF WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pbenc import f_bytes, f_packed, f_varint  # noqa: E402


def profile(nfuncs, samples):
    """samples: iterable of (location ids leaf first, value)."""
    strings = ["", "samples", "count"] + ["f%d" % i for i in range(nfuncs)]
    out = bytearray()
    out += f_bytes(1, f_varint(1, 1) + f_varint(2, 2))
    for i in range(nfuncs):
        out += f_bytes(5, f_varint(1, i + 1) +
                           f_varint(2, 3 + i))
        out += f_bytes(4, f_varint(1, i + 1) +
                           f_bytes(4, f_varint(1, i + 1)))
    for locs, value in samples:
        out += f_bytes(2, f_packed(1, locs) + f_packed(2, [value]))
    for s in strings:
        out += f_bytes(6, s.encode())
    return bytes(out)


def run(binary, args, limit):
    return subprocess.run([binary] + args, capture_output=True, text=True,
                          timeout=limit)


# Runs a command and prints its exit status and peak RSS (KiB): a child's
# ru_maxrss, measured in a fresh process so no earlier child counts.
PEAK = """
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE,
                   stderr=subprocess.DEVNULL)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stdout.write(r.stdout.decode())
"""


def run_peak(binary, args, limit):
    """(exit status, peak RSS in KiB, stdout lines) of binary args."""
    out = subprocess.run([sys.executable, "-c", PEAK, binary] + args,
                         capture_output=True, text=True, timeout=limit)
    head, _, rest = out.stdout.partition("\n")
    rc, peak = head.split()
    return int(rc), int(peak), rest.splitlines()


def main():
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s %s" % (name, detail[:2000]))

    deep = os.path.join(work, "deep.pb")
    with open(deep, "wb") as f:
        f.write(profile(1000, [([1 + i % 1000 for i in range(200000)], 7)]))
    r = run(binary, ["--format", "tsv", deep], 60)
    rows = r.stdout.splitlines()
    check("deep stack: exit 0", r.returncode == 0, r.stderr)
    check("deep stack: one row", len(rows) == 2, str(len(rows)))
    if len(rows) == 2:
        value, stack = rows[1].split("\t")[:2]
        check("deep stack: value", value == "7", value)
        check("deep stack: 200000 frames", stack.count(";") == 199999,
              str(stack.count(";")))

    many = os.path.join(work, "many.pb")
    with open(many, "wb") as f:
        f.write(profile(100, (([1 + i % 1000 % 100, 1 + i % 1000 // 100],
                               1) for i in range(1000000))))
    r = run(binary, ["--format", "tsv", many], 60)
    rows = r.stdout.splitlines()[1:]
    check("1M samples: exit 0", r.returncode == 0, r.stderr)
    check("1M samples: 1000 stacks", len(rows) == 1000, str(len(rows)))
    check("1M samples: each 1000",
          all(row.split("\t")[0] == "1000" for row in rows))

    # Repeats that start late: 70,000 distinct samples (a first batch
    # with nothing to merge), then 4,000,000 that alternate between two
    # of them (appended after the tables: a profile's fields come in any
    # order). Merging must come back, so memory stays bounded, and the
    # values must add up.
    late = os.path.join(work, "late.pb")
    stacks3 = [[1 + i % 97, 1 + i // 97 % 89, 1 + i // 8633 % 83]
               for i in range(70000)]
    pair = b"".join(f_bytes(2, f_packed(1, stacks3[k]) + f_packed(2, [1]))
                    for k in (0, 1))
    with open(late, "wb") as f:
        f.write(profile(97, [(s3, 1) for s3 in stacks3]) + pair * 2000000)
    rc, peak_late, rows = run_peak(binary, ["--format", "tsv", late], 120)
    rows = [row.split("\t") for row in rows[1:]]
    check("late repeats: exit 0", rc == 0, str(rc))
    check("late repeats: rows", len(rows) == 70000, str(len(rows)))
    check("late repeats: total",
          sum(int(row[0]) for row in rows) == 4070000,
          str(sum(int(row[0]) for row in rows)))
    check("late repeats: the two stacks",
          sorted(int(row[0]) for row in rows)[-2:] == [2000001, 2000001],
          str(sorted(int(row[0]) for row in rows)[-2:]))
    if os.environ.get("PPD_SANITIZE") != "1":
        check("late repeats: bounded memory", peak_late < 96 * 1024,
              "%d KiB" % peak_late)

    # A late repeat with a negative value: totals of absolute values are
    # pprof's over merged samples (|5 - 3|, not |5| + |-3|), so merging
    # must not stop when a value is negative.
    neg = os.path.join(work, "neg.pb")
    with open(neg, "wb") as f:
        f.write(profile(97, [(s3, 5 if i == 0 else 1)
                             for i, s3 in enumerate(stacks3)]) +
                f_bytes(2, f_packed(1, stacks3[0]) + f_packed(2, [-3])))
    r = run(binary, [neg], 60)
    check("late negative repeat: merged total",
          "total:   70001 in 70000 stacks" in r.stdout, r.stdout[:300])

    base = os.path.join(work, "base.pb")
    cur = os.path.join(work, "cur.pb")
    stacks = [[1 + i % 97, 1 + i // 97 % 89, 1 + i // 8633 % 83]
              for i in range(300000)]
    with open(base, "wb") as f:
        f.write(profile(97, ((s, 2) for s in stacks[:150000])))
    with open(cur, "wb") as f:
        f.write(profile(97, ((s, 3) for s in stacks)))
    r = run(binary, ["--format", "tsv", "--show-unchanged", base, cur], 60)
    rows = [row.split("\t") for row in r.stdout.splitlines()[1:]]
    check("300k diff: exit 0", r.returncode == 0, r.stderr)
    distinct = len({tuple(s) for s in stacks})
    check("300k diff: rows", len(rows) == distinct,
          "%d != %d" % (len(rows), distinct))
    total = sum(int(row[0]) for row in rows)
    check("300k diff: total delta", total == 3 * 300000 - 2 * 150000,
          str(total))

    # --format pprof is encoded straight into the gzip stream: its peak is
    # the diff's own, not that plus a message of every stack. Read back,
    # the profile holds the delta.
    out = os.path.join(work, "diff.pb.gz")
    rc0, peak0, _ = run_peak(binary, [base, cur], 120)
    rc1, peak1, _ = run_peak(binary, ["--format", "pprof", "-o", out, base,
                                      cur], 120)
    check("300k pprof: exit 0", rc0 == 0 and rc1 == 0, "%d %d" % (rc0, rc1))
    r = run(binary, ["--format", "tsv", out], 60)
    total = sum(int(row.split("\t")[0]) for row in r.stdout.splitlines()[1:])
    check("300k pprof: delta read back", total == 3 * 300000 - 2 * 150000,
          str(total))
    if os.environ.get("PPD_SANITIZE") != "1":
        check("300k pprof: peak memory of the diff",
              peak1 < peak0 * 5 // 4 + 8192,
              "%d KiB with --format pprof, %d KiB without" % (peak1, peak0))

    # Merged sides: 100 inputs, more than any fixed cap, two decoded at
    # once (-j 2). Each is added and freed in turn, so the peak is about
    # that of the plain diff (the accumulator, and the inputs in flight
    # and held), not 50 times it.
    args = ["-j", "2", "--format", "tsv", "--show-unchanged"]
    rc2, peak2, _ = run_peak(binary, args + [base, cur], 120)
    many = sum((["--base", base] for _ in range(50)), []) + [cur] * 50
    rc, peak, rows = run_peak(binary, args + many, 300)
    rows = [row.split("\t") for row in rows[1:]]
    check("100 inputs: exit 0", rc == 0 and rc2 == 0, "%d %d" % (rc, rc2))
    check("100 inputs: base total",
          sum(int(row[1]) for row in rows) == 50 * 2 * 150000,
          str(sum(int(row[1]) for row in rows)))
    check("100 inputs: cur total",
          sum(int(row[2]) for row in rows) == 50 * 3 * 300000,
          str(sum(int(row[2]) for row in rows)))
    # --normalize takes every total in a first pass, in the same bound:
    # the current side scaled to the base's total (a third).
    rcn, peakn, rowsn = run_peak(binary, args + ["--normalize"] + many, 300)
    rowsn = [row.split("\t") for row in rowsn[1:]]
    check("100 inputs --normalize: exit 0", rcn == 0, str(rcn))
    check("100 inputs --normalize: cur scaled to the base",
          sum(int(row[2]) for row in rowsn) == 50 * 300000,
          str(sum(int(row[2]) for row in rowsn)))
    if os.environ.get("PPD_SANITIZE") == "1":
        print("100 inputs: peak %d KiB (%d KiB with --normalize), 2 inputs "
              "%d KiB (not checked: sanitizer build)" % (peak, peakn, peak2))
    else:
        check("100 inputs: peak memory of a few inputs",
              peak < 2 * peak2 + 16384,
              "%d KiB with 100 inputs, %d KiB with 2" % (peak, peak2))
        check("100 inputs --normalize: peak memory of a few inputs",
              peakn < 2 * peak2 + 16384,
              "%d KiB with 100 inputs, %d KiB with 2" % (peakn, peak2))

    print("pathological: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
