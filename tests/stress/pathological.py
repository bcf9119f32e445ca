#!/usr/bin/env python3
"""Pathological but valid inputs finish quickly and correctly.

Builds, with a tiny protobuf writer, (1) a profile whose one sample has a
stack 200,000 frames deep, (2) a profile of 1,000,000 samples over 1,000
distinct stacks (so merging does real work), and (3) 300,000 distinct
samples against a base holding half of them. Each runs under a time
limit; the numbers printed must be the ones the inputs imply.

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

    print("pathological: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
