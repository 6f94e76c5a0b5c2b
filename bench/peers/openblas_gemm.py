#!/usr/bin/env python3
"""OpenBLAS sgemm through numpy, timed the same way as the bench's `gemm --quick --csv`.

Usage: openblas_gemm.py [--seconds S] [--csv] SHAPE [SHAPE ...]
A SHAPE is "MxNxK:AB" as in the C# bench: C[m x n] = op(A) . op(B), with A stored k x m when A is T and B stored
n x k when B is T. numpy's matmul hands a transposed view of a C-contiguous array to sgemm as a transpose flag,
so no copy is made and OpenBLAS runs the same problem (alpha = 1, beta = 0, float32).
Threads: set OPENBLAS_NUM_THREADS before starting. Prints which OpenBLAS build and kernel run.
Columns: median and best batch in GFLOP/s, and the median CPU-time rate (flops * threads / process CPU seconds).
"""
import os
import sys
import time

import numpy as np


def describe_blas():
    """One line naming the BLAS library, its kernel (core type) and thread count."""
    try:
        import threadpoolctl
        infos = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        return "; ".join(
            f"{i.get('internal_api')} {i.get('version')} kernel={i.get('architecture')} threads={i.get('num_threads')} "
            f"({i.get('filepath')})" for i in infos) or "no BLAS found by threadpoolctl"
    except ImportError:
        import io
        import contextlib
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            np.show_config()
        return "threadpoolctl missing; numpy.show_config(): " + " ".join(buffer.getvalue().split())


def parse(text):
    sizes, _, flags = text.partition(":")
    m, n, k = (int(x) for x in sizes.split("x"))
    flags = (flags or "NN").upper()
    return m, n, k, flags[0] == "T", flags[1] == "T"


def measure(text, seconds, threads):
    m, n, k, transpose_a, transpose_b = parse(text)
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if transpose_a else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if transpose_b else (k, n)).astype(np.float32)
    c = np.empty((m, n), dtype=np.float32)
    op_a = a.T if transpose_a else a
    op_b = b.T if transpose_b else b
    assert op_a.shape == (m, k) and op_b.shape == (k, n)
    flops = 2.0 * m * n * k

    # Warm-up, then batches of >= 20 ms, as the C# quick mode does.
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < min(0.1, seconds / 4):
        np.matmul(op_a, op_b, out=c)
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, int(0.02 / per_call))
    rates, cpu_rates = [], []
    start = time.perf_counter()
    while len(rates) < 5 or time.perf_counter() - start < seconds:
        t0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(batch):
            np.matmul(op_a, op_b, out=c)
        rates.append(flops * batch / (time.perf_counter() - t0) / 1e9)
        # CPU-time rate: flops * threads / process CPU seconds, as the C# bench reports it.
        cpu_rates.append(flops * batch * threads / max(time.process_time() - cpu0, 1e-9) / 1e9)
    rates.sort()
    cpu_rates.sort()
    # A spot check that the product is right (so the timing is of the intended problem).
    expected = op_a.astype(np.float64) @ op_b.astype(np.float64)
    assert np.allclose(c, expected, rtol=1e-3, atol=1e-3 * np.sqrt(k)), text
    return rates[len(rates) // 2], rates[-1], cpu_rates[len(cpu_rates) // 2]


def main(argv):
    seconds, csv, shapes = 0.5, False, []
    i = 0
    while i < len(argv):
        if argv[i] == "--seconds":
            seconds = float(argv[i + 1])
            i += 1
        elif argv[i] == "--csv":
            csv = True
        else:
            shapes.append(argv[i])
        i += 1
    print(("# " if csv else "") + describe_blas(), file=sys.stderr if csv else sys.stdout)
    if csv:
        print("shape,median_gflops,max_gflops,cpu_median_gflops")
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count() or 1))
    for text in shapes:
        median, best, cpu_median = measure(text, seconds, threads)
        print(f"{text},{median:.2f},{best:.2f},{cpu_median:.2f}" if csv else f"{text:<20} {median:10.1f} {best:10.1f} {cpu_median:10.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
