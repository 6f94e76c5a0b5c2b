# Sourced by bench/gemm-vs-openblas.sh and bench/vae-vs-pytorch.sh: which OpenBLAS kernel the peers run.
#
# OpenBLAS picks its kernel from the processor's family and model. A release that does not know the processor falls
# back to a generic SSE3 kernel ("Prescott"): Debian's OpenBLAS 0.3.21 does so on an Emerald Rapids Xeon (family 6
# model 207) and runs sgemm at 60 GFLOP/s on 2 cores there, against 305 with its SkylakeX kernel. Comparing with
# that would flatter ScratchVae, so when the automatic choice is such a fallback on a processor with AVX-512 (or
# AVX2 + FMA), the peers get OPENBLAS_CORETYPE=SkylakeX (or Haswell), OpenBLAS's own kernel for those instructions.
# OPENBLAS_PEER_CORETYPE overrides the choice (empty: OpenBLAS's automatic one). OPENBLAS_L2_SIZE is always unset.
#
# openblas_peer_environment PYTHON: prints the NAME=VALUE words to pass to `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`
# (nothing, or OPENBLAS_CORETYPE=...), and a line on standard error saying what was chosen and why.
openblas_peer_environment() {
  local python=$1 automatic chosen flags
  if [ -n "${OPENBLAS_PEER_CORETYPE+set}" ]; then
    [ -n "$OPENBLAS_PEER_CORETYPE" ] && echo "OPENBLAS_CORETYPE=$OPENBLAS_PEER_CORETYPE"
    echo "OpenBLAS kernel for the peers: ${OPENBLAS_PEER_CORETYPE:-automatic} (OPENBLAS_PEER_CORETYPE)" >&2
    return
  fi
  automatic=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_VERBOSE=2 "$python" -c 'import numpy' 2>&1 \
              | sed -n 's/^Core: *//p' | head -n 1)
  flags=$(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null || true)
  chosen=""
  case "$automatic" in
    Prescott|Katmai|Coppermine|Northwood|Banias|Core2|Penryn|Dunnington|Nehalem|Atom|"")
      if [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* ]]; then chosen=SkylakeX
      elif [[ " $flags " == *" avx2 "* && " $flags " == *" fma "* ]]; then chosen=Haswell; fi ;;
  esac
  if [ -n "$chosen" ]; then
    echo "OPENBLAS_CORETYPE=$chosen"
    echo "OpenBLAS kernel for the peers: $chosen (its automatic choice on this processor is the generic '${automatic:-unknown}')" >&2
  else
    echo "OpenBLAS kernel for the peers: ${automatic:-unknown} (OpenBLAS's automatic choice)" >&2
  fi
}
