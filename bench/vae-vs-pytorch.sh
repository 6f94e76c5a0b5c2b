#!/usr/bin/env bash
# Epoch time of ScratchVae's host backend against Debian's PyTorch (OpenBLAS) on the same machine, same run.
# Both train PyTorch's examples/vae model (784-400-20, batch 128, Adam 1e-3) with 2 threads, or with --architecture conv
# the convolutional VAE (conv 1->32->64 k4 s2 p1, 3136-400-20, mirrored with transposed convolutions: `scratchvae train
# --architecture conv` and `pytorch_vae.py --architecture conv`, the same layers and parameter names). For conv, PyTorch
# runs with OPENBLAS_NUM_THREADS=1 beside its own 2 threads: with OpenBLAS's 2 threads as well, its median conv step on
# 2 cores took ~3x as long (docs/benchmarks.md, "Convolutional VAE"); the MLP is run as it always was. The runs alternate
# (ours, theirs, ours, theirs) so that a noisy neighbour hurts both. Epoch 1 is warm-up (JIT, allocations) and is
# left out; the figure compared is the median of the remaining epochs' training seconds.
#
# usage: bench/vae-vs-pytorch.sh [--data fashion-mnist|mnist|DIR] [--epochs 3] [--rounds 2] [--architecture mlp|conv]
# prints: one line per run, then "ours S s/epoch, pytorch P s/epoch", the ratio of each round's medians (the two
# programs move independently with the machine, so their spread shows how far one figure can be trusted), and last
# "ratio X" (ours / pytorch over all rounds' epochs; < 1 is faster)
# PyTorch's GEMMs run on OpenBLAS; its kernel is chosen as for bench/gemm-vs-openblas.sh (bench/peers/openblas-kernel.sh:
# OpenBLAS's own choice, unless that is a generic fallback for a processor it does not know) and printed.
# Environment: PYTHON (default /usr/bin/python3, Debian's torch), OPENBLAS_PEER_CORETYPE, VAE_DLL (a prebuilt scratchvae.dll, for a machine with
# the .NET runtime and no SDK; default: build src/Vae here).
set -euo pipefail
cd "$(dirname "$0")/.."
data=fashion-mnist epochs=3 rounds=2 architecture=mlp
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --architecture) architecture=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
[ "$epochs" -ge 2 ] || { echo "--epochs must be at least 2 (epoch 1 is warm-up)" >&2; exit 2; }
case "$architecture" in
  mlp) architecture_flags=() peer_threads=() ;;  # both programs' default: the commands of the runs in docs/benchmarks.md
  conv) architecture_flags=(--architecture conv) peer_threads=(OPENBLAS_NUM_THREADS=1) ;;
  *) echo "--architecture must be mlp or conv, not $architecture" >&2; exit 2 ;;
esac
torch_data=$data
[ "$data" = fashion-mnist ] && torch_data=/usr/share/datasets/fashion-mnist
if [ "$data" = mnist ]; then torch_data=data/mnist; fi

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

python=${PYTHON:-/usr/bin/python3}
if [ -n "${VAE_DLL:-}" ]; then ours=(dotnet "$VAE_DLL")
else dotnet build src/Vae -c Release -v q >/dev/null; ours=(dotnet run -c Release --project src/Vae --no-build --); fi
# Peak RSS through GNU time where it is installed (Debian's "time" package).
measured() { local file=$1; shift; if [ -x /usr/bin/time ]; then /usr/bin/time -f "%M" -o "$file" "$@"; else echo 0 >"$file"; "$@"; fi; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
source bench/peers/openblas-kernel.sh
read -r -a peer_kernel < <(openblas_peer_environment "$python"; echo)
ours_times=() torch_times=() round_ratios=()
for round in $(seq 1 "$rounds"); do
  measured "$out/ours.mem" "${ours[@]}" \
    train --data "$data" "${architecture_flags[@]}" --epochs "$epochs" --device host --threads 2 --out "$out/run" --no-images > "$out/ours.log"
  measured "$out/torch.mem" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${peer_kernel[@]}" "${peer_threads[@]}" "$python" bench/peers/pytorch_vae.py \
    --data "$torch_data" "${architecture_flags[@]}" --epochs "$epochs" --threads 2 > "$out/torch.log"
  rm -rf "$out/run"
  for who in ours torch; do
    secs=$(grep '^epoch' "$out/$who.log" | tail -n +2 | awk '{print $NF}')
    echo "round $round $who: epoch seconds (after warm-up) $(echo $secs | tr '\n' ' ') peak RSS $(( $(cat "$out/$who.mem") / 1024 )) MiB"
    if [ "$who" = ours ]; then ours_times+=($secs); ours_round=($secs); else torch_times+=($secs); torch_round=($secs); fi
  done
  round_ratios+=($(awk -v a="$(median "${ours_round[@]}")" -v b="$(median "${torch_round[@]}")" 'BEGIN { printf "%.3f", a / b }'))
done
ours=$(median "${ours_times[@]}")
torch=$(median "${torch_times[@]}")
echo "ours $ours s/epoch, pytorch $torch s/epoch"
echo "per-round ratios: ${round_ratios[*]}"
awk -v a="$ours" -v b="$torch" 'BEGIN { printf "ratio %.3f\n", a / b }'
