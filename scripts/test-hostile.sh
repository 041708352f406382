#!/usr/bin/env bash
# The extra CI stage of issue 12 (after the release and asan workflows of scripts/test.sh):
#   1. the fuzzers, 20 s each, 10 s in CI (CI=true; scripts/fuzz.sh; clang-16 with libFuzzer;
#      CTNN_FUZZ_SECONDS overrides both);
#   2. real training under AddressSanitizer + UBSan + _GLIBCXX_ASSERTIONS: a short run with
#      --save, then --resume, of a network without batch_norm (mnist3_tiny_cnn) and of one with
#      it (mnist_cnn);
#   3. the multi-threaded trainer under ThreadSanitizer (mnist_cnn, 2 and 3 threads).
# The hostile-input table itself runs with the release tests (ctest -L hostile).
set -euo pipefail
cd "$(dirname "$0")/.."
# $CTNN_DATA is the folder holding mnist/ (and fashion-mnist/), as the examples read it.
data=${CTNN_DATA:+$CTNN_DATA/mnist}
if [[ -z $data ]]; then
  if [[ -d ../shared/data/mnist ]]; then data=../shared/data/mnist; else data=data/mnist; fi
fi
data=$(cd "$data" && pwd)
jobs=${CTNN_JOBS:-2}

# In CI a bounded run only shows that the targets build and survive their seeds plus a
# short search; the long searches are scripts/fuzz.sh 600.
fuzz_seconds=${CTNN_FUZZ_SECONDS:-20}
if [[ ${CI:-} == true ]]; then fuzz_seconds=${CTNN_FUZZ_SECONDS:-10}; fi
echo "== fuzzers (${fuzz_seconds} s each)"
CTNN_FUZZ_DIR=build/fuzz bash scripts/fuzz.sh "${fuzz_seconds}"

configure() {  # configure DIR FLAGS
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=$2" \
    "-DCMAKE_EXE_LINKER_FLAGS=$3" -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=ON \
    -DCTNN_WARNINGS_AS_ERRORS=ON >/dev/null
}
expect() {  # expect LOG REGEX: the run's output holds REGEX
  grep -Eq -- "$2" "$1" || { echo "FAIL: '$2' not in $1:"; tail -30 "$1"; exit 1; }
}

echo "== real training under ASan + UBSan + _GLIBCXX_ASSERTIONS"
asan=build/sanitize-real
configure $asan "-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS" \
  "-fsanitize=address,undefined"
cmake --build $asan -j "$jobs" --target mnist3_tiny_cnn mnist_cnn
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
scratch=$asan/scratch && rm -rf $scratch && mkdir -p $scratch
for prog in mnist3_tiny_cnn mnist_cnn; do
  common=(--data "$data" --train-limit 640 --test-limit 200 --batch 32 --threads 2 --quiet
          --save "$scratch/$prog.ckpt")
  "$asan/examples/$prog" "${common[@]}" --epochs 1 >"$scratch/$prog.1.log" 2>&1 ||
    { echo "FAIL: $prog under ASan"; tail -40 "$scratch/$prog.1.log"; exit 1; }
  expect "$scratch/$prog.1.log" "checkpoint: saved .*$prog.ckpt \\(epoch 1, step 20\\)"
  "$asan/examples/$prog" "${common[@]}" --epochs 2 --resume "$scratch/$prog.ckpt" \
    >"$scratch/$prog.2.log" 2>&1 ||
    { echo "FAIL: $prog resumed under ASan"; tail -40 "$scratch/$prog.2.log"; exit 1; }
  expect "$scratch/$prog.2.log" "resumed from .*$prog.ckpt at epoch 1, step 20"
  expect "$scratch/$prog.2.log" '"steps": 40,'
  echo "ok: $prog: train, save and resume clean under ASan + UBSan + _GLIBCXX_ASSERTIONS"
done

echo "== the multi-threaded trainer under ThreadSanitizer"
tsan=build/sanitize-thread
configure $tsan "-O1 -g -fsanitize=thread -fno-omit-frame-pointer" "-fsanitize=thread"
cmake --build $tsan -j "$jobs" --target mnist_cnn
for threads in 2 3; do
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$tsan/examples/mnist_cnn" \
    --data "$data" --train-limit 384 --test-limit 200 --batch 64 --threads $threads --epochs 1 \
    --quiet >"$tsan/threads-$threads.log" 2>&1 ||
    { echo "FAIL: ThreadSanitizer, $threads threads"; tail -60 "$tsan/threads-$threads.log"; exit 1; }
  expect "$tsan/threads-$threads.log" "\"threads\": $threads,"
  echo "ok: mnist_cnn with $threads threads clean under ThreadSanitizer"
done
