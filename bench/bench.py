#!/usr/bin/env python3
"""Benchmark pprofdiff against `gzip -dc` and `go tool pprof -diff_base`.

Runs each command N times on the same BASE/CUR pair and prints best and
median wall time and peak RSS (ru_maxrss from wait4, which also covers
waited-for descendants such as the pprof binary that `go tool` runs).

Usage: bench.py [options] [BASE CUR]
With no BASE CUR, uses build/bench/big-{0,1}.pb.gz, generating them with
testdata/gen/bigheap.sh if missing. Standard library only.
"""

import argparse
import gzip
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------- measuring

# ru_maxrss of a child is at least the RSS of the process it was forked
# from (Linux copies the parent's high-water mark into the child at exec,
# and vfork/posix_spawn share it outright), so a child spawned straight
# from this Python process would never report less than ~10-90 MiB. So
# each command is forked by a tiny /bin/sh that exits at once; this
# process is a child subreaper (prctl), adopts the orphan, and reaps it
# with wait4, whose rusage then covers only the command (plus any
# descendants it waited for, e.g. the pprof binary that `go tool` runs).
LAUNCH = '"$@" </dev/null >/dev/null & echo $!'


def enable_subreaper():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except Exception:
        return False


SUBREAPER = False


def run_once(argv, timeout, env=None, cwd=None):
    """Run argv with stdout to /dev/null. Returns (wall_s, maxrss_kib,
    cpu_s, rc, stderr_text, timed_out)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        if SUBREAPER:
            sh = subprocess.Popen(["/bin/sh", "-c", LAUNCH, "sh", *argv],
                                  stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=err,
                                  env=env, cwd=cwd, start_new_session=True)
            out = sh.stdout.read()
            sh.stdout.close()
            if sh.wait() != 0 or not out.strip().isdigit():
                raise BenchError(f"launcher failed for {' '.join(argv)}")
            pid, pgid = int(out), sh.pid
        else:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err,
                                 env=env, cwd=cwd, start_new_session=True)
            pid = pgid = p.pid
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        if not SUBREAPER:
            p.returncode = rc  # already reaped; keep Popen quiet
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return (wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, rc,
            text, timed_out.is_set())


def measure(name, argv, reps, timeout, env=None, cwd=None, fatal_timeout=True):
    """Returns a result dict; raises BenchError if the command fails."""
    walls, rss, cpus = [], [], []
    for i in range(reps):
        log(f"  {name}: run {i + 1}/{reps} ...")
        wall, maxrss, cpu, rc, err, to = run_once(argv, timeout, env, cwd)
        if to:
            if fatal_timeout:
                raise BenchError(f"{name}: timed out after {timeout:g}s")
            log(f"  {name}: timed out after {timeout:g}s")
            return {"name": name, "timeout": timeout}
        if rc != 0:
            tail = "\n".join(err.strip().splitlines()[-15:])
            raise BenchError(f"{name}: exit status {rc}\n"
                             f"  command: {' '.join(argv)}\n{tail}")
        walls.append(wall)
        rss.append(maxrss)
        cpus.append(cpu)
    return {"name": name, "best": min(walls),
            "median": statistics.median(walls),
            "cpu": statistics.median(cpus),
            "rss_mib": max(rss) / 1024.0, "reps": reps}


# ------------------------------------------------------------------ inputs

def default_inputs(outdir, regen):
    base = os.path.join(outdir, "big-0.pb.gz")
    cur = os.path.join(outdir, "big-1.pb.gz")
    if not regen and os.path.isfile(base) and os.path.isfile(cur):
        log(f"reusing {base} and {cur}")
        return base, cur
    gen = os.path.join(REPO, "testdata", "gen", "bigheap.sh")
    if not os.path.isfile(gen):
        raise BenchError(f"missing generator {gen}")
    if shutil.which("go") is None:
        raise BenchError("go is needed to generate the default inputs "
                         "(or pass BASE CUR)")
    log(f"generating inputs with {gen} {outdir} (~15 s) ...")
    t0 = time.perf_counter()
    r = subprocess.run(["bash", gen, outdir], stdout=sys.stderr,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise BenchError(f"bigheap.sh failed with status {r.returncode}")
    log(f"generated in {time.perf_counter() - t0:.1f}s")
    return base, cur


def read_varint(data, i):
    v = s = 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7F) << s
        s += 7
        if b < 0x80:
            return v, i


def sample_count(path):
    """Number of top-level Profile.sample (field 2) entries, or None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        n = i = 0
        end = len(data)
        while i < end:
            tag, i = read_varint(data, i)
            wt = tag & 7
            if wt == 2:
                ln, i = read_varint(data, i)
                i += ln
                if tag >> 3 == 2:
                    n += 1
            elif wt == 0:
                while data[i] & 0x80:
                    i += 1
                i += 1
            elif wt == 1:
                i += 8
            elif wt == 5:
                i += 4
            else:
                return None
        return n if i == end else None
    except Exception:
        return None


# ------------------------------------------------------------ machine info

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, val = line.partition(":")
                if key.strip() in ("model name", "Hardware", "cpu model"):
                    return val.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError):
        pass
    return None


def cmake_build_type(binary):
    cache = os.path.join(os.path.dirname(os.path.abspath(binary)),
                         "CMakeCache.txt")
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip() or "(empty)"
    except OSError:
        pass
    return None


def tool_version(argv, env=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                           env=env)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except Exception:
        return "unknown"


# ----------------------------------------------------------------- output

def fmt_mib(n):
    return f"{n / (1024 * 1024):.1f} MiB"


def ratio(a, b):
    return f"{a / b:.1f}x" if b > 0 else "n/a"


def print_table(results):
    w = max(len(r["name"]) for r in results)
    head = (f"{'command':<{w}}  {'runs':>4}  {'best s':>8}  {'median s':>8}"
            f"  {'cpu s':>8}  {'peak MiB':>8}")
    print(head)
    print("-" * len(head))
    for r in results:
        if r.get("skipped"):
            print(f"{r['name']:<{w}}  skipped ({r['skipped']})")
        elif "timeout" in r:
            print(f"{r['name']:<{w}}  timeout (> {r['timeout']:g} s)")
        else:
            print(f"{r['name']:<{w}}  {r['reps']:>4}  {r['best']:>8.3f}"
                  f"  {r['median']:>8.3f}  {r['cpu']:>8.3f}"
                  f"  {r['rss_mib']:>8.1f}")


def main():
    ap = argparse.ArgumentParser(
        description="Time pprofdiff vs gzip -dc and go tool pprof.")
    ap.add_argument("inputs", nargs="*", metavar="BASE CUR",
                    help="profiles to diff (default: generated big heap pair)")
    ap.add_argument("--pprofdiff", default=os.path.join(REPO, "build",
                                                        "pprofdiff"),
                    help="pprofdiff binary (default: build/pprofdiff)")
    ap.add_argument("-r", "--reps", type=int, default=3,
                    help="runs of pprofdiff and gzip (default 3)")
    ap.add_argument("--go-reps", type=int, default=1,
                    help="runs of go tool pprof (default 1; 0 skips it)")
    ap.add_argument("--timeout", type=float, default=300,
                    help="per-run timeout for pprofdiff/gzip, s (default 300)")
    ap.add_argument("--go-timeout", type=float, default=600,
                    help="per-run timeout for go tool pprof, s (default 600)")
    ap.add_argument("--outdir", default=os.path.join(REPO, "build", "bench"),
                    help="where default inputs live (default: build/bench)")
    ap.add_argument("--regen", action="store_true",
                    help="regenerate the default inputs even if present")
    ap.add_argument("--no-tsv", action="store_true",
                    help="skip the pprofdiff --format tsv runs")
    args = ap.parse_args()
    if len(args.inputs) not in (0, 2):
        ap.error("give both BASE and CUR, or neither")
    if args.reps < 1 or args.go_reps < 0:
        ap.error("--reps must be >= 1 and --go-reps >= 0")

    t_start = time.perf_counter()
    global SUBREAPER
    SUBREAPER = enable_subreaper() and os.access("/bin/sh", os.X_OK)
    pd = args.pprofdiff
    if not (os.path.isfile(pd) and os.access(pd, os.X_OK)):
        raise BenchError(f"pprofdiff binary not found: {pd}\n  build it: "
                         "cmake -B build -DCMAKE_BUILD_TYPE=Release && "
                         "cmake --build build -j2")
    if shutil.which("gzip") is None:
        raise BenchError("gzip not found")

    if args.inputs:
        base, cur = args.inputs
        for p in (base, cur):
            if not os.path.isfile(p):
                raise BenchError(f"no such input: {p}")
    else:
        base, cur = default_inputs(args.outdir, args.regen)

    go = shutil.which("go")
    go_env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off",
                  GOFLAGS="-mod=mod")

    # ---- header
    btype = cmake_build_type(pd)
    print("pprofdiff benchmark")
    print(f"machine:   {cpu_model()}, nproc {os.cpu_count()}"
          + (f", {mem_total_gib():.1f} GiB RAM" if mem_total_gib() else "")
          + f", {platform.system()} {platform.release()}")
    print(f"pprofdiff: {pd} ({tool_version([pd, '-V'])}, "
          f"CMAKE_BUILD_TYPE={btype or 'unknown'})")
    if btype and btype != "Release":
        print("           warning: not a Release build; numbers may be "
              "pessimistic")
    print(f"go:        {tool_version([go, 'version'], go_env) if go else 'not found'}")
    for label, p in (("base", base), ("cur", cur)):
        n = sample_count(p)  # also warms the page cache
        print(f"{label + ':':<10} {p}  {fmt_mib(os.path.getsize(p))}"
              + (f", {n} samples" if n is not None else ""))
    print(f"runs:      {args.reps} each for pprofdiff and gzip, "
          f"{args.go_reps} for go tool pprof; peak = max ru_maxrss")
    if not SUBREAPER:
        print("           warning: no PR_SET_CHILD_SUBREAPER; peak RSS "
              "includes this Python process's RSS as a floor")
    print(flush=True)

    # ---- measure
    results = []
    log("measuring ...")
    gz = measure("gzip -dc BASE CUR", ["gzip", "-dc", base, cur],
                 args.reps, args.timeout)
    pdt = measure("pprofdiff BASE CUR", [pd, base, cur],
                  args.reps, args.timeout)
    results += [pdt]
    pdtsv = None
    if not args.no_tsv:
        pdtsv = measure("pprofdiff --format tsv BASE CUR",
                        [pd, "--format", "tsv", base, cur],
                        args.reps, args.timeout)
        results.append(pdtsv)
    results.append(gz)

    goname = "go tool pprof -top -diff_base=BASE CUR"
    gor = None
    if go is None:
        results.append({"name": goname, "skipped": "go not found"})
    elif args.go_reps == 0:
        results.append({"name": goname, "skipped": "--go-reps 0"})
    else:
        log("  warming up go tool pprof -h ...")
        run_once([go, "tool", "pprof", "-h"], args.go_timeout, go_env, REPO)
        gor = measure(goname,
                      [go, "tool", "pprof", "-top", f"-diff_base={base}", cur],
                      args.go_reps, args.go_timeout, go_env, REPO,
                      fatal_timeout=False)
        results.append(gor)

    # ---- report
    print_table(results)
    print()
    print("ratios (median wall time; peak RSS):")
    pds = [r for r in (pdt, pdtsv) if r]
    if gor and "timeout" not in gor:
        for r in pds:
            print(f"  go-pprof / {r['name']:<31} time {ratio(gor['median'], r['median']):>7}"
                  f"   mem {ratio(gor['rss_mib'], r['rss_mib']):>7}")
    elif gor:
        for r in pds:
            print(f"  go-pprof / {r['name']:<31} time > "
                  f"{ratio(gor['timeout'], r['median'])} (go timed out)")
    else:
        print("  go-pprof / pprofdiff: skipped")
    for r in pds:
        print(f"  {r['name']:<31} / gzip -dc   time {ratio(r['median'], gz['median']):>7}")
    print()
    print(f"total bench time: {time.perf_counter() - t_start:.1f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        log(f"bench: error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
