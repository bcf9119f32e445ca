"""pbenc - the tiny protobuf encoder shared by the test generators.

Only what hand-built test profiles need: varints (unsigned, or int64 in
two's complement), tags, and varint, length-delimited and packed fields.
"""


def varint(v):
    """Encode an unsigned (or two's-complement int64) varint."""
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def tag(field, wire):
    return varint(field << 3 | wire)


def f_varint(field, v):
    return tag(field, 0) + varint(v)


def f_bytes(field, data):
    return tag(field, 2) + varint(len(data)) + data


def f_packed(field, values):
    return f_bytes(field, b"".join(varint(v) for v in values))
