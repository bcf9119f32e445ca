#!/usr/bin/env python3
"""Benchmark pprofdiff against `gzip -dc` and `go tool pprof -diff_base`.

Runs each command N times on the same BASE/CUR pair and prints best and
median wall time and peak RSS (ru_maxrss from wait4, which also covers
waited-for descendants such as the pprof binary that `go tool` runs).

Usage: bench.py [options] [BASE CUR]
With no BASE CUR, benchmarks both generated shapes, build/bench/big-{0,1}
and build/bench/deep-{0,1} (testdata/gen/bigheap.sh and deepheap.sh make
them if missing). --scaling times pprofdiff on the deep shape at four
sizes; --hostile on a goroutine pair and two synthetic inputs.
Standard library only. See bench/README.md.
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
GEN = os.path.join(REPO, "testdata", "gen")


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


def measure(name, argv, reps, timeout, env=None, cwd=None, fatal_timeout=True,
            fatal_status=True):
    """Returns a result dict. A timeout or a nonzero exit status raises
    BenchError when fatal; otherwise the dict records it ("timeout", or
    "rc" and "error", the first stderr line, with the run's numbers)."""
    walls, rss, cpus = [], [], []
    rc, first_err = 0, ""
    for i in range(reps):
        log(f"  {name}: run {i + 1}/{reps} ...")
        wall, maxrss, cpu, rc, err, to = run_once(argv, timeout, env, cwd)
        if to:
            if fatal_timeout:
                raise BenchError(f"{name}: timed out after {timeout:g}s")
            log(f"  {name}: timed out after {timeout:g}s")
            return {"name": name, "timeout": timeout}
        if rc != 0:
            if fatal_status:
                tail = "\n".join(err.strip().splitlines()[-15:])
                raise BenchError(f"{name}: exit status {rc}\n"
                                 f"  command: {' '.join(argv)}\n{tail}")
            lines = err.strip().splitlines()
            first_err = lines[0] if lines else "(no message)"
        walls.append(wall)
        rss.append(maxrss)
        cpus.append(cpu)
    return {"name": name, "best": min(walls),
            "median": statistics.median(walls),
            "cpu": statistics.median(cpus),
            "rss_mib": max(rss) / 1024.0, "reps": reps,
            "rc": rc, "error": first_err}


# ------------------------------------------------------------------ inputs

# The generated benchmark shapes: name -> (script in testdata/gen, the two
# files it writes into OUTDIR, a description).
SHAPES = {
    "big": ("bigheap.sh", ("big-0.pb.gz", "big-1.pb.gz"),
            "heap pair, ~500k samples over distinct 12-level stacks "
            "(testdata/gen/bigheap.sh)"),
    "deep": ("deepheap.sh", ("deep-0.pb.gz", "deep-1.pb.gz"),
             "heap pair, 2^19 distinct 23-frame stacks; a quarter of them "
             "grow (testdata/gen/deepheap.sh)"),
}
DEEP_STACKS = 1 << 19  # deepheap.sh's default size


def run_generator(argv, timeout):
    """Run a fixture script in its own process group; on a timeout, TERM
    the group (the scripts then stop their leakd and clean up), then KILL."""
    log(f"generating: {' '.join(argv)} ...")
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=sys.stderr, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        rc = p.wait(timeout)
    except subprocess.TimeoutExpired:
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(grace)
                break
            except subprocess.TimeoutExpired:
                pass
        raise BenchError(f"{os.path.basename(argv[1])} timed out after "
                         f"{timeout:g}s")
    if rc != 0:
        raise BenchError(f"{os.path.basename(argv[1])} failed with status "
                         f"{rc}")
    log(f"generated in {time.perf_counter() - t0:.1f}s")


def generated_pair(script, names, outdir, args, extra=()):
    """The two files script writes into outdir, made if missing (or with
    --regen). Returns their paths."""
    paths = [os.path.join(outdir, n) for n in names]
    if not args.regen and all(os.path.isfile(p) for p in paths):
        log(f"reusing {paths[0]} and {paths[1]}")
        return paths
    gen = os.path.join(GEN, script)
    if not os.path.isfile(gen):
        raise BenchError(f"missing generator {gen}")
    if shutil.which("go") is None:
        raise BenchError(f"go is needed to generate {', '.join(names)} "
                         "(or pass BASE CUR)")
    run_generator(["bash", gen, outdir, *map(str, extra)], args.gen_timeout)
    for p in paths:
        if not os.path.isfile(p):
            raise BenchError(f"{script} did not write {p}")
    return paths


def read_varint(data, i):
    v = s = 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7F) << s
        s += 7
        if b < 0x80:
            return v, i


def profile_stats(path, count=True):
    """(samples, inflated bytes) of a profile; either is None if unknown.
    samples counts the top-level Profile.sample (field 2) entries; with
    count=False only the inflated size is found, by streaming."""
    n = size = None
    try:
        with open(path, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
        if not count:
            if not gz:
                return None, os.path.getsize(path)
            size = 0
            with gzip.open(path, "rb") as f:
                while True:
                    chunk = f.read(1 << 22)
                    if not chunk:
                        return None, size
                    size += len(chunk)
        with open(path, "rb") as f:
            data = f.read()
        if gz:
            data = gzip.decompress(data)
        size = len(data)
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
                return None, size
        return (n if i == end else None), size
    except Exception:
        return None, size


# -------------------------------------------------- synthetic hostile inputs

def pbenc():
    sys.path.insert(0, os.path.join(REPO, "tests"))
    try:
        import pbenc as enc
    except ImportError as e:
        raise BenchError(f"tests/pbenc.py (the protobuf encoder) not "
                         f"importable: {e}")
    return enc


NFUNCS = 1000  # functions f0..f999, location i+1 -> function i+1


def write_synthetic(path, sample_chunks):
    """Write a gzipped profile (sample type samples/count, NFUNCS one-frame
    locations, as in tests/stress/pathological.py) whose samples are the
    encoded bytes that sample_chunks yields, atomically. Returns the
    inflated size."""
    enc = pbenc()
    head = bytearray(enc.f_bytes(1, enc.f_varint(1, 1) + enc.f_varint(2, 2)))
    for i in range(NFUNCS):
        head += enc.f_bytes(5, enc.f_varint(1, i + 1) + enc.f_varint(2, 3 + i))
        head += enc.f_bytes(4, enc.f_varint(1, i + 1) +
                            enc.f_bytes(4, enc.f_varint(1, i + 1)))
    tail = b"".join(enc.f_bytes(6, s.encode()) for s in
                    ["", "samples", "count"] +
                    ["f%d" % i for i in range(NFUNCS)])
    tmp = path + ".tmp"
    size = 0
    with gzip.open(tmp, "wb", compresslevel=6) as f:
        for chunk in (bytes(head), *sample_chunks, tail):
            f.write(chunk)
            size += len(chunk)
    os.replace(tmp, path)
    return size


def synthetic_inputs(outdir, regen):
    """The small base and the two hostile synthetic profiles, made with
    tests/pbenc.py if missing. Returns {name: path}."""
    enc = pbenc()
    os.makedirs(outdir, exist_ok=True)

    def sample(locs_field, value=1):
        return enc.f_bytes(2, locs_field + enc.f_packed(2, [value]))

    def small_base():
        yield sample(enc.f_packed(1, [1]))

    def identical():  # 20M samples, each the one-frame stack f0, value 1
        rec = sample(enc.f_packed(1, [1]))
        for _ in range(20):
            yield rec * 1_000_000

    def long_stack():  # one sample, 50M location ids 1..1000 repeated
        cycle = b"".join(enc.varint(1 + i % NFUNCS) for i in range(NFUNCS))
        reps = 50_000_000 // NFUNCS
        ids_len = len(cycle) * reps
        value = enc.f_packed(2, [1])
        locs_head = enc.tag(1, 2) + enc.varint(ids_len)
        inner_len = len(locs_head) + ids_len + len(value)
        yield enc.tag(2, 2) + enc.varint(inner_len) + locs_head
        for _ in range(reps // 1000):
            yield cycle * 1000
        yield value

    files = {"base": ("small-base.pb.gz", small_base),
             "identical": ("identical-20M.pb.gz", identical),
             "long": ("stack-50M.pb.gz", long_stack)}
    out = {}
    for key, (name, gen) in files.items():
        path = os.path.join(outdir, name)
        if regen or not os.path.isfile(path):
            log(f"writing {path} ...")
            write_synthetic(path, gen())
        out[key] = path
    return out


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


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def describe_input(label, path, count=True):
    n, size = profile_stats(path, count)  # also warms the page cache
    extra = []
    if size is not None:
        extra.append(f"{fmt_mib(size)} inflated")
    if n is not None:
        extra.append(f"{n} samples")
    print(f"{label + ':':<10} {path}  {fmt_mib(os.path.getsize(path))}"
          + (f" ({', '.join(extra)})" if extra else ""))
    return n, size


# ------------------------------------------------------------------ modes

class Env:
    """What every mode needs: options, binaries."""

    def __init__(self, args):
        self.args = args
        self.pd = args.pprofdiff
        self.go = shutil.which("go")
        self.go_env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off",
                           GOFLAGS="-mod=mod")
        self.go_warm = False


def bench_pair(env, title, base, cur):
    """pprofdiff, gzip -dc and go tool pprof on one pair: the table and the
    ratios."""
    a = env.args
    print(f"== {title}")
    describe_input("base", base)
    describe_input("cur", cur)
    print()
    results = []
    log(f"measuring {title} ...")
    gz = measure("gzip -dc BASE CUR", ["gzip", "-dc", base, cur],
                 a.reps, a.timeout)
    pdt = measure("pprofdiff BASE CUR", [env.pd, base, cur],
                  a.reps, a.timeout)
    results.append(pdt)
    pdtsv = None
    if not a.no_tsv:
        pdtsv = measure("pprofdiff --format tsv BASE CUR",
                        [env.pd, "--format", "tsv", base, cur],
                        a.reps, a.timeout)
        results.append(pdtsv)
    # The views and pictures, each against the default stack view.
    views = []
    if not a.no_views:
        for label, extra in (("--by function", ["--by", "function"]),
                             ("--format svg", ["--format", "svg"]),
                             ("--format html", ["--format", "html"])):
            r = measure(f"pprofdiff {label} BASE CUR",
                        [env.pd] + extra + [base, cur], a.reps, a.timeout)
            results.append(r)
            views.append(r)
    results.append(gz)

    goname = "go tool pprof -top -diff_base=BASE CUR"
    gor = None
    if env.go is None:
        results.append({"name": goname, "skipped": "go not found"})
    elif a.go_reps == 0:
        results.append({"name": goname, "skipped": "--go-reps 0"})
    else:
        if not env.go_warm:
            log("  warming up go tool pprof -h ...")
            run_once([env.go, "tool", "pprof", "-h"], a.go_timeout,
                     env.go_env, REPO)
            env.go_warm = True
        gor = measure(goname,
                      [env.go, "tool", "pprof", "-top", f"-diff_base={base}",
                       cur],
                      a.go_reps, a.go_timeout, env.go_env, REPO,
                      fatal_timeout=False)
        results.append(gor)

    print_table(results)
    print()
    print("ratios (median wall time; peak RSS):")
    pds = [r for r in (pdt, pdtsv) if r]
    if gor and "timeout" not in gor:
        for r in pds:
            print(f"  go-pprof / {r['name']:<31} time "
                  f"{ratio(gor['median'], r['median']):>7}"
                  f"   mem {ratio(gor['rss_mib'], r['rss_mib']):>7}")
    elif gor:
        for r in pds:
            print(f"  go-pprof / {r['name']:<31} time > "
                  f"{ratio(gor['timeout'], r['median'])} (go timed out)")
    else:
        print("  go-pprof / pprofdiff: skipped")
    for r in pds:
        print(f"  {r['name']:<31} / gzip -dc   time "
              f"{ratio(r['median'], gz['median']):>7}")
    for r in views:
        print(f"  {r['name']:<38} / pprofdiff BASE CUR   time "
              f"{r['median'] / pdt['median']:>6.2f}x")
    print(flush=True)


def mode_shapes(env, shapes):
    for name in shapes:
        script, names, about = SHAPES[name]
        base, cur = generated_pair(script, names, env.args.outdir, env.args)
        bench_pair(env, f"shape {name}: {about}", base, cur)


SCALES = ((1, 4), (1, 2), (1, 1), (2, 1))  # times DEEP_STACKS


def mode_scaling(env):
    """pprofdiff BASE CUR on deep pairs of 1/4, 1/2, 1 and 2 times the
    deep shape's stacks."""
    a = env.args
    rows = []
    for num, den in SCALES:
        stacks = DEEP_STACKS * num // den
        # The 1x pair is the deep shape itself.
        outdir = (a.outdir if stacks == DEEP_STACKS else
                  os.path.join(a.outdir, f"deep-{stacks}"))
        base, cur = generated_pair("deepheap.sh", SHAPES["deep"][1], outdir,
                                   a, (stacks,))
        (nb, sb), (nc, sc) = profile_stats(base), profile_stats(cur)
        log(f"measuring scaling {num}/{den} ...")
        r = measure(f"pprofdiff {num}/{den}", [env.pd, base, cur],
                    a.reps, a.timeout)
        size = "1" if den == 1 and num == 1 else (
            f"{num}" if den == 1 else f"{num}/{den}")
        rows.append({"size": size + "x", "stacks": stacks, "base": base,
                     "samples": (nb or 0) + (nc or 0),
                     "inflated": (sb or 0) + (sc or 0), **r})

    ref = next(r for r in rows if r["stacks"] == DEEP_STACKS)
    print("== scaling: pprofdiff BASE CUR on the deep shape at 1/4, 1/2, 1 "
          "and 2 times its stacks")
    print(f"   (testdata/gen/deepheap.sh OUTDIR STACKS; runs each: {a.reps};"
          " samples and inflated MiB are base+cur;")
    print("    ns/sample = median wall / samples; B/sample = peak RSS / "
          "samples; vs 1x = this row / the 1x row)")
    for r in rows:
        print(f"   {r['size']:>4}: {os.path.dirname(r['base'])}/"
              "deep-{0,1}.pb.gz")
    print()
    head = (f"{'size':>4}  {'stacks':>8}  {'samples':>9}  {'inflated MiB':>12}"
            f"  {'best s':>7}  {'median s':>8}  {'cpu s':>7}"
            f"  {'peak MiB':>8}  {'ns/sample':>9}  {'B/sample':>8}"
            f"  {'time vs 1x':>10}  {'peak vs 1x':>10}")
    print(head)
    print("-" * len(head))
    for r in rows:
        n = max(r["samples"], 1)
        print(f"{r['size']:>4}  {r['stacks']:>8}  {r['samples']:>9}"
              f"  {r['inflated'] / 2**20:>12.1f}  {r['best']:>7.3f}"
              f"  {r['median']:>8.3f}  {r['cpu']:>7.3f}  {r['rss_mib']:>8.1f}"
              f"  {r['median'] * 1e9 / n:>9.0f}"
              f"  {r['rss_mib'] * 2**20 / n:>8.0f}"
              f"  {r['median'] / ref['median']:>9.2f}x"
              f"  {r['rss_mib'] / ref['rss_mib']:>9.2f}x")
    print(flush=True)


TREND_SNAPSHOTS = 10


def mode_trend(env):
    """pprofdiff trend over 2, 5 and 10 deep heap snapshots against
    gzip -dc of the same files: time per snapshot and peak memory."""
    a = env.args
    outdir = os.path.join(a.outdir, "deep-trend")
    names = [f"deep-{k}.pb.gz" for k in range(TREND_SNAPSHOTS)]
    paths = [os.path.join(outdir, n) for n in names]
    if a.regen or not all(os.path.isfile(p) for p in paths):
        if shutil.which("go") is None:
            raise BenchError("go is needed to generate the trend snapshots")
        os.environ["SNAPSHOTS"] = str(TREND_SNAPSHOTS)
        run_generator(["bash", os.path.join(GEN, "deepheap.sh"), outdir],
                      a.gen_timeout)
    print(f"== trend: pprofdiff trend over deep heap snapshots "
          f"(SNAPSHOTS={TREND_SNAPSHOTS} testdata/gen/deepheap.sh; "
          f"2^19 stacks, a quarter growing before each)")
    rows = []
    for n in (2, 5, TREND_SNAPSHOTS):
        files = paths[:n]
        samples = inflated = 0
        for f in files:
            ns, sb = profile_stats(f)
            samples += ns or 0
            inflated += sb or 0
        log(f"measuring trend over {n} snapshots ...")
        gz = measure(f"gzip -dc x{n}", ["gzip", "-dc"] + files, a.reps,
                     a.timeout)
        tr = measure(f"pprofdiff trend x{n}", [env.pd, "trend"] + files,
                     a.reps, a.timeout)
        rows.append((n, samples, inflated, tr, gz))
    head = (f"{'snapshots':>9}  {'samples':>9}  {'inflated MiB':>12}"
            f"  {'trend s':>8}  {'gzip -dc s':>10}  {'vs gzip':>7}"
            f"  {'peak MiB':>8}  {'s/snapshot':>10}")
    print(head)
    print("-" * len(head))
    for n, samples, inflated, tr, gz in rows:
        print(f"{n:>9}  {samples:>9}  {inflated / 2**20:>12.1f}"
              f"  {tr['median']:>8.3f}  {gz['median']:>10.3f}"
              f"  {ratio(tr['median'], gz['median']):>7}"
              f"  {tr['rss_mib']:>8.1f}  {tr['median'] / n:>10.3f}")
    print(flush=True)


def mode_hostile(env):
    """A real 100k-goroutine pair and two synthetic hostile profiles. A
    refusal (nonzero exit with an error line) is a result, not a failure."""
    a = env.args
    parked = generated_pair("parked.sh", ("parked-0.pb.gz", "parked-1.pb.gz"),
                            a.outdir, a, (100_000,))
    syn = synthetic_inputs(os.path.join(a.outdir, "hostile"), a.regen)
    cases = [
        ("goroutines 100k -> 125k", "real: leakd /park, "
         "/debug/pprof/goroutine (testdata/gen/parked.sh)", *parked),
        ("20M identical samples", "synthetic (tests/pbenc.py); "
         "base: one sample", syn["base"], syn["identical"]),
        ("one sample, 50M frames", "synthetic (tests/pbenc.py); "
         "location ids 1..1000 repeated; base: one sample",
         syn["base"], syn["long"]),
    ]
    print(f"== hostile inputs: pprofdiff BASE CUR (default options), "
          f"runs each: {a.reps}")
    for name, how, base, cur in cases:
        print(f"{name}: {how}")
        describe_input("  base", base, count=False)
        describe_input("  cur", cur, count=False)
    print()
    rows = []
    for name, _how, base, cur in cases:
        log(f"measuring hostile: {name} ...")
        r = measure(name, [env.pd, base, cur], a.reps, a.timeout,
                    fatal_timeout=False, fatal_status=False)
        rows.append(r)
    w = max(len(r["name"]) for r in rows)
    head = (f"{'case':<{w}}  {'result':<12}  {'best s':>7}  {'median s':>8}"
            f"  {'cpu s':>7}  {'peak MiB':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        if "timeout" in r:
            print(f"{r['name']:<{w}}  timeout (> {r['timeout']:g} s)")
            continue
        res = "ok" if r["rc"] == 0 else f"error (rc {r['rc']})"
        print(f"{r['name']:<{w}}  {res:<12}  {r['best']:>7.3f}"
              f"  {r['median']:>8.3f}  {r['cpu']:>7.3f}  {r['rss_mib']:>8.1f}")
    errors = [r for r in rows if r.get("rc")]
    if errors:
        print()
        for r in errors:
            print(f"{r['name']}: {r['error']}")
    print(flush=True)


# ------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description="Time pprofdiff vs gzip -dc and go tool pprof.")
    ap.add_argument("inputs", nargs="*", metavar="BASE CUR",
                    help="profiles to diff (default: the generated shapes)")
    ap.add_argument("--pprofdiff", default=os.path.join(REPO, "build",
                                                        "pprofdiff"),
                    help="pprofdiff binary (default: build/pprofdiff)")
    ap.add_argument("--shapes", default="big,deep",
                    help="generated shapes to benchmark, comma-separated "
                    "(default big,deep)")
    ap.add_argument("--scaling", action="store_true",
                    help="instead: pprofdiff on the deep shape at 1/4, 1/2, "
                    "1 and 2 times its size")
    ap.add_argument("--hostile", action="store_true",
                    help="instead: pprofdiff on a 100k-goroutine pair, 20M "
                    "identical samples and a 50M-frame stack")
    ap.add_argument("--trend", action="store_true",
                    help="instead: pprofdiff trend over 2, 5 and 10 deep "
                    "heap snapshots, against gzip -dc")
    ap.add_argument("-r", "--reps", type=int, default=3,
                    help="runs of pprofdiff and gzip (default 3)")
    ap.add_argument("--go-reps", type=int, default=1,
                    help="runs of go tool pprof (default 1; 0 skips it)")
    ap.add_argument("--timeout", type=float, default=300,
                    help="per-run timeout for pprofdiff/gzip, s (default 300)")
    ap.add_argument("--go-timeout", type=float, default=600,
                    help="per-run timeout for go tool pprof, s (default 600)")
    ap.add_argument("--gen-timeout", type=float, default=900,
                    help="timeout for each input generator, s (default 900)")
    ap.add_argument("--outdir", default=os.path.join(REPO, "build", "bench"),
                    help="where generated inputs live (default: build/bench)")
    ap.add_argument("--regen", action="store_true",
                    help="regenerate the inputs used even if present")
    ap.add_argument("--no-views", action="store_true",
                    help="skip the --by function, svg and html runs")
    ap.add_argument("--no-tsv", action="store_true",
                    help="skip the pprofdiff --format tsv runs")
    args = ap.parse_args()
    if len(args.inputs) not in (0, 2):
        ap.error("give both BASE and CUR, or neither")
    if args.inputs and (args.scaling or args.hostile or args.trend):
        ap.error("--scaling and --hostile make their own inputs; "
                 "drop BASE CUR")
    if args.reps < 1 or args.go_reps < 0:
        ap.error("--reps must be >= 1 and --go-reps >= 0")
    shapes = [s for s in args.shapes.split(",") if s]
    for s in shapes:
        if s not in SHAPES:
            ap.error(f"unknown shape {s!r} (known: {', '.join(SHAPES)})")

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
    for p in args.inputs:
        if not os.path.isfile(p):
            raise BenchError(f"no such input: {p}")
    env = Env(args)

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
    print(f"go:        {tool_version([env.go, 'version'], env.go_env) if env.go else 'not found'}")
    print(f"runs:      {args.reps} each for pprofdiff and gzip, "
          f"{args.go_reps} for go tool pprof; peak = max ru_maxrss")
    if not SUBREAPER:
        print("           warning: no PR_SET_CHILD_SUBREAPER; peak RSS "
              "includes this Python process's RSS as a floor")
    print(f"load:      {loadavg()} (1-min average at start; other work on "
          "the machine skews the numbers)")
    print(flush=True)

    if args.inputs:
        bench_pair(env, "given pair", *args.inputs)
    elif args.scaling or args.hostile or args.trend:
        if args.trend:
            mode_trend(env)
        if args.scaling:
            mode_scaling(env)
        if args.hostile:
            mode_hostile(env)
    else:
        mode_shapes(env, shapes)
    print(f"total bench time: {time.perf_counter() - t_start:.1f} s; "
          f"1-min load average at the end {loadavg()}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        log(f"bench: error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
