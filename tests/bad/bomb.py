#!/usr/bin/env python3
"""bomb.py - write decompression bombs for the limit tests (test time only).

    bomb.py OUTDIR [KIND...]

Each bomb is ~300 MiB of protobuf gzipped into a few hundred KiB, streamed
through zlib.compressobj in 1 MiB chunks so that this generator itself
stays small. gzip header with mtime 0, so the output is deterministic.
Existing files of the right size are kept (the test is rerunnable fast).

Kinds (default: all):
  zeros     300 MiB of zero bytes: not protobuf at all (field number 0 at
            byte 0), so the decoder must stop at once, not inflate it all
  fields    a valid stream of 300 MiB: the sample types and strings of a
            profile, then time_nanos = 0 (bytes 48 00) over and over; only
            the size cap can stop it
  bigfield  one string_table entry that claims 300 MiB, then the zeros
  samples   32 MiB: a profile head, then the same empty sample (bytes
            12 00) over and over; run with --max-bytes 16M. Identical
            samples merge as they arrive, so memory must stay flat
  mappings  8 MiB of the mapping {id: 1} (bytes 1a 02 08 01), 2 million
            four-byte records that each decode to a struct; run with
            --max-bytes 8M, the decoded-table budget must stop it
  strings   8 MiB of empty strings (bytes 32 00): a valid profile whose
            string table is 4 million entries; run with --max-bytes 16M
  unknown   a profile head, then one unknown field (number 100) of
            200 MiB: skipped as it streams by, never buffered
  deep      one sample of 50 million location ids (1 MiB gzipped): refused
            at once by the depth limit, never expanded
  same      20 million identical one-frame samples (160 MiB): a valid
            profile that must merge as it streams, in flat memory
"""
import os
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pbenc import varint  # noqa: E402

MIB = 1 << 20
TOTAL = 300 * MIB
CHUNK = MIB
SIZES = {"samples": 32 * MIB, "mappings": 8 * MIB, "strings": 8 * MIB,
         "unknown": 200 * MIB, "deep": 50_000_000, "same": 20_000_000 * 8}
DEEP_IDS = 50_000_000


# sample_type {type: 1, unit: 2}, strings "", "space", "bytes".
PROFILE_HEAD = (b"\x0a\x04\x08\x01\x10\x02" + b"\x32\x00" +
                b"\x32\x05space" + b"\x32\x05bytes")
# ... plus string 3 "main.f", function {id 1, name 3} and location {id 1,
# line {function 1}}: one frame for the samples below.
FRAME_HEAD = (PROFILE_HEAD + b"\x32\x06main.f" +
              b"\x2a\x04\x08\x01\x10\x03" +
              b"\x22\x06\x08\x01\x22\x02\x08\x01")


def chunks(kind):
    """Yield the uncompressed stream of kind, about TOTAL bytes."""
    if kind == "zeros":
        head, unit = b"", b"\x00"
    elif kind == "fields":
        head, unit = PROFILE_HEAD, b"\x48\x00"
    elif kind == "bigfield":
        head, unit = b"\x32" + varint(TOTAL), b"\x00"
    elif kind == "samples":
        head, unit = PROFILE_HEAD, b"\x12\x00"
    elif kind == "mappings":
        head, unit = PROFILE_HEAD, b"\x1a\x02\x08\x01"
    elif kind == "strings":
        head, unit = PROFILE_HEAD, b"\x32\x00"
    elif kind == "unknown":
        head, unit = PROFILE_HEAD + varint(100 << 3 | 2) + varint(200 * MIB), \
            b"\x00"
    elif kind == "deep":
        # sample {location_id: [1] * DEEP_IDS (packed), value: [1]}
        ids = b"\x0a" + varint(DEEP_IDS)
        body_len = len(ids) + DEEP_IDS + 3
        head = FRAME_HEAD + b"\x12" + varint(body_len) + ids
        unit, tail = b"\x01", b"\x12\x01\x01"
    elif kind == "same":
        # sample {location_id: [1], value: [1]}, 8 bytes, over and over
        head, unit = FRAME_HEAD, b"\x12\x06\x0a\x01\x01\x12\x01\x01"
    else:
        raise SystemExit("bomb.py: unknown kind %r" % kind)
    yield head
    block = unit * (CHUNK // len(unit))
    left = SIZES.get(kind, TOTAL)
    while left > 0:
        yield block[:left] if left < len(block) else block
        left -= len(block)
    if kind == "deep":
        yield tail


def write(path, kind):
    tmp = path + ".tmp"
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + 15)  # gzip wrapper
    with open(tmp, "wb") as f:
        for c in chunks(kind):
            f.write(z.compress(c))
        f.write(z.flush())
    os.replace(tmp, path)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    outdir = sys.argv[1]
    kinds = sys.argv[2:] or ["zeros", "fields", "bigfield", "samples",
                             "mappings", "strings", "unknown", "deep", "same"]
    os.makedirs(outdir, exist_ok=True)
    for kind in kinds:
        path = os.path.join(outdir, "bomb-%s.pb.gz" % kind)
        if not os.path.exists(path):
            write(path, kind)
        print(path)


if __name__ == "__main__":
    main()
