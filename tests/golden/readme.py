#!/usr/bin/env python3
"""The README's examples print what the README shows.

Every fenced block whose first line is `$ pprofdiff ARGS` (inputs from
testdata/) is run from the source directory, and its output must equal
the rest of the block. The block under "Reading the output" is the
output of the quick start's first command, whose diff is run the same
way.

Usage: readme.py PPROFDIFF SRCDIR
"""
import os
import re
import shlex
import subprocess
import sys

QUICK = re.compile(r"&& build/pprofdiff (\S+ \S+)\n")


def blocks(text):
    """(first line, rest) of every fenced block."""
    for m in re.finditer(r"^```[a-z]*\n(.*?)^```$", text, re.M | re.S):
        body = m.group(1)
        first, _, rest = body.partition("\n")
        yield m.start(), first, rest


def main():
    binary, src = sys.argv[1], sys.argv[2]
    text = open(src + "/README.md", encoding="utf-8").read()
    cases = []
    for _, first, rest in blocks(text):
        if first.startswith("$ pprofdiff "):
            cases.append((first[2:], shlex.split(first)[2:], rest))
    reading = text.index("## Reading the output")
    quick = QUICK.search(text)
    if quick is None:
        print("FAIL: the quick start's diff command was not found")
        return 1
    # The first block after the heading is that command's whole output.
    first, rest = next((f, r) for at, f, r in blocks(text) if at > reading)
    cases.append(("quick start: pprofdiff " + quick.group(1),
                  quick.group(1).split(), first + "\n" + rest))
    failed = 0
    for name, args, want in cases:
        # As a UTF-8 terminal shows it (sparklines are ASCII otherwise).
        env = dict(os.environ, LC_ALL="C.UTF-8")
        got = subprocess.run([binary] + args, cwd=src, capture_output=True,
                             text=True, env=env).stdout
        if got != want:
            failed += 1
            print("FAIL %s" % name)
            for w, g in zip(want.splitlines() + [""] * 99,
                            got.splitlines()):
                if w != g:
                    print("  README: %s\n  output: %s" % (w, g))
                    break
        else:
            print("ok   %s" % name)
    print("readme: %d examples, %d failed" % (len(cases), failed))
    return 1 if failed or len(cases) < 3 else 0


if __name__ == "__main__":
    sys.exit(main())
