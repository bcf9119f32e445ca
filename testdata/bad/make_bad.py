#!/usr/bin/env python3
"""make_bad.py - write the corrupt inputs of testdata/bad/.

Each file has exactly one defect; everything else about it is valid, so
the error pprofdiff reports is the defect and nothing else. The protobuf
cases are encoded by hand (a tiny encoder below) from one small, valid
heap-like profile, control-ok.pb, which must decode cleanly.

Deterministic: fixed random seed, gzip with mtime 0 and no file name.
Python 3 standard library only. Run from anywhere:

    python3 testdata/bad/make_bad.py

The expected results (NAME.expect) are written by hand, not by this
script: line 1 the exit status, then the exact stderr lines.
"""
import gzip
import io
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LEAK = os.path.join(ROOT, "testdata", "leak")
sys.path.insert(0, os.path.join(ROOT, "tests"))
from pbenc import f_bytes, f_packed, f_varint, tag, varint  # noqa: E402


# ---- Profile records, with the shared encoder (tests/pbenc.py). ----

def value_type(t, u):
    return f_varint(1, t) + f_varint(2, u)


def label(key, s=0, num=0, unit=0):
    out = f_varint(1, key)
    if s:
        out += f_varint(2, s)
    if num:
        out += f_varint(3, num)
    if unit:
        out += f_varint(4, unit)
    return out


def sample(locs, values, labels=()):
    out = b""
    if locs:
        out += f_packed(1, locs)
    if values:
        out += f_packed(2, values)
    for lb in labels:
        out += f_bytes(3, lb)
    return out


def mapping(mid, start, limit, filename):
    return (f_varint(1, mid) + f_varint(2, start) + f_varint(3, limit) +
            f_varint(5, filename) + f_varint(7, 1))


def line(function_id, lineno):
    return f_varint(1, function_id) + f_varint(2, lineno)


def location(lid, mapping_id, address, lines):
    out = f_varint(1, lid)
    if mapping_id:
        out += f_varint(2, mapping_id)
    out += f_varint(3, address)
    for ln in lines:
        out += f_bytes(4, ln)
    return out


def function(fid, name, filename):
    return f_varint(1, fid) + f_varint(2, name) + f_varint(4, filename)


# ---- The control profile and its one-defect variants. ----

STRINGS = ["", "alloc_space", "bytes", "inuse_space", "main.leak",
           "main.go", "main.main", "/bin/app", "handler", "job", "space"]
S = {s: i for i, s in enumerate(STRINGS)}


def control():
    """The parts of a small valid profile, as a dict of field lists.

    Order on the wire: sample types, samples, mappings, locations,
    functions, string table, scalars (as Go writes them).
    """
    return {
        "sample_type": [value_type(S["alloc_space"], S["bytes"]),
                        value_type(S["inuse_space"], S["bytes"])],
        "sample": [sample([1, 2], [4096, 1024],
                          [label(S["handler"], S["job"])]),
                   sample([2], [512, 0])],
        "mapping": [mapping(1, 0x400000, 0x800000, S["/bin/app"])],
        "location": [location(1, 1, 0x401000, [line(1, 10)]),
                     location(2, 1, 0x402000, [line(2, 20)])],
        "function": [function(1, S["main.leak"], S["main.go"]),
                     function(2, S["main.main"], S["main.go"])],
        "string_table": [s.encode() for s in STRINGS],
        "tail": (f_varint(9, 1700000000000000000) +
                 f_bytes(11, value_type(S["space"], S["bytes"])) +
                 f_varint(12, 524288)),
    }


FIELDS = [("sample_type", 1), ("sample", 2), ("mapping", 3),
          ("location", 4), ("function", 5), ("string_table", 6)]


def encode(parts):
    out = b""
    for name, num in FIELDS:
        for item in parts[name]:
            out += f_bytes(num, item)
    return out + parts["tail"]


def variant(**changes):
    parts = control()
    parts.update(changes)
    return encode(parts)


def proto_cases():
    c = control()
    loc_undef_fn = [c["location"][0],
                    location(2, 1, 0x402000, [line(9, 20)])]
    return {
        # The control: must decode (exit 0).
        "control-ok.pb": encode(c),
        # sample_type 1's unit is string 42 of 11.
        "strindex-sampletype.pb": variant(sample_type=[
            c["sample_type"][0], value_type(S["inuse_space"], 42)]),
        # function 1 (id 2) is named by string 99.
        "strindex-function.pb": variant(function=[
            c["function"][0], function(2, 99, S["main.go"])]),
        # sample 1's label value is string 77.
        "strindex-label.pb": variant(sample=[
            c["sample"][0],
            sample([2], [512, 0], [label(S["handler"], 77)])]),
        # location 1 (id 2) calls function id 9, which is not defined.
        "undef-function.pb": variant(location=loc_undef_fn),
        # sample 1 has location id 5, which is not defined.
        "undef-location.pb": variant(sample=[
            c["sample"][0], sample([5, 2], [512, 0])]),
        # location 1 (id 2) is in mapping id 3, which is not defined.
        "undef-mapping.pb": variant(location=[
            c["location"][0],
            location(2, 3, 0x402000, [line(2, 20)])]),
        # sample 1 has 1 value, the profile 2 sample types.
        "value-count.pb": variant(sample=[
            c["sample"][0], sample([2], [512])]),
        # the string table entry 0 is "x".
        "str0-nonempty.pb": variant(
            string_table=[b"x"] + c["string_table"][1:]),
        # no string table at all (everything else refers to it).
        "strtab-empty.pb": variant(string_table=[]),
        # no sample types; the samples then carry 0 values each, so that
        # the only defect is the missing sample types.
        "no-sample-types.pb": variant(sample_type=[], sample=[
            sample([1, 2], []), sample([2], [])]),
        # two locations with id 1 (the second was id 2; the samples use
        # only id 1 so that nothing is undefined).
        "dup-location.pb": variant(
            location=[c["location"][0],
                      location(1, 1, 0x402000, [line(2, 20)])],
            sample=[sample([1], [4096, 1024])]),
        # location 0 has id 0 (the samples use only id 2).
        "location-id0.pb": variant(
            location=[location(0, 1, 0x401000, [line(1, 10)]),
                      c["location"][1]],
            sample=[sample([2], [512, 0])]),
        # a third sample_type (field 1) at the end, sent as a varint
        # instead of a message.
        "wiretype.pb": encode(c) + f_varint(1, 3),
        # time_nanos (field 9) at the end as an 11-byte varint.
        "varint11.pb": encode(c) + tag(9, 0) + b"\xff" * 10 + b"\x01",
        # the same inside sample 1: location_id as an 11-byte varint.
        "varint11-nested.pb": variant(sample=[
            c["sample"][0],
            tag(1, 0) + b"\x82" + b"\x80" * 9 + b"\x00" +
            f_packed(2, [512, 0])]),
        # the last field, a string, claims 100 bytes where 5 remain.
        "len-past-end.pb": encode(c) + tag(6, 2) + varint(100) + b"extra",
    }


# ---- Non-protobuf inputs. ----

def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0,
                       compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


HTML = (b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>"
        b"</head>\n<body><h1>502 Bad Gateway</h1>\n<p>upstream connect "
        b"error</p></body></html>\n")
JSON = (b'{"error": "profiling is disabled", "code": 403, '
        b'"hint": "set PPROF_ENABLE=1"}\n')


# Cut from a real fixture: recapturing it changes them and the offsets
# in their expect files.
FIXTURE = "mutex-0.pb.gz"
FROM_FIXTURE = ("trunc.pb.gz", "badcrc.pb.gz", "trailing.pb.gz")


def other_cases():
    with open(os.path.join(LEAK, FIXTURE), "rb") as f:
        fixture = f.read()
    # CRC32 is the trailer's first 4 bytes (then ISIZE).
    badcrc = bytearray(fixture)
    badcrc[-8] ^= 0xFF
    rnd = random.Random(20261129)
    garbage = bytes(rnd.getrandbits(8) for _ in range(512))
    return {
        "trunc.pb.gz": fixture[:len(fixture) // 2],
        "badcrc.pb.gz": bytes(badcrc),
        "garbage.pb.gz": gz(garbage),
        "trailing.pb.gz": fixture + b"GARBAGE!\n",
        "html.pb": HTML,
        "html.pb.gz": gz(HTML),
        "json.pb": JSON,
        "unknown-profile.pb": b"Unknown profile: foo\n",
        "empty.pb": b"",
        "onebyte.pb": b"\x0a",
    }


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    cases = {}
    cases.update(other_cases())
    cases.update(proto_cases())
    for name, data in sorted(cases.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(cases), outdir))


if __name__ == "__main__":
    main()
