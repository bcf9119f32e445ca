#!/usr/bin/env python3
"""Soak test for `pprofdiff capture` under faults. Standard library only.

Usage: scripts/soak.py --bin PATH [--duration SECONDS] [--targets N]
                       [--interval SECONDS] [--keep K] [--parallel P]
                       [--fault-rate R] [--seed S] [--faults LIST]
                       [--deadline D]
                       [--check-every SECONDS] [--work DIR] [--keep-work]

Starts tests/fetch/fleet_server.py (one loopback server playing N targets,
a fraction R of whose answers are faults: 5xx with and without
Retry-After, resets, stalls, slow bodies, redirects, gzip bombs, HTML and
empty 200s), then runs, every --interval seconds for --duration seconds,

  PATH capture -q -o DIR --keep K --parallel P --timeout 2 --retries 1
               --deadline D --report REPORT.json t000=URL ... tN-1=URL

one run at a time, as cron would. One line per run, then a summary.
The exit status is 0 only when every invariant held:

  * every run ended normally: exit status 0 (all saved) or 1 (some
    failed), never a signal or a usage error, and within the interval
    (the --deadline is honoured, so runs never pile up);
  * every run's report is complete: captures == targets * 2 ==
    saved + failed == the entries listed; each failure names its target,
    name, type, error code and message; each success names a file that
    exists under its final name; stderr has one line per failure plus
    the summary line;
  * peak RSS per run does not grow: the max of the last third of runs is
    within 1.5x of the max of the first third, and every run stays below
    256 MiB. The peak is the run's VmHWM sampled from /proc every 50 ms;
    os.wait4's ru_maxrss of the run is also kept and must stay below
    256 MiB too, but it cannot show growth (see run_capture);
  * open fds of the capture process (sampled from /proc/PID/fd several
    times a second) stay below 2 * P + 32;
  * the number of files is flat once --keep has filled up: no target and
    type ever holds more than K snapshots, and the total never exceeds
    targets * 2 * K + targets * 2;
  * no temporary file (.*.tmp-*) and no file of any other name survives
    a completed run;
  * every file under a final name (NAME/TYPE-YYYYMMDDTHHMMSSZ.pb.gz)
    holds exactly the bytes the server sent for that type, and decodes:
    `PATH FILE` exits 0 (checked every --check-every seconds, for the
    files not checked before, and for every file at the end).

Quick mode, as `scripts/test.sh --soak` uses it:
  scripts/soak.py --bin build/pprofdiff --duration 20 --targets 20
"""
import argparse
import collections
import concurrent.futures
import fnmatch
import hashlib
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.path.join(ROOT, "tests", "fetch", "fleet_server.py")
PROFILES = {"heap": os.path.join(ROOT, "testdata", "leak", "heap-2.pb.gz"),
            "goroutine": os.path.join(ROOT, "testdata", "leak",
                                      "goroutine-2.pb.gz")}
TYPES = ("heap", "goroutine")
FINAL_RE = re.compile(r"^(heap|goroutine)-(\d{8}T\d{6}Z)\.pb\.gz$")
TEMP_GLOB = ".*.tmp-*"
RSS_LIMIT_MIB = 256
MiB = 1024.0 * 1024.0


def parse_args():
    ap = argparse.ArgumentParser(
        description="Soak test for `pprofdiff capture` under faults.",
        epilog="See the module docstring for the invariants checked.")
    ap.add_argument("--bin", required=True, help="the pprofdiff binary")
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--targets", type=int, default=100)
    ap.add_argument("--interval", type=float, default=3)
    ap.add_argument("--keep", type=int, default=5)
    ap.add_argument("--parallel", type=int, default=32)
    ap.add_argument("--fault-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--faults", help="comma-separated faults for "
                    "fleet_server.py (default: all of them)")
    ap.add_argument("--timeout", type=float, default=2,
                    help="capture --timeout (default 2)")
    ap.add_argument("--retries", type=int, default=1,
                    help="capture --retries (default 1)")
    ap.add_argument("--deadline", type=float,
                    help="capture --deadline (default: interval - 0.5, "
                    "at most 10)")
    ap.add_argument("--check-every", type=float, default=60,
                    help="seconds between decode passes (default 60)")
    ap.add_argument("--work", help="work directory (default: a new "
                    "temporary one, removed after a pass)")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the work directory")
    a = ap.parse_args()
    if a.deadline is None:
        a.deadline = max(1.0, min(a.interval - 0.5, 10.0))
    if a.targets < 1 or a.targets > 1000:
        ap.error("--targets must be within [1, 1000]")
    if a.keep < 1 or a.parallel < 1 or a.interval <= 0 or a.duration <= 0:
        ap.error("--keep, --parallel, --interval, --duration must be > 0")
    a.bin = os.path.abspath(a.bin)
    if not os.access(a.bin, os.X_OK):
        ap.error("%s is not an executable" % a.bin)
    return a


def clean_env():
    env = dict(os.environ)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
              "ALL_PROXY", "all_proxy"):
        env.pop(k, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def start_server(a, work):
    out = open(os.path.join(work, "server.out"), "wb")
    err = open(os.path.join(work, "server.err"), "wb")
    proc = subprocess.Popen(
        [sys.executable, SERVER, "--profile", PROFILES["heap"],
         "--profile2", PROFILES["goroutine"], "--targets", str(a.targets),
         "--fault-rate", str(a.fault_rate), "--seed", str(a.seed),
         "--stall", str(max(30.0, a.timeout * 5))] +
        (["--faults", a.faults] if a.faults else []),
        stdout=out, stderr=err, env=clean_env())
    path = os.path.join(work, "server.out")
    for _ in range(400):
        with open(path, "rb") as f:
            line = f.readline().strip()
        if line:
            return proc, int(line)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    with open(os.path.join(work, "server.err"), "rb") as f:
        sys.stderr.write(f.read().decode(errors="replace"))
    sys.exit("soak: fleet server did not start")


def server_stats(port):
    import urllib.request
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open("http://127.0.0.1:%d/stats" % port,
                         timeout=10) as r:
            return json.loads(r.read().decode())
    except Exception as e:  # the summary says so; not an invariant
        return {"(stats unavailable: %s)" % e: 0}


def sample(pid, exe):
    """(VmHWM in bytes, open fds) of a running pid, or None once it is
    gone (or not yet the program exe)."""
    try:
        if os.readlink("/proc/%d/exe" % pid) != exe:
            return None
        with open("/proc/%d/status" % pid) as f:
            hwm = None
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
                    break
        fds = len(os.listdir("/proc/%d/fd" % pid))
    except (OSError, ValueError):  # exiting, or a zombie
        return None
    return (hwm, fds) if hwm is not None else None


def run_capture(a, argv, stderr_path):
    """Run one capture; return (status, wall, peak_rss, wait4_maxrss,
    max_fds, signal or None), sizes in bytes.

    The peak RSS is the largest VmHWM (the process's own high-water mark)
    sampled from /proc every 50 ms. os.wait4's ru_maxrss, kept as a
    cross-check, cannot serve alone: Linux carries the high-water mark of
    the memory a process had before execve into ru_maxrss, and subprocess
    starts the child with vfork, so that is this Python's own peak
    (about 20 MiB), a floor above the whole of a small capture."""
    exe = os.path.realpath(argv[0])
    with open(stderr_path, "wb") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err,
                                env=clean_env())
    peak = max_fds = 0
    while True:
        s = sample(proc.pid, exe)
        if s is not None:
            peak, max_fds = max(peak, s[0]), max(max_fds, s[1])
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        time.sleep(0.05)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen is done
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    maxrss = ru.ru_maxrss * 1024
    return proc.returncode, wall, peak or maxrss, maxrss, max_fds, sig


def scan(outdir):
    """Files under outdir: (final {path: (name, type)}, temps, strays)."""
    final, temps, strays = {}, [], []
    for dirpath, _dirs, files in os.walk(outdir):
        rel = os.path.relpath(dirpath, outdir)
        for f in files:
            p = os.path.join(dirpath, f)
            if fnmatch.fnmatch(f, TEMP_GLOB):
                temps.append(p)
                continue
            m = FINAL_RE.match(f)
            if m and rel != "." and os.sep not in rel:
                final[p] = (rel, m.group(1))
            else:
                strays.append(p)
    return final, temps, strays


def check_report(a, path, names, run_stamp_ok):
    """Problems with one run's JSON report (a list of strings), and the
    document (or None)."""
    probs = []
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return ["report unreadable: %s" % e], None
    want = a.targets * len(TYPES)
    t = doc.get("totals") or {}
    caps = doc.get("captures")
    if doc.get("report") != "pprofdiff capture" or doc.get("version") != 1:
        probs.append("report header %r/%r" % (doc.get("report"),
                                               doc.get("version")))
    if not isinstance(caps, list):
        return probs + ["report has no captures list"], doc
    if t.get("captures") != want:
        probs.append("totals.captures %r, want %d" % (t.get("captures"),
                                                       want))
    if len(caps) != want:
        probs.append("%d capture entries, want %d" % (len(caps), want))
    if (t.get("saved"), t.get("failed")) != (
            sum(1 for c in caps if c.get("ok")),
            sum(1 for c in caps if not c.get("ok"))):
        probs.append("totals %r disagree with the entries" % t)
    seen = set()
    for c in caps:
        key = (c.get("name"), c.get("type"))
        if key in seen:
            probs.append("duplicate entry %s/%s" % key)
        seen.add(key)
        if c.get("name") not in names or c.get("type") not in TYPES:
            probs.append("unknown entry %r/%r" % key)
        if not c.get("target"):
            probs.append("entry %s/%s has no target" % key)
        if c.get("ok"):
            p = c.get("path")
            if not p or not os.path.isfile(p):
                probs.append("saved %s/%s: file %r missing" % (key + (p,)))
            elif not run_stamp_ok(p):
                probs.append("saved %s/%s: unexpected name %r"
                             % (key + (p,)))
            if c.get("error") is not None:
                probs.append("saved %s/%s carries an error" % key)
        else:
            e = c.get("error")
            if not isinstance(e, dict) or not e.get("code") or \
                    not e.get("message"):
                probs.append("failure %s/%s lacks error code/message: %r"
                             % (key + (e,)))
            if c.get("path") is not None:
                probs.append("failure %s/%s has a path" % key)
    if want and len(seen) != want:
        probs.append("%d distinct entries, want %d" % (len(seen), want))
    return probs, doc


def decode_all(a, files):
    """Run `PATH FILE` on each file; return [(file, message)] failures."""
    def one(p):
        try:
            r = subprocess.run([a.bin, p], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=60)
        except subprocess.TimeoutExpired:
            return p, "timed out"
        if r.returncode != 0:
            msg = r.stderr.decode(errors="replace").strip().splitlines()
            return p, "exit %d: %s" % (r.returncode,
                                        msg[0] if msg else "")
        return None
    workers = max(1, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        return [r for r in ex.map(one, sorted(files)) if r]


# Causes, for the summary: message pattern -> short label.
CAUSES = [
    (r"cancelled by --deadline", "cancelled by --deadline"),
    (r"not started", "not started (--deadline)"),
    (r"^timed out \(--connect-timeout", "timed out (said --connect-timeout)"),
    (r"^timed out", "timed out (--timeout)"),
    (r"reset by peer|Recv failure|closed|Connection died|transfer closed",
     "connection reset/closed"),
    (r"larger than --max-download", "gzip bomb (--max-download)"),
    (r"octet-stream\) is not a profile", "gzip bomb (cut at its first bytes)"),
    (r"text/html", "HTML 200"),
    (r"empty body", "empty 200"),
    (r"^HTTP 50[03]", "HTTP 5xx"),
]


def cause_of(msg):
    for pat, label in CAUSES:
        if re.search(pat, msg):
            return label
    return "other: " + msg[:60]


def fmt_mib(b):
    return "%.1f" % (b / MiB)


def main():
    a = parse_args()
    own_work = a.work is None
    work = a.work or tempfile.mkdtemp(prefix="pprofdiff-soak-")
    os.makedirs(work, exist_ok=True)
    outdir = os.path.join(work, "snaps")
    report = os.path.join(work, "report.json")
    stderr_path = os.path.join(work, "capture.err")
    served = {}
    for t, p in PROFILES.items():
        with open(p, "rb") as f:
            served[t] = hashlib.sha256(f.read()).hexdigest()

    server, port = start_server(a, work)
    names = ["t%03d" % i for i in range(a.targets)]
    argv = [a.bin, "capture", "-q", "-o", outdir, "--keep", str(a.keep),
            "--parallel", str(a.parallel), "--timeout", "%g" % a.timeout,
            "--retries", str(a.retries), "--deadline", "%g" % a.deadline,
            "--report", report]
    argv += ["%s=http://127.0.0.1:%d/%s/debug/pprof/" % (n, port, n)
             for n in names]
    print("soak: %s, %d targets x %d types, every %gs for %gs, keep %d, "
          "parallel %d, fault rate %g (%s), deadline %gs, work %s"
          % (a.bin, a.targets, len(TYPES), a.interval, a.duration, a.keep,
             a.parallel, a.fault_rate, a.faults or "all faults", a.deadline,
             work), flush=True)

    try:
        return soak(a, work, own_work, outdir, report, stderr_path, served,
                    server, port, argv, names)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def soak(a, work, own_work, outdir, report, stderr_path, served, server,
         port, argv, names):
    runs = []            # dicts, one per run
    problems = collections.OrderedDict()  # invariant -> [messages]
    codes = collections.Counter()
    causes = collections.Counter()
    checked = {}         # path -> (ino, size, mtime_ns) already decoded
    hashed = {}          # path -> (ino, size, mtime_ns) already hashed
    decoded = [0]        # files decoded, in all passes
    decode_fail = []
    content_bad = []
    max_per_key = 0
    warnings = collections.Counter()

    def problem(inv, msg):
        problems.setdefault(inv, []).append(msg)

    def decode_pass(final):
        todo = []
        for p in final:
            try:
                st = os.stat(p)
            except FileNotFoundError:
                continue
            sig = (st.st_ino, st.st_size, st.st_mtime_ns)
            if checked.get(p) != sig:
                todo.append((p, sig))
        t0 = time.monotonic()
        bad = decode_all(a, [p for p, _ in todo])
        decoded[0] += len(todo)
        badset = {p for p, _ in bad}
        for p, sig in todo:
            if p not in badset:
                checked[p] = sig
        for p, msg in bad:
            decode_fail.append((p, msg))
            problem("every final file decodes", "%s: %s" % (p, msg))
        return len(todo), len(bad), time.monotonic() - t0

    start = time.monotonic()
    next_check = start + a.check_every
    k = 0
    interrupted = False
    try:
        while True:
            sched = start + k * a.interval
            now = time.monotonic()
            if sched - start >= a.duration:
                break
            if now < sched:
                time.sleep(sched - now)
            try:
                os.unlink(report)
            except FileNotFoundError:
                pass
            t_rel = time.monotonic() - start
            rc, wall, rss, maxrss, fds, sig = run_capture(a, argv,
                                                          stderr_path)
            r = {"i": k, "t": t_rel, "rc": rc, "wall": wall, "rss": rss,
                 "maxrss": maxrss, "fds": fds, "sig": sig}
            tag = "run %3d" % k

            # Exit status and timing.
            if sig is not None:
                problem("every run ends normally",
                        "%s: killed by signal %d" % (tag, sig))
            elif rc not in (0, 1):
                problem("every run ends normally",
                        "%s: exit status %d" % (tag, rc))
            if wall >= a.interval:
                problem("runs fit the interval (--deadline honoured)",
                        "%s: took %.2fs, interval %gs" % (tag, wall,
                                                          a.interval))

            # Files.
            final, temps, strays = scan(outdir)
            r["files"], r["temps"], r["strays"] = \
                len(final), len(temps), len(strays)
            for p in temps:
                problem("no temporary file survives a run",
                        "%s: %s" % (tag, os.path.relpath(p, outdir)))
            for p in strays:
                problem("no file of another name",
                        "%s: %s" % (tag, os.path.relpath(p, outdir)))
            for seen in (checked, hashed):  # forget files --keep removed
                for p in [p for p in seen if p not in final]:
                    del seen[p]
            per_key = collections.Counter(final.values())
            mk = max(per_key.values()) if per_key else 0
            max_per_key = max(max_per_key, mk)
            if mk > a.keep:
                key = max(per_key, key=per_key.get)
                problem("file count flat after --keep fills",
                        "%s: %s/%s holds %d snapshots, --keep %d"
                        % ((tag,) + key + (mk, a.keep)))
            if len(final) > a.targets * 2 * a.keep + a.targets * 2:
                problem("file count flat after --keep fills",
                        "%s: %d files" % (tag, len(final)))
            for p, (_n, typ) in final.items():
                st = os.stat(p)
                ident = (st.st_ino, st.st_size, st.st_mtime_ns)
                if hashed.get(p) == ident:
                    continue
                hashed[p] = ident
                with open(p, "rb") as f:
                    if hashlib.sha256(f.read()).hexdigest() != served[typ]:
                        content_bad.append(p)
                        problem("final files hold the bytes served",
                                "%s: %s" % (tag, os.path.relpath(p, outdir)))

            # Report and stderr.
            stamp = [None]

            def stamp_ok(p):
                m = FINAL_RE.match(os.path.basename(p))
                if not m:
                    return False
                if stamp[0] is None:
                    stamp[0] = m.group(2)
                return m.group(2) == stamp[0]
            probs, doc = check_report(a, report, set(names), stamp_ok)
            saved = failed = None
            if doc is not None:
                t = doc.get("totals") or {}
                saved, failed = t.get("saved"), t.get("failed")
                for c in doc.get("captures") or []:
                    if not c.get("ok") and isinstance(c.get("error"), dict):
                        codes[c["error"].get("code")] += 1
                        msg = c["error"].get("message") or ""
                        causes[cause_of(msg)] += 1
                        # A timeout of a transfer that had bytes flowing
                        # blamed on --connect-timeout.
                        if "--connect-timeout" in msg and \
                                re.search(r"with \d+ out of", msg):
                            warnings["timeout of a started transfer "
                                     "reported as --connect-timeout"] += 1
                if failed is not None and (rc == 0) != (failed == 0):
                    probs.append("exit status %d with %r failed"
                                 % (rc, failed))
            with open(stderr_path, "rb") as f:
                err = f.read().decode(errors="replace").splitlines()
            if failed is not None:
                want = failed + (1 if failed else 0)
                if len(err) != want or \
                        not all(l.startswith("pprofdiff: ") for l in err):
                    probs.append("stderr has %d lines, want %d"
                                 % (len(err), want))
            for p in probs:
                problem("every run's report is complete", "%s: %s"
                        % (tag, p))
            r["saved"], r["failed"] = saved, failed

            # Periodic decode pass, between runs.
            note = ""
            if time.monotonic() >= next_check:
                n, nb, dt = decode_pass(final)
                note = "  decoded %d (%d bad) in %.1fs" % (n, nb, dt)
                next_check = time.monotonic() + a.check_every
            runs.append(r)
            print("%s +%5.0fs rc=%d%s wall=%.2fs rss=%sMiB fds=%d "
                  "saved=%s failed=%s files=%d tmp=%d%s%s"
                  % (tag, t_rel, rc, "" if sig is None else
                     " SIGNAL %d" % sig, wall, fmt_mib(rss), fds, saved,
                     failed, len(final), len(temps),
                     "" if not probs else "  REPORT: " + probs[0], note),
                  flush=True)
            # The next tick not yet passed: ticks that a slow run or a
            # decode pass overran are skipped, not caught up in a burst.
            k = max(k + 1, math.ceil((time.monotonic() - start)
                                     / a.interval))
    except KeyboardInterrupt:
        interrupted = True
        print("soak: interrupted", flush=True)

    elapsed = time.monotonic() - start
    final, temps, strays = scan(outdir)
    # At the end, every file, checked before or not: the full pass.
    decoded[0] += len(final)
    for p, msg in decode_all(a, list(final)):
        decode_fail.append((p, msg))
        problem("every final file decodes", "end: %s: %s" % (p, msg))
    stats = server_stats(port)
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()

    # RSS and fd invariants over the whole series.
    rss = [r["rss"] for r in runs]
    fds = [r["fds"] for r in runs]
    nfiles = [r["files"] for r in runs]
    if runs:
        third = max(1, len(runs) // 3)
        first, last = max(rss[:third]), max(rss[-third:])
        if last > 1.5 * first:
            problem("RSS does not grow",
                    "max of last third %s MiB > 1.5 x max of first third "
                    "%s MiB" % (fmt_mib(last), fmt_mib(first)))
        top = max(max(rss), max(r["maxrss"] for r in runs))
        if top >= RSS_LIMIT_MIB * MiB:
            problem("RSS does not grow", "a run peaked at %s MiB >= %d MiB"
                    % (fmt_mib(top), RSS_LIMIT_MIB))
        if max(fds) >= 2 * a.parallel + 32:
            problem("fds bounded", "peak %d open fds >= 2*%d+32"
                    % (max(fds), a.parallel))
        if not any(r["saved"] for r in runs):
            problem("the fleet was captured at all", "no run saved a file")
    else:
        problem("at least one run", "no run completed")
    if temps:
        problem("no temporary file survives a run",
                "end: %d temporary files" % len(temps))

    # Summary.
    def mmm(xs, f=lambda x: x):
        if not xs:
            return "-"
        return "%s / %s / %s" % (f(min(xs)), f(statistics.median(xs)),
                                 f(max(xs)))
    tot_saved = sum(r["saved"] or 0 for r in runs)
    tot_failed = sum(r["failed"] or 0 for r in runs)
    rows = [
        ("runs", "%d (%d exit 0, %d exit 1, %d other)" % (
            len(runs), sum(r["rc"] == 0 for r in runs),
            sum(r["rc"] == 1 for r in runs),
            sum(r["rc"] not in (0, 1) for r in runs))),
        ("duration", "%.0f s (capture wall min/median/max %s s)" % (
            elapsed, mmm([r["wall"] for r in runs], lambda x: "%.2f" % x))),
        ("captures", "%d saved, %d failed (%.1f%%)" % (
            tot_saved, tot_failed,
            100.0 * tot_failed / max(1, tot_saved + tot_failed))),
        ("RSS per run, MiB", "min/median/max %s; first third max %s, "
         "last third max %s" % (
             mmm(rss, fmt_mib),
             fmt_mib(max(rss[:max(1, len(rss) // 3)])) if rss else "-",
             fmt_mib(max(rss[-max(1, len(rss) // 3):])) if rss else "-")),
        ("wait4 ru_maxrss, MiB", "min/median/max %s (floored by this "
         "script's own RSS, see run_capture)" % mmm(
             [r["maxrss"] for r in runs], fmt_mib)),
        ("open fds, max", "%s (bound %d)" % (max(fds) if fds else "-",
                                              2 * a.parallel + 32)),
        ("files first/last/max", "%s / %s / %s (bound %d; most per "
         "target+type %d, --keep %d)" % (
             nfiles[0] if nfiles else "-", nfiles[-1] if nfiles else "-",
             max(nfiles) if nfiles else "-", a.targets * 2 * a.keep,
             max_per_key, a.keep)),
        ("temp files left", "%d (after runs: %d in total)" % (
            len(temps), sum(r["temps"] for r in runs))),
        ("files decoded", "%d in all, %d of them at the end (full pass)"
         % (decoded[0], len(final))),
        ("decode failures", "%d" % len({p for p, _ in decode_fail})),
        ("content mismatches", "%d" % len(set(content_bad))),
        ("failures by error.code", ", ".join(
            "%s %d" % kv for kv in codes.most_common()) or "none"),
        ("failures by cause", ", ".join(
            "%s %d" % kv for kv in causes.most_common()) or "none"),
        ("server answers", ", ".join(
            "%s %d" % kv for kv in sorted(stats.items()))),
    ]
    print("\nsummary")
    w = max(len(k) for k, _ in rows)
    for k, v in rows:
        print("  %-*s  %s" % (w, k, v))
    for wmsg, n in warnings.items():
        print("  warning: %s: %d times" % (wmsg, n))
    ok = not problems and not interrupted
    if ok:
        print("PASS")
    else:
        print("FAIL")
        if interrupted:
            print("  interrupted")
        for inv, msgs in problems.items():
            print("  %s: %d violation(s), e.g. %s" % (inv, len(msgs),
                                                        msgs[0]))
    if own_work and ok and not a.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("work directory kept: %s" % work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
