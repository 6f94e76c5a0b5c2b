#!/usr/bin/env bash
# ScratchVae's host GEMM against OpenBLAS sgemm (numpy), side by side in one run.
#
#   bench/gemm-vs-openblas.sh [rounds] [seconds-per-shape]
#
# Both use 2 threads, float32, alpha = 1, beta = 0, the same shapes, transposes and layouts. The two programs
# alternate for several rounds, so drifts in the machine's load hit both; the table shows per shape the median over
# rounds of each round's median batch, the best batch seen, and the ratio of medians, for wall-clock time and for
# CPU time (GFLOP per CPU-second of the process times the threads: robust to other processes taking the cores), and each
# of our shapes as a share of the FMA peak measured just before it (the same load). With BASELINE_DLL (another build of
# the bench, e.g. of the commit before a change) every round also runs that build, between ours and OpenBLAS, and a
# second table gives per shape the ratio ours / baseline: the median over rounds of each round's ratio and its range
# over rounds, the run-to-run spread a change must be judged against. OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE are unset for OpenBLAS's command alone (they make a current OpenBLAS pick slower kernels), except
# that a generic fallback kernel on a processor OpenBLAS does not know is replaced by its kernel for the processor's
# instructions (bench/peers/openblas-kernel.sh; OPENBLAS_PEER_CORETYPE overrides); the kernel it runs is printed. Environment: PYTHON (default /usr/bin/python3, which needs numpy), BENCH_DLL (a
# prebuilt bench, for a machine with the .NET runtime and no SDK; default: build it here), BASELINE_DLL (see above).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-0.4}
threads=2
python=${PYTHON:-/usr/bin/python3}
# BENCH_DLL: a prebuilt bench (e.g. on a machine with the .NET runtime and no SDK); otherwise it is built here.
bench_dll=${BENCH_DLL:-bench/bin/Release/net10.0/ScratchVae.Bench.dll}
shapes=(1024x1024x1024:NN 512x512x512:NN 256x256x256:NN 128x128x128:NN
        128x400x784:NT 128x20x400:NT 128x400x20:NT 128x784x400:NT
        128x400x784:NN 128x20x400:NN 128x400x20:NN 128x784x400:NN
        400x784x128:TN 20x400x128:TN 400x20x128:TN 784x400x128:TN)
shape_list=$(IFS=,; echo "${shapes[*]}")

[ -n "${BENCH_DLL:-}" ] || dotnet build bench -c Release --nologo -v quiet >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source bench/peers/openblas-kernel.sh
read -r -a peer_kernel < <(openblas_peer_environment "$python"; echo)

env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${peer_kernel[@]}" OPENBLAS_NUM_THREADS=$threads \
    "$python" -c 'import sys; sys.path.insert(0, "bench/peers"); import openblas_gemm; print("OpenBLAS:", openblas_gemm.describe_blas())'
dotnet "$bench_dll" gemm --quick --threads $threads --shapes 128x128x128 --seconds 0.1 | head -2 | sed '1s/^/ScratchVae: /'
echo "rounds: $rounds, ${seconds}s per shape and round, started $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"

for ((round = 1; round <= rounds; round++)); do
    dotnet "$bench_dll" gemm --quick --csv --peak-each --threads $threads --seconds "$seconds" \
        --shapes "$shape_list" | tail -n +2 | sed "s/^/$round,/" >>"$work/scratchvae.csv"
    if [ -n "${BASELINE_DLL:-}" ]; then
        dotnet "$BASELINE_DLL" gemm --quick --csv --peak-each --threads $threads --seconds "$seconds" \
            --shapes "$shape_list" | tail -n +2 | sed "s/^/$round,/" >>"$work/baseline.csv"
    fi
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${peer_kernel[@]}" OPENBLAS_NUM_THREADS=$threads \
        "$python" bench/peers/openblas_gemm.py --csv --seconds "$seconds" "${shapes[@]}" 2>/dev/null \
        | tail -n +2 | sed "s/^/$round,/" >>"$work/openblas.csv"
done

"$python" - "$work/scratchvae.csv" "$work/openblas.csv" "$work/baseline.csv" <<'PY'
import os, sys, statistics
def load(path, cpu_column, peak_column=None):
    table = {}
    for line in open(path):
        fields = line.strip().split(",")
        shape, median, best, cpu = fields[1], float(fields[2]), float(fields[3]), float(fields[cpu_column])
        entry = table.setdefault(shape, ([], [], [], []))
        entry[0].append(median); entry[1].append(best); entry[2].append(cpu)
        if peak_column is not None: entry[3].append(median / float(fields[peak_column]))
    return table
ours, theirs = load(sys.argv[1], 5, peak_column=4), load(sys.argv[2], 4)
peaks = [float(line.strip().split(",")[4]) for line in open(sys.argv[1])]
print(f"FMA peak, measured right before each of our shapes in every round: median {statistics.median(peaks):.1f}, "
      f"range {min(peaks):.1f}-{max(peaks):.1f} GFLOP/s")
print(f"{'':<20} {'---------------- wall clock ----------------':>52}   {'-- CPU time --':>24}")
print(f"{'shape':<20} {'ScratchVae':>11} {'(best)':>7} {'of peak':>7} {'OpenBLAS':>9} {'(best)':>7} {'ratio':>6}   {'ScratchVae':>10} {'OpenBLAS':>9} {'ratio':>6}")
for shape in ours:
    o, t = statistics.median(ours[shape][0]), statistics.median(theirs[shape][0])
    oc, tc = statistics.median(ours[shape][2]), statistics.median(theirs[shape][2])
    share = statistics.median(ours[shape][3])
    print(f"{shape:<20} {o:11.1f} {max(ours[shape][1]):7.1f} {share:7.0%} {t:9.1f} {max(theirs[shape][1]):7.1f} {o / t:6.2f}   {oc:10.1f} {tc:9.1f} {oc / tc:6.2f}")
print("GFLOP/s = 2*m*n*k / time. Wall clock: median over rounds of each round's median batch; (best) = fastest batch")
print("of all rounds; of peak = median over rounds of each round's median batch over the FMA peak measured just")
print("before it (0.1 s). CPU time: 2*m*n*k * threads / process CPU seconds, median over rounds: what the two threads")
print("do per second of CPU they actually got, i.e. an estimate for dedicated cores on a machine shared with other work.")
if os.path.exists(sys.argv[3]):
    def rounds(path):
        table = {}
        for line in open(path):
            fields = line.strip().split(",")
            table.setdefault(fields[1], {})[fields[0]] = float(fields[2])
        return table
    new, old = rounds(sys.argv[1]), rounds(sys.argv[3])
    print()
    print(f"{'shape':<20} {'ours':>8} {'baseline':>9} {'ratio':>6} {'range over rounds':>18}")
    for shape in new:
        ratios = [new[shape][r] / old[shape][r] for r in new[shape] if r in old.get(shape, {})]
        print(f"{shape:<20} {statistics.median(new[shape].values()):8.1f} {statistics.median(old[shape].values()):9.1f} "
              f"{statistics.median(ratios):6.3f} {min(ratios):8.3f}-{max(ratios):.3f}")
    print("ours / baseline: wall-clock GFLOP/s of each round's median batch, the two builds run in turn in every round;")
    print("ratio = median over rounds of the rounds' ratios, range = their lowest and highest.")
PY
