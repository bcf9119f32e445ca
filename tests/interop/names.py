#!/usr/bin/env python3
"""Function names as pprof shows them: --names simplified, full and raw.

The fixtures of testdata/names are real profiles whose names need work:
CPU profiles of a C++ and a Rust program (both Rust manglings) whose
function names are the mangled symbols, as profilers that leave
demangling to the reader write them (testdata/gen/names/names.sh), and a
heap pair allocated through generic Go code (testdata/gen/generics.sh).
For each fixture and mode, every function's name, flat and cum in
pprofdiff's --by function tsv must equal `go tool pprof -top
-nodefraction=0` with the matching -symbolize option: simplified is
pprof's default, full is -symbolize=demangle=full, raw is
-symbolize=none. Filters match the names shown: --focus and --hide on
simplified names equal pprof's -focus and -hide. Simplified C++ names
must also have lost their parameters and template arguments (a check
that does not lean on pprof).

Usage: names.py PPROFDIFF SRCDIR
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import checks  # noqa: E402  (the shared tally)
import interop  # noqa: E402  (pprof_view, our_view, view_diff)

MODES = [("simplified", []), ("full", ["-symbolize=demangle=full"]),
         ("raw", ["-symbolize=none"])]
# fixture, sample type, base (None: a single profile), filters to try
FIXTURES = [
    ("cpp.pb.gz", "cpu", None,
     [("focus", "shop::cart::Cart::total"), ("hide", "^shop::"),
      ("focus", "anonymous namespace")]),
    ("rust.pb.gz", "cpu", None, [("focus", "names::"), ("hide", "core::")]),
    ("rust-v0.pb.gz", "cpu", None, [("focus", "names::")]),
    ("generics-1.pb.gz", "inuse_space", "generics-0.pb.gz",
     [("focus", r"Stack\[\.\.\.\]"), ("hide", r"MapSlice")]),
]


# One known difference: Go 1.19's demangler of old-style Rust symbols
# reads a leading underscore of an identifier as the optional separator
# after its length, so "28__rust_begin_short_backtrace" loses an
# underscore in pprof; libiberty (c++filt, gdb) keeps it. pprof's rows
# are corrected for it, by name, and nothing else.
PPROF_RUST_UNDERSCORE = {
    "std::sys::backtrace::_rust_begin_short_backtrace":
        "std::sys::backtrace::__rust_begin_short_backtrace",
}


def pprof_rows(go, sym, theirs, sample):
    rows = interop.pprof_view(go, sym + theirs, sample, [])
    return {PPROF_RUST_UNDERSCORE.get(k, k): v for k, v in rows.items()}


def ours(binary, mode, extra, args, sample):
    return interop.our_view(binary, ["--names", mode] + extra + args, sample,
                            "function")


def main():
    binary, src = sys.argv[1], sys.argv[2]
    go = shutil.which("go")
    if go is None:
        print("names: go not found (install golang-go)", file=sys.stderr)
        return 1
    here = os.path.join(src, "testdata", "names")
    check = checks.Checks(limit=100000)

    for fixture, sample, base, filters in FIXTURES:
        args = [os.path.join(here, fixture)]
        theirs = list(args)
        if base is not None:
            args.insert(0, os.path.join(here, base))
            theirs = ["-diff_base=" + os.path.join(here, base)] + theirs
        for mode, sym in MODES:
            name = "%s --names %s" % (fixture, mode)
            want = pprof_rows(go, sym, theirs, sample)
            got = ours(binary, mode, [], args, sample)
            check(name, want == got and len(want) > 0,
                  interop.view_diff(want, got))
            if mode == "simplified" and fixture == "cpp.pb.gz":
                # No parameter list at the end (a lambda's enclosing
                # function keeps its own, as in pprof), no template
                # arguments.
                bad = [k for k in got
                       if (k.endswith(")") and not k.endswith("operator()"))
                       or re.search(r"<[^<]", k.replace("operator<", ""))]
                check(name + " has no parameters or template arguments",
                      not bad, "%r" % bad[:3])
                mangled = [k for k in got if k.startswith("_Z")]
                check(name + " demangled", not mangled, "%r" % mangled[:3])
        for opt, pat in filters:
            name = "%s --%s '%s'" % (fixture, opt, pat)
            want = pprof_rows(go, ["-%s=%s" % (opt, pat)], theirs, sample)
            got = ours(binary, "simplified", ["--" + opt, pat], args, sample)
            check(name, want == got and len(want) > 0,
                  interop.view_diff(want, got))
    return check.report("names")


if __name__ == "__main__":
    sys.exit(main())
