#!/usr/bin/env python3
"""cuBLAS sgemm through PyTorch on a CUDA GPU, timed the way the bench's `gemm --quick --backend cuda` times ours.

Usage: cublas_gemm.py [--seconds S] SHAPE [SHAPE ...]     (SHAPE as in the C# bench: "MxNxK:AB", or square/vae/all)
Each call is C = op(A) . op(B) in full float32 (TF32 is switched off, since ScratchVae's kernels do not use it),
followed by torch.cuda.synchronize(), like BackendGemmRunner.Run: so a figure includes one launch and one
synchronisation per call, and small shapes measure latency, not the GPU's arithmetic rate. The second table
column repeats the measurement with CUDA events around a batch of calls and no synchronisation between them:
the GPU's own rate.
Columns: median and best batch GFLOP/s (synchronised calls), and GFLOP/s from events (back-to-back calls).
"""
import sys
import time

import torch

SQUARE = ["128x128x128:NN", "256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN"]
VAE = ["128x400x784:NT", "128x20x400:NT", "128x400x20:NT", "128x784x400:NT",
       "128x400x784:NN", "128x20x400:NN", "128x400x20:NN", "128x784x400:NN",
       "400x784x128:TN", "20x400x128:TN", "400x20x128:TN", "784x400x128:TN"]


def parse(text):
    sizes, _, flags = text.partition(":")
    m, n, k = (int(x) for x in sizes.split("x"))
    flags = (flags or "NN").upper()
    return m, n, k, flags[0] == "T", flags[1] == "T"


def measure(text, seconds):
    m, n, k, transpose_a, transpose_b = parse(text)
    generator = torch.Generator(device="cuda").manual_seed(1)
    a = torch.rand((k, m) if transpose_a else (m, k), device="cuda", generator=generator) * 2 - 1
    b = torch.rand((n, k) if transpose_b else (k, n), device="cuda", generator=generator) * 2 - 1
    c = torch.empty((m, n), device="cuda")
    op_a = a.t() if transpose_a else a
    op_b = b.t() if transpose_b else b
    flops = 2.0 * m * n * k

    def call():
        torch.matmul(op_a, op_b, out=c)
        torch.cuda.synchronize()

    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < min(0.1, seconds / 4):
        call()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, int(0.02 / per_call))
    rates = []
    start = time.perf_counter()
    while len(rates) < 5 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        for _ in range(batch):
            call()
        rates.append(flops * batch / (time.perf_counter() - t0) / 1e9)
    rates.sort()

    begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    event_rates = []
    for _ in range(5):
        begin.record()
        for _ in range(batch):
            torch.matmul(op_a, op_b, out=c)
        end.record()
        end.synchronize()
        event_rates.append(flops * batch / (begin.elapsed_time(end) / 1e3) / 1e9)
    event_rates.sort()
    return rates[len(rates) // 2], rates[-1], event_rates[len(event_rates) // 2]


def main():
    args = sys.argv[1:]
    seconds = 0.5
    if args[:1] == ["--seconds"]:
        seconds = float(args[1])
        args = args[2:]
    shapes = []
    for item in args or ["all"]:
        shapes += {"square": SQUARE, "vae": VAE, "all": SQUARE + VAE}.get(item, [item])
    torch.backends.cuda.matmul.allow_tf32 = False
    print(f"cuBLAS through pytorch {torch.__version__} on {torch.cuda.get_device_name()}, float32, TF32 off")
    print(f"{'shape':<20} {'median GFLOP/s':>15} {'best GFLOP/s':>13} {'events GFLOP/s':>15}")
    for text in shapes:
        median, best, events = measure(text, seconds)
        print(f"{text:<20} {median:15.1f} {best:13.1f} {events:15.1f}")


if __name__ == "__main__":
    main()
