#!/usr/bin/env python3
"""Time numpy (OpenBLAS) SGEMM on the shapes of SgemmBench, at 1 and 2 threads.

What it does: for each shape and thread count it runs float32 matmul repeatedly and prints
the median and best GFLOP/s (2·m·n·k flops per product) plus the OpenBLAS core type in use.
What it does not do: it does not pin threads or control frequency; run it on a quiet machine.

The thread count is set per measurement through threadpoolctl when it is installed, else each
thread count runs in a child process with OPENBLAS_NUM_THREADS set before numpy loads.

To get OpenBLAS's AVX-512 kernel (this environment sets OPENBLAS_CORETYPE=Haswell globally):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX python3 scripts/bench_numpy_sgemm.py
"""
import json
import os
import statistics
import subprocess
import sys
import time

# (label, m, n, k, transA, transB): C[m×n] = op(A)[m×k] · op(B)[k×n]
SHAPES = [
    ("512x768*768x3072 A.B", 512, 3072, 768, False, False),
    ("512x768*768x3072 A.Bt", 512, 3072, 768, False, True),
    ("512x768*768x3072 At.B", 512, 3072, 768, True, False),
    ("512x768*768x768 A.B", 512, 768, 768, False, False),
    ("1024^3 A.B", 1024, 1024, 1024, False, False),
]


def measure(threads, seconds=1.5, repeats=7):
    import numpy as np
    rows = []
    rng = np.random.default_rng(1)
    for label, m, n, k, ta, tb in SHAPES:
        a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        opa = a.T if ta else a
        opb = b.T if tb else b
        c = np.empty((m, n), dtype=np.float32)
        flops = 2.0 * m * n * k
        for _ in range(3):
            np.matmul(opa, opb, out=c)
        # calibrate the inner count so one sample takes ~seconds/repeats
        t0 = time.perf_counter()
        np.matmul(opa, opb, out=c)
        one = time.perf_counter() - t0
        inner = max(1, int(seconds / repeats / max(one, 1e-6)))
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(inner):
                np.matmul(opa, opb, out=c)
            dt = (time.perf_counter() - t0) / inner
            samples.append(flops / dt / 1e9)
        rows.append({"shape": label, "threads": threads,
                     "median_gflops": statistics.median(samples), "best_gflops": max(samples)})
    return rows


def core_info():
    """numpy's version, the OpenBLAS environment, and the core type OpenBLAS actually chose."""
    import ctypes
    import glob
    import numpy as np
    info = {"numpy": np.__version__,
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
            "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE")}
    base = os.path.dirname(os.path.dirname(np.__file__))
    for path in glob.glob(os.path.join(base, "numpy.libs", "libscipy_openblas*.so*")):
        lib = ctypes.CDLL(path)
        for key, names in (("openblas_core", ("scipy_openblas_get_corename64_", "openblas_get_corename")),
                           ("openblas_config", ("scipy_openblas_get_config64_", "openblas_get_config"))):
            for name in names:
                fn = getattr(lib, name, None)
                if fn is not None:
                    fn.restype = ctypes.c_char_p
                    info[key] = fn().decode()
                    break
    return info


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps({"info": core_info(), "rows": measure(int(sys.argv[2]))}))
        return
    results = []
    info = None
    for threads in (1, 2):
        env = dict(os.environ)
        env["OPENBLAS_NUM_THREADS"] = str(threads)
        env["OMP_NUM_THREADS"] = str(threads)
        out = subprocess.run([sys.executable, __file__, "--child", str(threads)], env=env,
                             check=True, capture_output=True, text=True).stdout
        data = json.loads(out.strip().splitlines()[-1])
        info = data["info"]
        results += data["rows"]
    print("# " + json.dumps(info))
    print(f"{'shape':<26} {'threads':>7} {'median GFLOP/s':>15} {'best GFLOP/s':>13}")
    for r in results:
        print(f"{r['shape']:<26} {r['threads']:>7} {r['median_gflops']:>15.1f} {r['best_gflops']:>13.1f}")


if __name__ == "__main__":
    main()
