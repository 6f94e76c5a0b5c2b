#!/usr/bin/env bash
# Everything ScratchVae checks and measures on a CUDA machine, in one run: the devices it sees, the kernel tests on
# cuda and opencl, GEMM figures on cuda (the per-shape rule and both tiled kernels) beside cuBLAS's (through PyTorch),
# elementwise figures, and the default model
# trained on cuda beside the host and PyTorch on the same GPU. Logs go to OUTDIR; a summary is printed last.
#
# usage: bench/cuda-report.sh [--prebuilt DIR] [--data mnist|fashion-mnist|DIR] [--epochs 10] [--out OUTDIR]
#                             [--steps tests,gemm,elementwise,train] [--test-filter EXPR] [--test-timeout 420]
#   --prebuilt DIR  run the programs built into DIR/vae, DIR/bench and DIR/tests (see below) with `dotnet X.dll`,
#                   for a machine that has the .NET runtime and no SDK. Without it, everything is built here.
#                   DIR/tests is the test assembly built as a program that runs its own tests:
#                     dotnet build tests -c Release -p:StandaloneTests=true -o DIR/tests
#                     dotnet publish src/Vae -c Release -o DIR/vae; dotnet publish bench -c Release -o DIR/bench
# The PyTorch peers run only where `python3 -c 'import torch'` works and sees a GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
prebuilt="" data=mnist epochs=10 out=cuda-report steps=tests,gemm,elementwise,train
test_filter='FullyQualifiedName~cuda|FullyQualifiedName~opencl' test_timeout=420
while [ $# -gt 0 ]; do
  case "$1" in
    --prebuilt) prebuilt=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --test-filter) test_filter=$2; shift 2 ;;
    --test-timeout) test_timeout=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
want() { [[ ",$steps," == *",$1,"* ]]; }

if [ -z "$prebuilt" ]; then
  prebuilt=$(mktemp -d)
  echo "== building into $prebuilt"
  dotnet publish src/Vae -c Release -o "$prebuilt/vae" -v q >/dev/null || exit 1
  dotnet publish bench -c Release -o "$prebuilt/bench" -v q >/dev/null || exit 1
  if want tests; then dotnet build tests -c Release -p:StandaloneTests=true -o "$prebuilt/tests" -v q >/dev/null || exit 1; fi
fi
prebuilt=$(cd "$prebuilt" && pwd)
vae() { dotnet "$prebuilt/vae/scratchvae.dll" "$@"; }
bench() { dotnet "$prebuilt/bench/ScratchVae.Bench.dll" "$@"; }
torch_gpu=0
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null && torch_gpu=1
summary=()
note() { summary+=("$1"); echo "$1"; }

echo "== devices"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv | tee "$out/nvidia-smi.txt"
vae devices --gemm 2>&1 | tee "$out/devices.txt"

if want tests; then
  echo "== kernel tests on the GPU backends (filter: $test_filter)"
  start=$SECONDS
  timeout "$test_timeout" dotnet "$prebuilt/tests/ScratchVae.Tests.dll" --filter "$test_filter" --no-progress --no-ansi \
    >"$out/tests.log" 2>&1
  status=$?
  grep -E '^failed |^\s+(total|failed|succeeded|skipped):' "$out/tests.log" | head -n 60
  note "tests: exit $status in $((SECONDS - start)) s; $(grep -E '^\s+(total|failed|succeeded|skipped):' "$out/tests.log" | tr -s ' ' | tr '\n' ' ')"
fi

if want gemm; then
  # The per-shape rule (IlgpuBackend.ChooseTiledGemm), the rule with a split product's partial sums added by a second
  # launch (the GEMM before they were added inside the tiled kernel), then each tiled kernel forced at every shape (the
  # 64 × 64 one is the kernel before the 128 × 128 one existed), then cuBLAS, all in this one run, and a table of their
  # medians with each one's ratio to cuBLAS.
  echo "== GEMM on cuda: the per-shape rule (partial sums in-kernel and in a second launch), the 64 × 64 and the 128 × 128 kernels, cuBLAS"
  gemm_files=()
  for variant in cuda cuda/sum-pass cuda/tiled64 cuda/tiled128; do
    file="$out/gemm-${variant//\//-}.txt"
    bench gemm --quick --backend "$variant" --shapes all --seconds 0.5 2>&1 | tee "$file"
    # A machine without a usable CUDA device: the first run says why in one line; the others would repeat it.
    if [ "${PIPESTATUS[0]}" -ne 0 ]; then note "gemm: $variant failed: $(tail -n 1 "$file")"; break; fi
    gemm_files+=("$file")
  done
  if [ $torch_gpu = 1 ]; then
    python3 bench/peers/cublas_gemm.py --seconds 0.5 all 2>&1 | tee "$out/gemm-cublas.txt"
    gemm_files+=("$out/gemm-cublas.txt")
  fi
  # Median GFLOP/s per shape (the second column of each table), one column per file, named after it, and each
  # column's ratio to cuBLAS's where cuBLAS ran.
  if [ ${#gemm_files[@]} -gt 0 ]; then
    awk 'FNR == 1 { run++; name = FILENAME; sub(/.*\/gemm-/, "", name); sub(/\.txt$/, "", name); label[run] = name; if (name == "cublas") cublas = run }
         $1 ~ /^[0-9]+x[0-9]+x[0-9]+/ { if (!($1 in seen)) { seen[$1] = 1; order[++shapes] = $1 } median[$1, run] = $2 }
         END {
           printf "%-20s", "shape"; for (r = 1; r <= run; r++) printf " %14s", label[r]
           if (cublas) for (r = 1; r <= run; r++) if (r != cublas) printf " %14s", label[r] "/cuB"
           printf "\n"
           for (i = 1; i <= shapes; i++) {
             s = order[i]; printf "%-20s", s
             for (r = 1; r <= run; r++) printf " %14s", ((s, r) in median) ? median[s, r] : "-"
             if (cublas) for (r = 1; r <= run; r++) if (r != cublas)
               printf " %14s", (((s, r) in median) && median[s, cublas] > 0 ? sprintf("%.2f", median[s, r] / median[s, cublas]) : "-")
             printf "\n"
           }
         }' "${gemm_files[@]}" | tee "$out/gemm-side-by-side.txt"
  fi
  note "gemm: median GFLOP/s side by side in $out/gemm-side-by-side.txt"
fi

if want elementwise; then
  echo "== maps, fused passes and sampling on cuda and host"
  bench elementwise --quick --backends cuda,host --seconds 0.3 2>&1 | tee "$out/elementwise.txt"
fi

if want train; then
  echo "== the default model, $epochs epochs on $data"
  torch_data=$data
  [ "$data" = mnist ] && torch_data=data/mnist
  [ "$data" = fashion-mnist ] && torch_data=/usr/share/datasets/fashion-mnist
  for device in cuda host; do
    vae train --data "$data" --epochs "$epochs" --device "$device" --out "$out/run-$device" --no-images \
      >"$out/train-$device.log" 2>&1
    status=$?
    if [ $status -ne 0 ]; then note "ours on $device: exit $status: $(tail -n 1 "$out/train-$device.log")"; continue; fi
    note "ours on $device: $(grep '^epoch' "$out/train-$device.log" | tail -n 1)"
    note "  median epoch seconds after the first: $(grep '^epoch' "$out/train-$device.log" | tail -n +2 | awk '{print $NF}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  done
  if [ $torch_gpu = 1 ]; then
    python3 bench/peers/pytorch_vae.py --data "$torch_data" --epochs "$epochs" --device cuda >"$out/train-pytorch-cuda.log" 2>&1
    note "pytorch on cuda: exit $?; $(grep '^epoch' "$out/train-pytorch-cuda.log" | tail -n 1)"
    note "  median epoch seconds after the first: $(grep '^epoch' "$out/train-pytorch-cuda.log" | tail -n +2 | awk '{print $NF}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  fi
fi

echo "== summary"
printf '%s\n' "${summary[@]}"
