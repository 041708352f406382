#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# A run stopped and resumed is the run that was never stopped: trains mnist3_tiny_cnn for three
# epochs (30 steps each) in one go, and again stopped after step 40 (--max-steps, mid-epoch 2)
# with --save, then --resume'd; both with --report.  The resumed run's report must hold the
# whole history (steps and validations from before the resume) with the same learning rate,
# loss and accuracy at every step as the uninterrupted run's, and end at the same accuracy.
# Usage: resume_test.sh PROGRAM MNIST_DIR SCRATCH_DIR SCHEDULE
set -uo pipefail
prog=$1 data=$2 W=$3 schedule=$4
rm -rf "$W" && mkdir -p "$W"
fail() { echo "FAIL: $*"; exit 1; }
# Validations every 5 steps: the stop at step 40 falls on one, as in the uninterrupted run
# (an accuracy schedule reacts to every validation).
common=(--data "$data" --train-limit 1920 --test-limit 300 --batch 64 --epochs 3 --threads 2
        --quiet --eval-every 5 --schedule "$schedule")
"$prog" "${common[@]}" --report "$W/whole" >"$W/whole.log" 2>&1 || fail "the whole run failed"
"$prog" "${common[@]}" --max-steps 40 --save "$W/run.ckpt" >"$W/part1.log" 2>&1 ||
  fail "the first part failed"
"$prog" "${common[@]}" --resume "$W/run.ckpt" --save "$W/run.ckpt" --report "$W/resumed" \
  >"$W/part2.log" 2>&1 || fail "the resumed part failed"
grep -q "resumed from $W/run.ckpt at epoch 1, step 40" "$W/part2.log" || fail "not resumed at 40"
# step, epoch, loss, accuracy, learning_rate of every step
diff <(cut -d, -f1-5 "$W/whole/steps.csv") <(cut -d, -f1-5 "$W/resumed/steps.csv") >"$W/steps.diff" ||
  fail "steps.csv differs (step,epoch,loss,accuracy,learning_rate): $(head -5 "$W/steps.diff")"
[[ $(wc -l <"$W/resumed/steps.csv") == 91 ]] || fail "the resumed report does not hold 90 steps"
# step, epoch, loss, accuracy of every validation (train_seconds differ)
diff <(cut -d, -f1,2,4,5 "$W/whole/evaluations.csv") \
  <(cut -d, -f1,2,4,5 "$W/resumed/evaluations.csv") >"$W/evaluations.diff" ||
  fail "evaluations.csv differs: $(head -5 "$W/evaluations.diff")"
rates=$(cut -d, -f5 "$W/resumed/steps.csv" | tail -n +2 | sort -u | wc -l)
[[ $rates -gt 1 ]] || fail "the learning rate never changed: the schedule was not exercised"
acc() { tail -1 "$1" | grep -o '"test_accuracy": [0-9.]*'; }
[[ $(acc "$W/whole.log") == "$(acc "$W/part2.log")" ]] ||
  fail "final accuracy: $(acc "$W/whole.log") uninterrupted, $(acc "$W/part2.log") resumed"
echo "ok: $schedule: the resumed run repeats the uninterrupted one ($rates learning rates, 90 steps in its report)"
