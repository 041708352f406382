#!/usr/bin/env bash
# The whole test suite: installs dependencies, then builds and runs, in Release, the unit tests,
# the compile-fail suite, the package test and the example smoke tests; then the unit tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer (all but the whole-network
# gradient checks, which the Release run has); then the kernel unit tests (those whose code
# differs by target: kernel_test_sources in tests/CMakeLists.txt) and the register-tile spill
# check built for each instruction set ctnn is tuned for: the x86-64 baseline (SSE2),
# x86-64-v3 (AVX2+FMA), x86-64-v4 (AVX-512; run only where the CPU has it) and aarch64
# (cross-built, run under qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The example tests train on MNIST: $CTNN_DATA/mnist ($CTNN_DATA holds mnist/ and
# fashion-mnist/), the shared data beside the checkout, or a copy fetched into data/mnist.
if [[ -z ${CTNN_DATA:-} && ! -d ../shared/data/mnist ]]; then
  scripts/fetch-mnist.sh data/mnist
fi
# Each stage says how long it took (the whole suite should stay under about 25 minutes).
stage() {
  echo "=== [$(date -u +%H:%M:%S), ${SECONDS} s] $*"
}
stage "release workflow"
cmake --workflow --preset release
stage "asan workflow"
cmake --workflow --preset asan

isa_presets=()
case $(uname -m) in
x86_64) isa_presets=(isa-x86-64 isa-x86-64-v3 isa-x86-64-v4 aarch64) ;;
aarch64) echo "ISA matrix: this is an aarch64 machine; the native build above covers NEON" ;;
*) echo "ISA matrix: no per-ISA builds for $(uname -m)" ;;
esac
for preset in "${isa_presets[@]}"; do
  stage "unit tests built for ${preset}"
  cmake --preset "${preset}" > /dev/null
  cmake --build --preset "${preset}"
  if [[ ${preset} == isa-x86-64-v4 ]] &&
    ! grep -qw avx512bw /proc/cpuinfo; then
    # The test program would skip itself (exit 77), but static initialisers compiled for
    # AVX-512 may already fault before main: do not start it.
    echo "x86-64-v4: the tests are built, not run: this CPU has no AVX-512 (F/BW/VL); the spill" \
      "check and the program's own skip (under qemu's Haswell model) run"
    ctest --preset "${preset}" -E all_test_cases
    continue
  fi
  ctest --preset "${preset}"
done
stage "hostile input: fuzzers, sanitizers on real training"
bash scripts/test-hostile.sh  # issue 12: fuzzers, sanitizers on real training (README "Hostile input")
stage "done"
