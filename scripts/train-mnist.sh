#!/usr/bin/env bash
# The main job: installs dependencies, fetches MNIST into data/mnist (unless $CTNN_DATA, the
# folder holding mnist/, is set), builds the examples in Release and trains the CNN N1.
# Arguments go to mnist_cnn (e.g. --epochs 3 --threads 2 --save n1.ckpt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [[ -z ${CTNN_DATA:-} ]]; then
  scripts/fetch-mnist.sh data/mnist
  export CTNN_DATA=$PWD/data  # the examples read $CTNN_DATA/mnist
fi
# The main preset: Release, tuned for this machine (-march=native), warnings not errors.
cmake --preset main > /dev/null
cmake --build --preset main
exec build/main/examples/mnist_cnn "$@"
