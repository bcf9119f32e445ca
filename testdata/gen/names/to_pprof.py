#!/usr/bin/env python3
"""to_pprof - a gperftools CPU profile plus its binary to profile.proto.

Usage: to_pprof.py CPUPROFILE BINARY OUT.pb.gz [--mapping-file NAME]

CPUPROFILE is gperftools' binary CPU profile: a header of five machine
words [0, 3, 0, period_us, 0], records {count, depth, pc[depth]}, an end
record {0, 1, 0}, then the text of /proc/self/maps. BINARY is the program
that was profiled. The output is a gzipped profile.proto
(proto/profile.proto) with sample types samples/count and cpu/nanoseconds.

Every distinct pc in BINARY's mapping is symbolized by one batched
`addr2line -f -i -a -e BINARY` run. Names stay mangled (no -C): like the
eBPF agents and perf-based converters, the output has the mangled symbol
in both Function.name and Function.system_name and leaves demangling to
the consumer. Inlined frames become several Lines of one Location,
innermost first. Return addresses (every frame but the leaf) are
adjusted by -1 to land on the call, as pprof does, and a leaf that the
profiler recorded twice is dropped once, as pprof does. PCs in other
mappings (libc, libstdc++, libprofiler, ...) keep an address and a
mapping but get no lines. Identical stacks are merged into one sample.
--mapping-file sets the main mapping's file name (default: the path in
the maps text). Python standard library only.
"""
import gzip
import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests"))
from pbenc import f_bytes, f_packed, f_varint  # noqa: E402

MAPS_RE = re.compile(r"^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+([0-9a-f]+)"
                     r"\s+\S+\s+\d+\s*(.*)$")


def fail(msg):
    sys.exit("to_pprof: " + msg)


def parse_cpuprofile(data):
    """(period_us, [(count, [pc...])], maps_text) of a CPUPROFILE."""
    for size, code in ((8, "Q"), (4, "I")):
        for order in "<>":
            fmt = order + code
            if len(data) < 5 * size:
                continue
            hdr = struct.unpack_from(order + "5" + code, data, 0)
            if hdr[0] == 0 and hdr[1] == 3 and hdr[2] == 0 and hdr[3] > 0:
                break
        else:
            continue
        break
    else:
        fail("not a gperftools CPU profile (bad header)")
    period_us = hdr[3]
    pos = 5 * size

    def word():
        nonlocal pos
        if pos + size > len(data):
            fail("truncated profile")
        v = struct.unpack_from(fmt, data, pos)[0]
        pos += size
        return v

    records = []
    while True:
        count, depth = word(), word()
        pcs = [word() for _ in range(depth)]
        if count == 0 and depth == 1 and pcs[0] == 0:
            break
        records.append((count, pcs))
    return period_us, records, data[pos:].decode("utf-8", "replace")


def parse_maps(text):
    """[(start, limit, perms, offset, path)] of /proc/self/maps text."""
    out = []
    for line in text.splitlines():
        m = MAPS_RE.match(line)
        if not m:
            continue
        path = m.group(5).strip()
        if path.endswith(" (deleted)"):
            path = path[:-len(" (deleted)")]
        out.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3),
                    int(m.group(4), 16), path))
    return out


def read_elf(path):
    """(e_type, [(p_offset, p_vaddr, p_memsz)] of PT_LOADs, build_id hex)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        fail("%s is not an ELF file" % path)
    is64 = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    e_type = struct.unpack_from(order + "H", data, 16)[0]
    if is64:
        phoff, = struct.unpack_from(order + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 54)
    else:
        phoff, = struct.unpack_from(order + "I", data, 28)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 42)
    loads, build_id = [], ""
    for i in range(phnum):
        off = phoff + i * phentsize
        if is64:
            (p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz,
             p_memsz) = struct.unpack_from(order + "IIQQQQQ", data, off)
        else:
            (p_type, p_offset, p_vaddr, _paddr, p_filesz,
             p_memsz) = struct.unpack_from(order + "IIIIII", data, off)
        if p_type == 1:  # PT_LOAD
            loads.append((p_offset, p_vaddr, p_memsz))
        elif p_type == 4 and not build_id:  # PT_NOTE
            n = p_offset
            while n + 12 <= p_offset + p_filesz:
                namesz, descsz, ntype = struct.unpack_from(order + "III",
                                                           data, n)
                name = data[n + 12:n + 12 + namesz]
                desc_at = n + 12 + (namesz + 3 & ~3)
                if ntype == 3 and name == b"GNU\0":  # NT_GNU_BUILD_ID
                    build_id = data[desc_at:desc_at + descsz].hex()
                    break
                n = desc_at + (descsz + 3 & ~3)
    return e_type, loads, build_id


def file_address(pc, mapping, e_type, loads):
    """The ELF virtual address that runtime address pc of mapping is."""
    start, _limit, _perms, offset, _path = mapping
    fileoff = pc - start + offset
    for p_offset, p_vaddr, p_memsz in loads:
        if p_offset <= fileoff < p_offset + p_memsz:
            return fileoff - p_offset + p_vaddr
    return pc if e_type == 2 else fileoff  # ET_EXEC: absolute addresses


def symbolize(binary, addrs):
    """{addr: [(function, file, line)...]} innermost first, from one
    addr2line run; [] where addr2line knows no function."""
    if not addrs:
        return {}
    r = subprocess.run(["addr2line", "-f", "-i", "-a", "-e", binary],
                       input="".join("%x\n" % a for a in addrs),
                       capture_output=True, text=True, check=True)
    lines = r.stdout.splitlines()
    out, i = {}, 0
    for a in addrs:
        if i >= len(lines) or not re.fullmatch(r"0x0*%x" % a, lines[i]):
            fail("addr2line output out of step at 0x%x" % a)
        i += 1
        frames = []
        while i + 1 < len(lines) and not lines[i].startswith("0x"):
            func, where = lines[i], lines[i + 1]
            i += 2
            where = where.split(" (discriminator")[0]
            file, _, line = where.rpartition(":")
            if func == "??":
                continue
            frames.append((func, "" if file == "??" else file,
                           int(line) if line.isdigit() else 0))
        out[a] = frames
    return out


class Strings:
    def __init__(self):
        self.table, self.index = [""], {"": 0}

    def __call__(self, s):
        if s not in self.index:
            self.index[s] = len(self.table)
            self.table.append(s)
        return self.index[s]


def main(argv):
    args, mapping_file = [], None
    it = iter(argv)
    for a in it:
        if a == "--mapping-file":
            mapping_file = next(it, None)
        else:
            args.append(a)
    if len(args) != 3 or mapping_file == "":
        sys.exit(__doc__.split("\n\n")[1])
    prof_path, binary, out_path = args
    with open(prof_path, "rb") as f:
        period_us, records, maps_text = parse_cpuprofile(f.read())
    maps = parse_maps(maps_text)
    e_type, loads, build_id = read_elf(binary)
    real_bin = os.path.realpath(binary)

    def is_main(m):
        return m[4] and (os.path.realpath(m[4]) == real_bin or
                         os.path.basename(m[4]) == os.path.basename(binary))

    def mapping_of(pc):
        for m in maps:
            if m[0] <= pc < m[1]:
                return m
        return None

    # Stacks: return addresses -1; drop a leaf recorded twice; merge.
    stacks = {}
    for count, pcs in records:
        addrs = [pc if i == 0 else pc - 1 for i, pc in enumerate(pcs)]
        if len(addrs) > 1 and addrs[0] == addrs[1] + 1:
            del addrs[1]
        key = tuple(addrs)
        stacks[key] = stacks.get(key, 0) + count

    # Mappings: the main binary's executable one first, then the rest in
    # the order the samples first use them.
    mains = [m for m in maps if is_main(m) and "x" in m[2]]
    if not mains:
        fail("%s is not in the profile's maps" % binary)
    used = [mains[0]]
    loc_ids, loc_map = {}, {}
    for key in stacks:
        for a in key:
            if a not in loc_ids:
                loc_ids[a] = len(loc_ids) + 1
                m = mapping_of(a)
                loc_map[a] = m
                if m is not None and m not in used:
                    used.append(m)
    main_addrs = sorted(a for a, m in loc_map.items()
                        if m is not None and is_main(m))
    file_addr = {a: file_address(a, loc_map[a], e_type, loads)
                 for a in main_addrs}
    syms = symbolize(binary, sorted(set(file_addr.values())))
    frames = {a: syms[file_addr[a]] for a in main_addrs}

    st = Strings()
    body = b""
    cpu = [st("samples"), st("count"), st("cpu"), st("nanoseconds")]
    body += f_bytes(1, f_varint(1, cpu[0]) + f_varint(2, cpu[1]))
    body += f_bytes(1, f_varint(1, cpu[2]) + f_varint(2, cpu[3]))
    period_ns = period_us * 1000
    for key, count in stacks.items():
        body += f_bytes(2, f_packed(1, [loc_ids[a] for a in key]) +
                        f_packed(2, [count, count * period_ns]))
    map_ids = {m: i + 1 for i, m in enumerate(used)}
    for m, mid in map_ids.items():
        msg = (f_varint(1, mid) + f_varint(2, m[0]) + f_varint(3, m[1]) +
               f_varint(4, m[3]))
        if mid == 1:
            msg += f_varint(5, st(mapping_file or m[4]))
            if build_id:
                msg += f_varint(6, st(build_id))
            msg += (f_varint(7, 1) + f_varint(8, 1) + f_varint(9, 1) +
                    f_varint(10, 1))
        elif m[4]:
            msg += f_varint(5, st(m[4]))
        body += f_bytes(3, msg)
    func_ids, func_msgs = {}, []
    for a, lid in loc_ids.items():
        msg = f_varint(1, lid)
        if loc_map[a] is not None:
            msg += f_varint(2, map_ids[loc_map[a]])
        msg += f_varint(3, a)
        for func, file, line in frames.get(a, []):
            if func not in func_ids:
                fid = func_ids[func] = len(func_ids) + 1
                name = st(func)
                func_msgs.append(f_varint(1, fid) + f_varint(2, name) +
                                 f_varint(3, name) + f_varint(4, st(file)))
            msg += f_bytes(4, f_varint(1, func_ids[func]) +
                           f_varint(2, line))
        body += f_bytes(4, msg)
    for msg in func_msgs:
        body += f_bytes(5, msg)
    time_nanos = os.stat(prof_path).st_mtime_ns
    tail = (f_varint(9, time_nanos) +
            f_bytes(11, f_varint(1, cpu[2]) + f_varint(2, cpu[3])) +
            f_varint(12, period_ns))
    strings = b"".join(f_bytes(6, s.encode()) for s in st.table)
    with open(out_path, "wb") as f:
        f.write(gzip.compress(body + strings + tail, mtime=0))
    named = sum(c for k, c in stacks.items() if frames.get(k[0]))
    total = sum(stacks.values())
    print("%s: %d samples in %d stacks, %d locations, %d functions; "
          "%.1f%% of samples have a named leaf" %
          (out_path, total, len(stacks), len(loc_ids), len(func_ids),
           100.0 * named / max(total, 1)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
