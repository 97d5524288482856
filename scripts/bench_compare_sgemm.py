#!/usr/bin/env python3
"""Paired SGEMM comparison: ScratchLLM (scalar and SIMD) against numpy/OpenBLAS, interleaved.

What it does: starts dev.scratchllm.bench.SgemmServer (a JVM with the Vector API module) and, for
each shape and thread count, alternates short timings (default 0.5 s) of OpenBLAS (in this
process, thread count set through OpenBLAS's own set_num_threads) and of the Java kernels for a
number of rounds, in alternating order, with a short idle gap (default 0.3 s) before every timing.
Because each round measures both under the same momentary machine load, the per-round ratio
SIMD/OpenBLAS is meaningful even on a busy shared machine; it prints medians of GFLOP/s and of the
ratios, with the ratios' quartiles. The gap matters: after a multi-threaded call OpenBLAS's idle
workers keep spinning for about 0.13 s, and without the gap they ran on the second core during the
first quarter of every two-thread Java timing (our two-thread ratios read 5-20 % low).
One-thread rounds pin both sides to the same CPU (CPU 0 and CPU 1 in turn), because the two
vCPUs differ in speed at any moment. The JVM starts with pom.xml's gc.flags and heap.flags (huge
pages, like numpy's arrays). --csv appends every round to a file; --summarize pools such a file.
What it does not do: it does not change the CPU clock, and it cannot make one run's medians
steadier than about +-0.05 on this machine; pool several runs for a firmer figure.

Run from the repository root after `mvn -q test-compile`, with OpenBLAS's AVX-512 kernel:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX \\
        python3 scripts/bench_compare_sgemm.py [--rounds 16] [--seconds 0.5] [--no-scalar] [--csv rounds.csv]
"""
import argparse
import ctypes
import glob
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SHAPES = [  # (label, m, k, n, TT)
    ("512x768*768x3072 A.B", 512, 768, 3072, "NN"),
    ("512x768*768x3072 A.Bt", 512, 768, 3072, "NT"),
    ("512x768*768x3072 At.B", 512, 768, 3072, "TN"),
    ("512x768*768x768 A.B", 512, 768, 768, "NN"),
    ("1024^3 A.B", 1024, 1024, 1024, "NN"),
]


def openblas():
    base = os.path.dirname(os.path.dirname(np.__file__))
    for path in glob.glob(os.path.join(base, "numpy.libs", "libscipy_openblas*.so*")):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads"):
            if hasattr(lib, name):
                core = getattr(lib, "scipy_openblas_get_corename64_", None)
                if core is not None:
                    core.restype = ctypes.c_char_p
                return getattr(lib, name), (core().decode() if core else "?")
    raise SystemExit("could not find OpenBLAS's set_num_threads in numpy's bundled library")


def classpath():
    out = subprocess.run(["mvn", "-q", "-B", "dependency:build-classpath", "-Dmdep.outputFile=/dev/stdout",
                          "-Dmdep.includeScope=test"], capture_output=True, text=True, check=True).stdout
    return "target/test-classes:target/classes:" + out.strip().splitlines()[-1]


def pom_flags():
    """The JVM flags the project's own runs use (pom.xml's gc.flags and heap.flags: G1, an 8 GB heap on
    transparent huge pages). numpy puts large arrays on huge pages too (it madvises them), so both
    sides then read their operands through the same kind of pages."""
    import re
    pom = open("pom.xml").read()
    flags = []
    for name in ("gc.flags", "heap.flags"):
        m = re.search(rf"<{re.escape(name)}>(.*?)</{re.escape(name)}>", pom)
        if m:
            flags += m.group(1).split()
    return flags


def java_bin():
    for cand in sorted(glob.glob("/usr/lib/jvm/*25*/bin/java")) + sorted(glob.glob("/usr/lib/jvm/*2[1-9]*/bin/java")):
        return cand
    return "java"


def summarize(path):
    """Pooled medians over every round recorded in a --csv file (several runs appended to it)."""
    rows = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) == 7:
            rows.setdefault((f[1], int(f[2])), []).append((float(f[4]), float(f[5]), float(f[6])))
    print(f"{'shape':<24}{'thr':>4}{'rounds':>7}{'SIMD':>9}{'OpenBLAS':>10}{'SIMD/BLAS':>11}   (pooled medians; ratio's quartiles)")
    order = [label for label, *_ in SHAPES]
    for (label, t), rs in sorted(rows.items(), key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order else 99, kv[0][1])):
        med = statistics.median
        ratio = [r for _, _, r in rs]
        q = statistics.quantiles(ratio, n=4) if len(ratio) > 1 else [ratio[0]] * 3
        print(f"{label:<24}{t:>4}{len(rs):>7}{med(y for _, y, _ in rs):>9.1f}{med(x for x, _, _ in rs):>10.1f}"
              f"{med(ratio):>11.2f}   [{q[0]:.2f}, {q[2]:.2f}]")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--no-scalar", action="store_true")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--shapes", default="", help="comma-separated indices into SHAPES (default: all)")
    ap.add_argument("--gap", type=float, default=0.3,
                    help="idle seconds before each timing, so that the other side's threads have gone to sleep "
                         "(OpenBLAS's idle workers spin for about 0.13 s after a call)")
    ap.add_argument("--no-pin", dest="pin", action="store_false",
                    help="do not pin one-thread timings of both sides to the same CPU")
    ap.add_argument("--csv", default="", help="append every round (time, shape, threads, cpu, GFLOP/s of both, ratio) "
                                              "to this CSV file, to pool rounds over several runs")
    ap.add_argument("--summarize", default="", metavar="CSV",
                    help="print the pooled medians and quartiles of the rounds in a --csv file, run nothing")
    ap.add_argument("--jvm-arg", action="append", default=[], help="extra JVM argument, e.g. -Dsgemm.kc=384")
    args = ap.parse_args()
    if args.summarize:
        return summarize(args.summarize)
    set_threads, core = openblas()
    jvm = subprocess.Popen([java_bin(), "--add-modules", "jdk.incubator.vector", *pom_flags(), *args.jvm_arg, "-cp", classpath(),
                            "dev.scratchllm.bench.SgemmServer"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    print("# java:", jvm.stdout.readline().strip(), "| OpenBLAS core:", core,
          "| OPENBLAS_CORETYPE:", os.environ.get("OPENBLAS_CORETYPE"))

    def java(impl, m, k, n, tt, t, secs):
        jvm.stdin.write(f"{impl} {m} {k} {n} {tt} {t} {secs}\n")
        jvm.stdin.flush()
        return float(jvm.stdout.readline())

    all_cpus = sorted(os.sched_getaffinity(0))

    def pin(cpus):
        """Pins this thread (OpenBLAS runs one-thread products on it) and every JVM thread to cpus."""
        os.sched_setaffinity(0, cpus)
        for tid in os.listdir(f"/proc/{jvm.pid}/task"):
            try:
                os.sched_setaffinity(int(tid), cpus)
            except OSError:
                pass  # the thread has ended

    def blas(m, k, n, tt, t, secs, arrays):
        set_threads(t)
        a, b, c = arrays
        opa = a.T if tt[0] == "T" else a
        opb = b.T if tt[1] == "T" else b
        t0 = time.perf_counter()
        it = 0
        while True:
            np.matmul(opa, opb, out=c)
            it += 1
            dt = time.perf_counter() - t0
            if dt >= secs:
                return 2.0 * m * n * k * it / dt / 1e9

    print(f"{'shape':<24}{'thr':>4}{'scalar':>9}{'SIMD':>9}{'OpenBLAS':>10}{'SIMD/BLAS':>11}   (medians over rounds; GFLOP/s; ratio's quartiles)")
    shapes = [SHAPES[int(i)] for i in args.shapes.split(",")] if args.shapes else SHAPES
    for label, m, k, n, tt in shapes:
        rng = np.random.default_rng(1)
        a = rng.standard_normal((k, m) if tt[0] == "T" else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if tt[1] == "T" else (k, n), dtype=np.float32)
        arrays = (a, b, np.empty((m, n), dtype=np.float32))
        for t in [int(x) for x in args.threads.split(",")]:
            blas(m, k, n, tt, t, 1.0, arrays)          # warm-up
            java("simd", m, k, n, tt, t, 0.2)          # (the server warms new shapes itself)
            sc, si, bl, ratio = [], [], [], []
            for r in range(args.rounds):
                # One thread: both sides run on the same CPU in a round, alternating CPUs between
                # rounds. The vCPUs of a shared host differ in speed at any moment (one at 125, the
                # other at 165 GFLOP/s of pure FMAs) and the scheduler may put either side on either.
                pin({all_cpus[r % len(all_cpus)]} if t == 1 and args.pin else set(all_cpus))
                # Odd rounds run Java first, so a drift in the machine's speed within a round does
                # not always favour the same side. The gap before each timing lets the other side's
                # idle threads stop spinning (OpenBLAS's workers burn ~0.13 s of a core after a call).
                if r % 2 == 1:
                    time.sleep(args.gap)
                    y = java("simd", m, k, n, tt, t, args.seconds)
                time.sleep(args.gap)
                x = blas(m, k, n, tt, t, args.seconds, arrays)
                if r % 2 == 0:
                    time.sleep(args.gap)
                    y = java("simd", m, k, n, tt, t, args.seconds)
                bl.append(x)
                si.append(y)
                ratio.append(y / x)
                if args.csv:
                    cpu = all_cpus[r % len(all_cpus)] if t == 1 and args.pin else "any"
                    with open(args.csv, "a") as f:
                        f.write(f"{time.strftime('%H:%M:%S')},{label},{t},{cpu},{x:.2f},{y:.2f},{y / x:.4f}\n")
                if not args.no_scalar and len(sc) < 3:
                    time.sleep(args.gap)
                    sc.append(java("scalar", m, k, n, tt, t, args.seconds))
            pin(set(all_cpus))
            med = statistics.median
            q = statistics.quantiles(ratio, n=4) if len(ratio) > 1 else [ratio[0]] * 3
            print(f"{label:<24}{t:>4}{(med(sc) if sc else float('nan')):>9.1f}{med(si):>9.1f}{med(bl):>10.1f}"
                  f"{med(ratio):>11.2f}   [{q[0]:.2f}, {q[2]:.2f}]", flush=True)
    jvm.stdin.close()
    jvm.wait()


if __name__ == "__main__":
    sys.exit(main())
