#!/usr/bin/env bash
# Builds ctnn_peer (Release, -march=native) and prints the ctnn-vs-PyTorch table for the four
# seed networks with 1 and 2 threads, plus the one-step agreement check.
#
#   benchmarks/pytorch/compare.sh [DATA_ROOT]
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
cmake --preset bench > /dev/null
cmake --build build/bench --target ctnn_peer
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(g++ --version | head -1)"
exec /usr/bin/python3 benchmarks/pytorch/compare_pytorch.py --peer build/bench/benchmarks/pytorch/ctnn_peer \
  --data "$data" --nets "$nets" --json build/bench/compare_pytorch.json
