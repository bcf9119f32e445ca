#!/usr/bin/env python3
"""make_seeds.py - (re)write the seed inputs of tests/fuzz/corpus/.

    python3 tests/fuzz/make_seeds.py

corpus/decode/: copies (not links) of small real profiles from
testdata/leak/ (gzipped, and a few inflated to raw protobuf, which
mutates better), and of every corrupt input of testdata/bad/.
corpus/diff/: pairs of profiles in fuzz_diff's format: an option byte
0x80 (cut in the middle) and two raw profiles padded to equal length with
an unknown field (field 100), which decoders skip.

Inputs the fuzzers found are added by hand (minimized) as NAME-found-*;
this script leaves them alone.
"""
import glob
import gzip
import os
import sys
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pbenc import varint  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LEAK = os.path.join(ROOT, "testdata", "leak")
BAD = os.path.join(ROOT, "testdata", "bad")
GZ = ["mutex-0", "threadcreate-0", "block-0", "goroutine-0", "cpu",
      "heap-0"]
RAW = ["mutex-0", "goroutine-1"]
PAIRS = [("mutex-0", "mutex-1"), ("goroutine-0", "goroutine-2"),
         ("block-0", "block-2")]


def pad(data, n):
    """data followed by an unknown field 100 making it exactly n bytes."""
    if n == len(data):
        return data
    tag = varint(100 << 3 | 2)
    for k in range(n - len(data)):
        field = tag + varint(k) + b"\0" * k
        if len(data) + len(field) == n:
            return data + field
    raise ValueError("cannot pad %d to %d" % (len(data), n))


def raw(name):
    with gzip.open(os.path.join(LEAK, name + ".pb.gz")) as f:
        return f.read()


def put(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    dec = os.path.join(HERE, "corpus", "decode")
    dif = os.path.join(HERE, "corpus", "diff")
    os.makedirs(dec, exist_ok=True)
    os.makedirs(dif, exist_ok=True)
    for name in GZ:
        shutil.copyfile(os.path.join(LEAK, name + ".pb.gz"),
                        os.path.join(dec, "leak-%s.pb.gz" % name))
    for name in RAW:
        put(os.path.join(dec, "leak-%s.pb" % name), raw(name))
    for path in sorted(glob.glob(os.path.join(BAD, "*"))):
        base = os.path.basename(path)
        if base.endswith((".expect", ".py")):
            continue
        shutil.copyfile(path, os.path.join(dec, "bad-" + base))
    with open(os.path.join(BAD, "control-ok.pb"), "rb") as f:
        control = f.read()
    pairs = [(raw(a), raw(b), "%s+%s" % (a, b)) for a, b in PAIRS]
    pairs.append((control, control, "control+control"))
    for a, b, name in pairs:
        n = max(len(a), len(b)) + 4
        put(os.path.join(dif, "pair-%s" % name),
            b"\x80" + pad(a, n) + pad(b, n))


if __name__ == "__main__":
    main()
