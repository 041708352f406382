#!/usr/bin/env bash
# Measures the training targets of the MNIST examples, median of 3 runs each:
#   N1 (mnist_cnn): one full epoch with 2 threads, and the training time to 97 % test accuracy
#   (evaluated every 25 steps, evaluation time excluded);
#   the budget CNN (mnist_budget_cnn): training time and accuracy of its default run.
# Usage: benchmarks/training/mnist_targets.sh [build dir (build/release)] [MNIST dir]
set -euo pipefail
build=${1:-build/release}
data=${2:-${CTNN_DATA:+$CTNN_DATA/mnist}}  # $CTNN_DATA holds mnist/ and fashion-mnist/
data=${data:-data/mnist}
runs=${RUNS:-3}

field() { grep -o "\"$1\": [0-9.a-z]*" | head -1 | cut -d' ' -f2; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
run() {  # prints the JSON line of one run
  "$build/examples/$1" --data "$data" --quiet "${@:2}" | tail -1
}
measure() {  # name, label, args...: prints medians of train_seconds and test_accuracy
  local name=$1 label=$2 secs=() accs=() line
  shift 2
  for ((i = 0; i < runs; i++)); do
    line=$(run "$name" "$@")
    secs+=("$(field train_seconds <<< "$line")")
    accs+=("$(field test_accuracy <<< "$line")")
  done
  printf '%-34s median train_seconds %s (runs: %s)  median test_accuracy %s\n' "$label" \
    "$(printf '%s\n' "${secs[@]}" | median)" "${secs[*]}" "$(printf '%s\n' "${accs[@]}" | median)"
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
measure mnist_cnn "N1 one epoch, 2 threads" --threads 2 --epochs 1 --schedule constant
measure mnist_cnn "N1 to 97 %, 2 threads" --threads 2 --epochs 3 --schedule constant \
  --target-accuracy 0.97 --eval-every 25
measure mnist_budget_cnn "budget CNN default run, 2 threads" --threads 2
