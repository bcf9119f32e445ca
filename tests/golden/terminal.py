#!/usr/bin/env python3
"""Text in a real terminal: tmux panes of 80 and 120 columns run the
README's kinds of commands (a diff, a single profile, a trend, --by
function, --peek) and nothing wraps, every line fits the width, the
culprits' function names are on screen, and --stacks lines shows every
frame of a row; into a pipe the output is byte-identical to what it is
without a terminal. A 20-column pane and a terminal that reports no
width (without COLUMNS) neither crash nor hang.

Usage: terminal.py PPROFDIFF SRCDIR
"""
import os
import pty
import select
import shlex
import shutil
import subprocess
import sys
import time
import uuid
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import checks  # noqa: E402  (the shared tally)

check = checks.Checks(limit=1500, sep="\n")


def width_of(s):
    return sum(1 for ch in s if not (0xDC00 <= ord(ch) <= 0xDFFF))


def in_tmux(cmd, width, src, height=200):
    """Run cmd in a fresh tmux pane; (joined lines, raw lines)."""
    sock = "ppd-" + uuid.uuid4().hex[:8]
    done = "/tmp/%s.done" % sock
    full = ("cd %s && export NO_COLOR=1 LC_ALL=C.UTF-8 TERM=xterm; "
            "unset COLUMNS; %s; touch %s; sleep 30" %
            (shlex.quote(src), cmd, done))
    subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", "new-session",
                    "-d", "-x", str(width), "-y", str(height), full],
                   check=True)
    try:
        for _ in range(300):
            if os.path.exists(done):
                break
            time.sleep(0.05)
        cap = ["tmux", "-L", sock, "capture-pane", "-p", "-S", "0"]
        raw = subprocess.run(cap, capture_output=True, text=True).stdout
        joined = subprocess.run(cap + ["-J"], capture_output=True,
                                text=True).stdout
        return joined.rstrip("\n").split("\n"), raw.rstrip("\n").split("\n"),\
            os.path.exists(done)
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"],
                       capture_output=True)
        if os.path.exists(done):
            os.unlink(done)


def tsv_rows(binary, args, src):
    r = subprocess.run([binary, "--format", "tsv"] + args, cwd=src,
                       capture_output=True, text=True)
    lines = r.stdout.splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:]]


def main():
    binary, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if shutil.which("tmux") is None:
        print("terminal: tmux not found (install tmux)", file=sys.stderr)
        return 1
    g0, g2 = "testdata/leak/goroutine-0.pb.gz", "testdata/leak/goroutine-2.pb.gz"
    h0, h2 = "testdata/leak/heap-0.pb.gz", "testdata/leak/heap-2.pb.gz"
    cases = [
        ("diff heap", ["-n", "8", h0, h2]),
        ("diff goroutine", [g0, g2]),
        ("single profile", ["-n", "6", h2]),
        ("by function", ["--by", "function", "-n", "8", h0, h2]),
        ("peek", ["--peek", r"runtime\.selectgo$", g0, g2]),
        ("trend", ["trend", "-n", "8", "-t", "goroutine", "testdata/trend"]),
    ]
    for width in (80, 120):
        for name, args in cases:
            cmd = " ".join(shlex.quote(a) for a in [binary] + args)
            joined, raw, ok = in_tmux(cmd, width, src)
            check("%d cols, %s: finishes" % (width, name), ok)
            long = [ln for ln in joined if width_of(ln) > width]
            check("%d cols, %s: no line wraps" % (width, name),
                  len(joined) == len(raw) and not long,
                  "\n".join(long[:3]) or "%d joined vs %d screen lines" %
                  (len(joined), len(raw)))
            # The culprits' function names (the part after the last '/').
            if name in ("diff heap", "diff goroutine"):
                rows = tsv_rows(binary, ["-n", "8"] + args[-2:], src)
                screen = "\n".join(joined)
                short = [r["culprit"].rsplit("/", 1)[-1] for r in rows
                         if int(r["delta"]) > 0][:8]
                missing = [c for c in short
                           if c[-16:] not in screen]
                check("%d cols, %s: culprits on screen" % (width, name),
                      not missing, missing)
            # Into a pipe: the same bytes as without a terminal.
            piped, _, _ = in_tmux(cmd + " | cat", 400, src)
            plain = subprocess.run([binary] + args, cwd=src,
                                   capture_output=True, text=True,
                                   env=dict(os.environ, NO_COLOR="1",
                                            LC_ALL="C.UTF-8")).stdout
            check("%d cols, %s: a pipe gets the plain output" % (width, name),
                  "\n".join(piped).rstrip("\n") == plain.rstrip("\n"),
                  "\n".join(piped)[:300] + "\n---\n" + plain[:300])
        # --stacks lines: every frame of the first rows, a line each.
        cmd = " ".join(shlex.quote(a) for a in
                       [binary, "-n", "2", "--stacks", "lines", h0, h2])
        joined, raw, ok = in_tmux(cmd, width, src)
        rows = tsv_rows(binary, ["-n", "2", h0, h2], src)[:2]
        lines = [ln.strip().lstrip("> ").strip() for ln in joined]
        missing = []
        for r in rows:
            for fr in r["stack"].split(";"):
                tail = fr.rsplit("/", 1)[-1][-20:]
                if not any(ln.endswith(tail) for ln in lines):
                    missing.append(fr)
        check("%d cols, --stacks lines: every frame on its own line" % width,
              ok and not missing and len(joined) == len(raw), missing)

    # Narrow and unknown widths: no crash, no hang.
    joined, raw, ok = in_tmux(" ".join([binary, h0, h2]), 20, src)
    check("20 cols: finishes", ok and any("growing" in ln for ln in joined),
          "\n".join(joined[:10]))
    pid, fd = pty.fork()
    if pid == 0:
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        env.update(NO_COLOR="1", LC_ALL="C.UTF-8", TERM="xterm")
        os.chdir(src)
        os.execve(binary, [binary, h0, h2], env)
    out = b""
    deadline = time.time() + 30
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    lines = out.decode("utf-8", "replace").replace("\r", "").split("\n")
    check("a terminal without a width and no COLUMNS: 80 columns",
          os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and
          max(width_of(ln) for ln in lines) <= 80,
          max(lines, key=width_of))
    return check.report("terminal")


if __name__ == "__main__":
    sys.exit(main())
