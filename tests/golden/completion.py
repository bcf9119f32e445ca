#!/usr/bin/env python3
"""The bash completion offers every option --help lists, per subcommand,
and the fixed values of --format, --by and --color.

Usage: completion.py PPROFDIFF SRCDIR
"""
import os
import re
import subprocess
import sys


def complete(binary, src, words):
    """What completing the last word of words offers."""
    script = ('source "$1/completions/pprofdiff.bash"; shift; '
              'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pprofdiff; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(binary)) + ":" + env["PATH"]
    out = subprocess.run(["bash", "-c", script, "bash", src, "pprofdiff"] +
                         words, capture_output=True, text=True, env=env,
                         check=True).stdout
    return set(out.split())


def main():
    binary, src = sys.argv[1], sys.argv[2]
    failed = passed = 0

    def check(name, ok, detail=""):
        nonlocal failed, passed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s%s" % (name, detail))

    for sub in ([], ["fetch"], ["capture"], ["trend"]):
        helped = set(re.findall(r"--[a-z][a-z-]*[a-z]", subprocess.run(
            [binary] + sub + ["--help"], capture_output=True, text=True,
            check=True).stdout))
        got = complete(binary, src, sub + ["--"])
        check("%s options" % (sub or ["diff"])[0], got == helped and
              len(helped) > 10, ": missing %s, extra %s" % (
                  sorted(helped - got), sorted(got - helped)))
    # The formats the binary knows, from its own error message.
    err = subprocess.run([binary, "--format", "?", "x"], capture_output=True,
                         text=True).stderr
    known = set(re.findall(r"\w+", re.search(r"\(([^)]*)\)", err).group(1)))
    known.discard("or")
    check("--format values", complete(binary, src, ["--format", ""]) ==
          known and len(known) >= 6, ": %s" % sorted(known))
    check("--by values", complete(binary, src, ["--by", "f"]) ==
          {"function", "file"})
    check("subcommands", {"fetch", "capture", "trend"} <= complete(binary, src, [""]))
    print("completion: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
