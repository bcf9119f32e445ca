#!/usr/bin/env python3
"""run_bad.py - malformed-input tests: pin pprofdiff's exit status and
its exact stderr for every corrupt input.

    run_bad.py --bin PPROFDIFF MODE [ARGS]

Run from the repository root (ctest does), so that input names read
"testdata/bad/NAME" in the messages. Modes:

  files         every testdata/bad/NAME.expect, run on the file and on
                stdin ("-", whose messages must be the same with the input
                named "-")
  cli           command-line cases: missing file, --max-bytes, usage
                errors, a bad input as base or as current profile
  generated     make_bad.py still writes exactly the committed inputs
  bomb KIND DIR a decompression bomb (tests/bad/bomb.py KIND) generated in
                DIR: exit status, error line and peak RSS (< 100 MiB; not
                checked when PPD_SANITIZE=1, as ASan inflates memory)

NAME.expect: line 1 the exit status, then the exact stderr lines. A
message known to be wrong is not blessed: the expect file holds the
message it should be, and "# now: LINE" lines hold what pprofdiff prints
today. Such a case counts as XFAIL (not a failure) while the output is
exactly the "now" text, and fails as soon as it is anything else, fixed
included (then delete the "# now:" lines).

Prints one line per failure and a summary "N passed, M failed" (plus
known-wrong messages); exits 1 if anything failed.
"""
import argparse
import filecmp
import glob
import os
import re
import resource
import subprocess
import sys
import tempfile

BAD = "testdata/bad"
RSS_LIMIT_KB = 100 * 1024

HERE = os.path.dirname(os.path.abspath(__file__))


class Runner:
    def __init__(self, binary):
        self.bin = binary
        self.passed = 0
        self.failed = []
        self.xfail = []

    def run(self, args, stdin_path=None):
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            p = subprocess.run([self.bin] + args, stdin=stdin,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120)
        finally:
            if stdin_path:
                stdin.close()
        err = p.stderr.decode("utf-8", "replace").splitlines()
        return p.returncode, err, p.stdout

    def check(self, name, args, code, lines, now=None, stdin_path=None):
        """Run and compare; now = (code, lines) printed by a known bug."""
        rc, err, out = self.run(args, stdin_path)
        got = (rc, err)
        why = None
        if rc != 0 and out:
            why = "wrote %d bytes to stdout on failure" % len(out)
        elif rc == 0 and not out:
            why = "exit 0 without output"
        if why is None and got == (code, lines):
            if now is not None:
                self.fail(name, "known-wrong message is fixed (XPASS): "
                          "delete the '# now:' lines of its expect file",
                          got)
                return
            self.passed += 1
            return
        if why is None and now is not None and got == now:
            self.xfail.append((name, lines))
            return
        self.fail(name, why or "want exit %d %r" % (code, lines), got)

    def fail(self, name, why, got):
        self.failed.append(name)
        print("FAIL %s: %s\n     got exit %d %r" % (name, why, got[0],
                                                    got[1]))

    def summary(self):
        print("%d passed, %d failed" % (self.passed, len(self.failed)) +
              (", %d known problems (XFAIL)" % len(self.xfail)
               if self.xfail else ""))
        for name, lines in self.xfail:
            print("  XFAIL %s: want %r" % (name, lines))
        return 1 if self.failed else 0


def read_expect(path):
    """(code, lines, now) from an expect file; now is None or (code, lines)."""
    with open(path, encoding="utf-8") as f:
        raw = f.read().splitlines()
    code = int(raw[0])
    lines = [l for l in raw[1:] if not l.startswith("#")]
    now = [l[len("# now: "):] for l in raw[1:] if l.startswith("# now: ")]
    return code, lines, ((code, now) if now else None)


def mode_files(r):
    expects = sorted(glob.glob(os.path.join(BAD, "*.expect")))
    if not expects:
        raise SystemExit("run_bad.py: no %s/*.expect (wrong directory?)"
                         % BAD)
    for exp in expects:
        name = os.path.basename(exp)[:-len(".expect")]
        path = os.path.join(BAD, name)
        if not os.path.exists(path):
            r.fail(name, "input %s is missing" % path, (-1, []))
            continue
        code, lines, now = read_expect(exp)
        r.check(name, [path], code, lines, now)
        # The same bytes on stdin: same message, input named "-".
        prefix = "pprofdiff: %s: " % path

        def on_stdin(ls):
            return ["pprofdiff: -: " + l[len(prefix):]
                    if l.startswith(prefix) else l for l in ls]
        r.check(name + " (stdin)", ["-"], code, on_stdin(lines),
                (now[0], on_stdin(now[1])) if now else None, stdin_path=path)


LEAK = "testdata/leak/heap-0.pb.gz"
HELP = "(see 'pprofdiff --help')"


def mode_cli(r):
    if os.path.exists("nosuch.pb.gz"):
        raise SystemExit("run_bad.py: nosuch.pb.gz exists in %s" % os.getcwd())
    # The truncated-gzip line, whatever its offset, from its expect file.
    trunc = read_expect(BAD + "/trunc.pb.gz.expect")[1][0].replace(
        "pprofdiff: %s/trunc.pb.gz: " % BAD, "pprofdiff: %s: ")
    undef = "pprofdiff: %s: sample 1: location id 5 not defined"
    cases = [
        ("missing file", ["nosuch.pb.gz"], None, 1,
         ["pprofdiff: nosuch.pb.gz: cannot open: No such file or directory"]),
        ("missing base", ["nosuch.pb.gz", LEAK], None, 1,
         ["pprofdiff: nosuch.pb.gz: cannot open: No such file or directory"]),
        ("directory", [BAD + "/"], None, 1,
         ["pprofdiff: %s/: read error: Is a directory" % BAD]),
        ("--max-bytes 1K gzip", ["--max-bytes", "1K", LEAK], None, 1,
         ["pprofdiff: %s: inflated size exceeds the limit of 1024 bytes "
          "(raise it with --max-bytes)" % LEAK]),
        ("--max-bytes 1K stdin", ["--max-bytes", "1K", "-"], LEAK, 1,
         ["pprofdiff: -: inflated size exceeds the limit of 1024 bytes "
          "(raise it with --max-bytes)"]),
        ("--max-bytes raw", ["--max-bytes", "100", BAD + "/control-ok.pb"],
         None, 1,
         ["pprofdiff: %s/control-ok.pb: size exceeds the limit of 100 "
          "bytes (raise it with --max-bytes)" % BAD]),
        ("--max-bytes exact", ["--max-bytes", "225", BAD + "/control-ok.pb"],
         None, 0, []),
        ("--max-bytes 1x", ["--max-bytes", "1x", LEAK], None, 2,
         ["pprofdiff: invalid --max-bytes value '1x' " + HELP]),
        ("--max-bytes 0", ["--max-bytes", "0", LEAK], None, 2,
         ["pprofdiff: invalid --max-bytes value '0' " + HELP]),
        ("--max-bytes -1", ["--max-bytes", "-1", LEAK], None, 2,
         ["pprofdiff: invalid --max-bytes value '-1' " + HELP]),
        ("--max-bytes 16E", ["--max-bytes", "17179869184G", LEAK], None, 2,
         ["pprofdiff: invalid --max-bytes value '17179869184G' " + HELP]),
        ("bad base", [BAD + "/trunc.pb.gz", LEAK], None, 1,
         [trunc % (BAD + "/trunc.pb.gz")]),
        ("bad current", [LEAK, BAD + "/undef-location.pb"], None, 1,
         [undef % (BAD + "/undef-location.pb")]),
        ("bad current on stdin", [LEAK, "-"], BAD + "/undef-location.pb", 1,
         [undef % "-"]),
        ("bad base on stdin", ["-", LEAK], BAD + "/trunc.pb.gz", 1,
         [trunc % "-"]),
        # One line per failed input, base first.
        ("both bad", [BAD + "/empty.pb", BAD + "/trunc.pb.gz"], None, 1,
         ["pprofdiff: %s/empty.pb: empty input: not a profile" % BAD,
          trunc % (BAD + "/trunc.pb.gz")]),
        ("empty stdin", ["-"], BAD + "/empty.pb", 1,
         ["pprofdiff: -: empty input: not a profile"]),
        ("--tagfocus bad pattern", ["--tagfocus", "handler=a(",
                                    "nosuch.pb.gz"], None, 2,
         ["pprofdiff: invalid --tagfocus pattern 'a(': missing closing "
          "parenthesis at offset 2 " + HELP]),
        # --peek: refused before any input is read.
        ("--peek bad pattern", ["--peek", "a(", "nosuch.pb.gz"], None, 2,
         ["pprofdiff: invalid --peek pattern 'a(': missing closing "
          "parenthesis at offset 2 " + HELP]),
        ("--peek --by line", ["--peek", "x", "--by", "line",
                              "nosuch.pb.gz"], None, 2,
         ["pprofdiff: --peek works with --by function " + HELP]),
        ("--normalize one input", ["--normalize", LEAK], None, 2,
         ["pprofdiff: --normalize needs a base and a current profile "
          + HELP]),
        ("--min-delta bad", ["--min-delta", "5 parsecs", LEAK], None, 2,
         ["pprofdiff: invalid --min-delta value '5 parsecs' (a number, "
          "with B, KiB, MiB, GiB, ns, us, ms, s, m or h) " + HELP]),
        ("--min-delta wrong unit", ["--min-delta", "10ms", LEAK], None, 2,
         ["pprofdiff: --min-delta '10ms': the sample type inuse_space is "
          "in bytes " + HELP]),
        ("--min-percent 101", ["--min-percent", "101", LEAK], None, 2,
         ["pprofdiff: invalid --min-percent value '101' (0 to 100) " +
          HELP]),
        ("-o missing directory", ["-o", "nosuch-dir/out.txt", LEAK], None,
         1, ["pprofdiff: nosuch-dir/out.txt: cannot create a temporary "
             "file in nosuch-dir: No such file or directory"]),
        ("--format pprof --by", ["--format", "pprof", "--by", "function",
                                 LEAK], None, 2,
         ["pprofdiff: --format pprof is for the stack view, not --by " +
          HELP]),
        ("--peek no match", ["--peek", "nosuchfunction", LEAK], None, 0,
         ["pprofdiff: --peek 'nosuchfunction' matches no function"]),
        ("--peek csv", ["--peek", "x", "--format", "csv", "nosuch.pb.gz"],
         None, 2,
         ["pprofdiff: --peek shows calls in text or tsv, not csv, json or "
          "folded " + HELP]),
        # A URL takes its type from the files: every bad file is named
        # before anything is fetched (port 1 would fail to connect).
        ("bad files before a URL",
         ["-b", LEAK, "-b", "nosuch-1.pb.gz", "nosuch-2.pb.gz",
          "http://127.0.0.1:1/debug/pprof/heap"], None, 1,
         ["pprofdiff: nosuch-1.pb.gz: cannot open: No such file or "
          "directory",
          "pprofdiff: nosuch-2.pb.gz: cannot open: No such file or "
          "directory"]),
    ]
    for name, args, stdin, code, lines in cases:
        r.check(name, args, code, lines, stdin_path=stdin)
    # Valid inputs that pprofdiff rejects today (tests/bad/repro/README.md).
    fn0 = "tests/bad/repro/function-id0.pb"
    # A line without a function is malformed, for pprof too ("location
    # id: 2 has a line with nil function").
    r.check("line with function_id 0", [fn0], 1,
            ["pprofdiff: %s: location 1 (id 2): line 0: function id 0 not "
             "defined" % fn0])
    # A string quoted in a message: control characters must be escaped, or
    # one error prints as two lines (and a terminal escape). The profile's
    # default_sample_type holds such a string; as in pprof, an unknown
    # default falls back to the last type, so it decodes and diffs fine.
    dst = "tests/bad/repro/default-sample-type-newline.pb"
    msg = ("pprofdiff: %s: no sample type \"bogus%sinjected line%s[31m\" (%s "
           "offers alloc_space,inuse_space)")
    r.check("control characters in a message",
            ["-s", "bogus\ninjected line\x1b[31m", dst], 1,
            [msg % (dst, "\\n", "\\x1b", dst)])
    r.check("unknown default_sample_type falls back", ["--format", "tsv", dst],
            0, [])


def mode_generated(r, python):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([python, os.path.join(BAD, "make_bad.py"), tmp],
                       check=True, stdout=subprocess.DEVNULL)
        made = sorted(os.listdir(tmp))
        for name in made:
            committed = os.path.join(BAD, name)
            if not os.path.exists(committed):
                r.fail(name, "make_bad.py writes it but it is not in %s"
                       % BAD, (-1, []))
            elif not filecmp.cmp(committed, os.path.join(tmp, name),
                                 shallow=False):
                hint = ""
                if name in ("trunc.pb.gz", "badcrc.pb.gz", "trailing.pb.gz"):
                    hint = (" (testdata/leak/mutex-0.pb.gz was recaptured? "
                            "then also update the byte offsets in its "
                            ".expect)")
                r.fail(name, "differs from make_bad.py's output: rerun "
                       "make_bad.py" + hint, (-1, []))
            elif not os.path.exists(committed + ".expect"):
                r.fail(name, "no %s.expect" % committed, (-1, []))
            else:
                r.passed += 1


BOMBS = {
    # kind: (extra arguments, exit status, right message, message printed
    # today when that is known to be wrong, else None). KNOWN_RSS lists the
    # kinds whose peak RSS is known to be over the limit today.
    # 300 MiB of zeros: invalid at byte 0, so nothing is inflated at all.
    "zeros": ([], 1, "inflated byte 0: invalid field number 0", None),
    # A valid stream of 300 MiB: only the cap stops it.
    "fields": ([], 1, "inflated size exceeds the limit of 268435456 bytes "
               "(raise it with --max-bytes)", None),
    # One field claims 300 MiB: that is over the cap, not past the end.
    "bigfield": ([], 1, "string_table at inflated byte 0: length 314572800 "
                 "exceeds the limit of 268435456 bytes (raise it with "
                 "--max-bytes)", None),
    # 16 MiB of one empty sample, repeated: merged as they arrive, so
    # memory stays flat (decode.h: memory follows the distinct stacks).
    "samples": (["--max-bytes", "16M"], 1, "inflated size exceeds the "
                "limit of 16777216 bytes (raise it with --max-bytes)", None),
    # Four-byte records that each become a struct: the budget on decoded
    # tables (4 x --max-bytes + 64 MiB) stops them, in bounded memory.
    "mappings": (["--max-bytes", "8M"], 1, "decoded tables exceed 100663296 "
                 "bytes of memory at inflated byte %d (4 x --max-bytes + 64 "
                 "MiB; raise --max-bytes)", None),
    # A valid profile with 4 million empty strings and nothing else.
    "strings": (["--max-bytes", "16M"], 0, None, None),
    # 200 MiB of one unknown field: skipped without buffering.
    "unknown": ([], 0, None, None),
    # One sample of 50 million locations: refused by the depth limit
    # before anything downstream sees it.
    "deep": ([], 1, "sample 0: 50000000 locations, more than the limit of "
             "1048576 (raise it with --max-depth)", None),
    # 20 million identical samples: merged as they stream.
    "same": ([], 0, None, None),
}
# Since 155d5ba ("faster merging") every sample record is kept until the
# input ends and merged then: 8M identical empty records take ~300 MiB
# (~4.8 GiB at the default 256 MiB cap), against decode.h's "memory
# follows the number of distinct stacks". XFAIL until fixed; then delete.
KNOWN_RSS = set()


def mode_bomb(r, kind, workdir):
    sys.path.insert(0, HERE)
    import bomb
    path = os.path.join(workdir, "bomb-%s.pb.gz" % kind)
    os.makedirs(workdir, exist_ok=True)
    if not os.path.exists(path):
        bomb.write(path, kind)  # in this process: not a child
    args, code, want, now = BOMBS[kind]
    fmt = "pprofdiff: %s: %%s" % path
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if want is not None and "%d" in want:
        # The offset where the budget runs out depends on allocation
        # sizes: take it from the output, check everything else.
        rc, err, _ = r.run(args + [path], None)
        m = re.search(r"at inflated byte (\d+) ", err[0]) if err else None
        want = want % (int(m.group(1)) if m else -1)
    lines = [fmt % want] if want is not None else []
    r.check("bomb-" + kind, args + [path], code, lines,
            (code, [fmt % now]) if now else None)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if os.environ.get("PPD_SANITIZE") == "1":
        print("bomb-%s: peak RSS %d KiB (not checked: sanitizer build)"
              % (kind, rss))
    elif before >= RSS_LIMIT_KB:
        # ru_maxrss of RUSAGE_CHILDREN is a maximum over all children:
        # it starts at a few MiB, but must start below the limit.
        r.fail("bomb-%s RSS" % kind, "a child before the test already "
               "peaked at %d KiB" % before, (-1, []))
    elif rss >= RSS_LIMIT_KB and kind in KNOWN_RSS:
        r.xfail.append(("bomb-%s RSS" % kind, ["peak RSS < %d KiB, is %d KiB"
                                               % (RSS_LIMIT_KB, rss)]))
    elif rss >= RSS_LIMIT_KB:
        r.fail("bomb-%s RSS" % kind, "peak RSS %d KiB >= %d KiB"
               % (rss, RSS_LIMIT_KB), (-1, []))
    elif kind in KNOWN_RSS:
        r.fail("bomb-%s RSS" % kind, "peak RSS %d KiB is fixed (XPASS): "
               "remove %s from KNOWN_RSS" % (rss, kind), (-1, []))
    else:
        print("bomb-%s: peak RSS %d KiB" % (kind, rss))
        r.passed += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("mode", choices=["files", "cli", "generated", "bomb"])
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    r = Runner(os.path.abspath(a.bin))
    if a.mode == "files":
        mode_files(r)
    elif a.mode == "cli":
        mode_cli(r)
    elif a.mode == "generated":
        mode_generated(r, a.python)
    else:
        if len(a.args) != 2 or a.args[0] not in BOMBS:
            raise SystemExit("usage: run_bad.py --bin B bomb %s WORKDIR"
                             % "|".join(BOMBS))
        mode_bomb(r, a.args[0], a.args[1])
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
