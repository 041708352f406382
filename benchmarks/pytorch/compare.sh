#!/usr/bin/env bash
# Builds ctnn_peer (Release, -march=native) and prints the ctnn-vs-PyTorch table for the four
# seed networks with 1 and 2 threads, plus the one-step agreement check.
#
#   benchmarks/pytorch/compare.sh [DATA_ROOT]
#   MARCH=x86-64-v3 benchmarks/pytorch/compare.sh   # ctnn built for another ISA (here AVX2)
#
# DATA_ROOT holds mnist/ and fashion-mnist/ (default: ../shared/data beside the checkout, else
# data/).  Installs python3-torch, python3-numpy and libopenblas0-pthread if they are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
data=${1:-}
if [[ -z $data ]]; then
  if [[ -d ../shared/data/mnist ]]; then data=../shared/data; else data=data; fi
fi
[[ -d $data/mnist ]] || { echo "compare.sh: no $data/mnist (run scripts/fetch-mnist.sh or pass DATA_ROOT)" >&2; exit 1; }
nets=n1,n2,n4
if [[ -d $data/fashion-mnist ]]; then nets=n1,n2,n3,n4; else echo "compare.sh: no $data/fashion-mnist; N3 is left out" >&2; fi
scripts/install-deps.sh
build=build/bench
torch_isa="its own choice"
if [[ -n ${MARCH:-} ]]; then
  build=build/bench-$MARCH
  cmake --preset bench -B "$build" -DCTNN_NATIVE=OFF -DCMAKE_CXX_FLAGS="-march=$MARCH" > /dev/null
  # PyTorch picks its kernels at run time: hold it to the same instruction set, so that the
  # table stands for a CPU that has only that one.
  case $MARCH in
  x86-64-v3)
    export ATEN_CPU_CAPABILITY=avx2 DNNL_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell
    torch_isa="AVX2 (ATEN_CPU_CAPABILITY=avx2, DNNL_MAX_CPU_ISA=AVX2, OPENBLAS_CORETYPE=Haswell)"
    ;;
  x86-64)
    export ATEN_CPU_CAPABILITY=default DNNL_MAX_CPU_ISA=SSE41 OPENBLAS_CORETYPE=Core2
    torch_isa="SSE (ATEN_CPU_CAPABILITY=default, DNNL_MAX_CPU_ISA=SSE41, OPENBLAS_CORETYPE=Core2)"
    ;;
  esac
else
  cmake --preset bench > /dev/null
fi
cmake --build "$build" --target ctnn_peer
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(g++ --version | head -1);" \
  "ctnn built for -march=${MARCH:-native}; PyTorch kernels: $torch_isa"
exec /usr/bin/python3 benchmarks/pytorch/compare_pytorch.py --peer "$build/benchmarks/pytorch/ctnn_peer" \
  --data "$data" --nets "$nets" --json "$build/compare_pytorch.json"
