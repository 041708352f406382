#!/usr/bin/env bash
# The whole test suite: installs dependencies, then builds and runs, in Release, the unit tests,
# the compile-fail suite, the package test and the example smoke tests; then the unit tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The example tests train on MNIST: CTNN_DATA, the shared data beside the checkout, or a copy
# fetched into data/mnist.
if [[ -z ${CTNN_DATA:-} && ! -d ../shared/data/mnist ]]; then
  scripts/fetch-mnist.sh data/mnist
fi
cmake --workflow --preset release
cmake --workflow --preset asan
bash scripts/test-hostile.sh  # issue 12: fuzzers, sanitizers on real training (README "Hostile input")
