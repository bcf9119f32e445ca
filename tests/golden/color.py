#!/usr/bin/env python3
"""--color: colour only where a person looks, and never at the cost of
alignment.

* piped (the default, auto): no escape sequence at all;
* --color always: red growth, green shrinking, bold culprits; with the
  escapes taken out, byte for byte the uncoloured output (stack view,
  --by function and --peek);
* on a real terminal (a pty from script(1)): auto colours, and does not
  with NO_COLOR set or TERM=dumb; --color never does not;
* CLICOLOR_FORCE colours a pipe, unless NO_COLOR or --color never.

Usage: color.py PPROFDIFF SRCDIR
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

SGR = re.compile(r"\x1b\[[0-9;]*m")


def run(binary, args, env=None):
    return subprocess.run([binary] + args, capture_output=True, text=True,
                          check=True, env=env).stdout


def on_tty(binary, args, **env):
    """The output of the command run on a pseudo-terminal."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env)
    cmd = " ".join(shlex.quote(a) for a in [binary] + args)
    return subprocess.run(["script", "-qec", cmd, "/dev/null"],
                          capture_output=True, text=True, env=e,
                          check=True).stdout


def main():
    binary, src = sys.argv[1], sys.argv[2]
    leak = os.path.join(src, "testdata", "leak")
    pair = [os.path.join(leak, "goroutine-0.pb.gz"),
            os.path.join(leak, "goroutine-2.pb.gz")]
    failed = passed = 0

    def check(name, ok):
        nonlocal failed, passed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s" % name)

    for extra in ([], ["--by", "function"], ["--peek", "selectgo"]):
        plain = run(binary, extra + pair)
        check("piped %s: no escapes" % extra, "\x1b" not in plain)
        colour = run(binary, ["--color", "always"] + extra + pair)
        check("always %s: red growth" % extra, "\x1b[31m" in colour)
        check("always %s: same text without escapes" % extra,
              SGR.sub("", colour) == plain)
        never = run(binary, ["--color", "never"] + extra + pair)
        check("never %s" % extra, never == plain)
    colour = run(binary, ["--color", "always"] + pair)
    check("always: green shrinking", "\x1b[32m" in colour)
    check("always: bold culprit", "\x1b[1mmain.contendOnStats" in colour)
    tsv = run(binary, ["--color", "always", "--format", "tsv"] + pair)
    check("always: tsv never coloured", "\x1b" not in tsv)
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env["CLICOLOR_FORCE"] = "1"
    check("CLICOLOR_FORCE colours a pipe",
          "\x1b[31m" in run(binary, pair, env=env))
    env["NO_COLOR"] = "1"
    check("NO_COLOR beats CLICOLOR_FORCE",
          "\x1b" not in run(binary, pair, env=env))
    check("--color never beats CLICOLOR_FORCE",
          "\x1b" not in run(binary, ["--color", "never"] + pair, env=env))
    check("bad --color", subprocess.run(
        [binary, "--color", "sometimes"] + pair,
        capture_output=True).returncode == 2)
    if shutil.which("script"):
        check("tty auto colours", "\x1b[31m" in on_tty(binary, pair,
                                                       TERM="xterm"))
        check("tty NO_COLOR", "\x1b[" not in on_tty(binary, pair,
                                                    TERM="xterm",
                                                    NO_COLOR="1"))
        check("tty TERM=dumb", "\x1b[" not in on_tty(binary, pair,
                                                     TERM="dumb"))
        check("tty refuses --format pprof", "is binary" in subprocess.run(
            ["script", "-qec", " ".join(
                shlex.quote(a) for a in [binary, "--format", "pprof"] + pair),
             "/dev/null"], capture_output=True, text=True).stdout)
        check("tty never", "\x1b[" not in on_tty(
            binary, ["--color", "never"] + pair, TERM="xterm"))
    else:
        print("skip terminal checks: script(1) is not installed")
    print("color: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
