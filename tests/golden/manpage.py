#!/usr/bin/env python3
"""doc/pprofdiff.1 documents every option, and only real ones.

The long options that `pprofdiff --help`, `fetch --help` and
`capture --help` and `trend --help` print must all appear in the man page, and every option
the man page names must be one of them. With groff installed, the page
must also render without a warning.

Usage: manpage.py PPROFDIFF SRCDIR
"""
import re
import shutil
import subprocess
import sys

LONG = re.compile(r"--([a-z][a-z-]*[a-z])")
MAN_LONG = re.compile(r"\\-\\-([a-z][a-z\\-]*[a-z])")


def main():
    binary, src = sys.argv[1], sys.argv[2]
    page = open(src + "/doc/pprofdiff.1", encoding="utf-8").read()
    helped = set()
    for sub in ([], ["fetch"], ["capture"], ["trend"]):
        out = subprocess.run([binary] + sub + ["--help"], capture_output=True,
                             text=True, check=True).stdout
        helped.update(LONG.findall(out))
    documented = {m.replace("\\-", "-") for m in MAN_LONG.findall(page)}
    failed = 0
    missing = sorted(helped - documented)
    if missing:
        failed += 1
        print("FAIL options in --help but not in the man page: %s" %
              ", ".join("--" + m for m in missing))
    extra = sorted(documented - helped)
    if extra:
        failed += 1
        print("FAIL options in the man page that --help does not know: %s" %
              ", ".join("--" + m for m in extra))
    if shutil.which("groff"):
        r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z",
                            src + "/doc/pprofdiff.1"], capture_output=True,
                           text=True)
        if r.returncode != 0 or r.stderr.strip():
            failed += 1
            print("FAIL groff warns:\n" + r.stderr)
    else:
        print("skip render check: groff is not installed")
    print("manpage: %d options documented, %d failed" % (len(helped), failed))
    return 1 if failed or len(helped) < 30 else 0


if __name__ == "__main__":
    sys.exit(main())
