#!/usr/bin/env bash
# libFuzzer targets for what ctnn reads from outside (tests/fuzz/): the IDX reader (raw and
# gzip), the image/label pair loader, the checkpoint loader and the weights loader (weights
# files, and the weights of checkpoints).  Built with clang-16 and
# -fsanitize=fuzzer,address,undefined; each runs SECONDS (default 25) at nice 19 from a copy of
# its committed seed corpus, so the tree is not changed.
#   scripts/fuzz.sh            # the bounded CI run: 25 s each
#   scripts/fuzz.sh 600        # the long run: 10 minutes each
#   scripts/fuzz.sh --seeds    # rewrite tests/fuzz/corpus from tests/fuzz/make_seeds.cpp
# A finding stops that target with its input saved under build/fuzz/findings/ and this script
# exits non-zero.  Reproduce with: build/fuzz/<target> <file>
set -euo pipefail
cd "$(dirname "$0")/.."
out=${CTNN_FUZZ_DIR:-build/fuzz}
cxx=${CTNN_FUZZ_CXX:-clang++-16}
mkdir -p "$out"
flags=(-std=c++20 -O1 -g -Iinclude -fno-omit-frame-pointer)

if [[ ${1:-} == --seeds ]]; then
  g++ "${flags[@]}" tests/fuzz/make_seeds.cpp -lz -o "$out/make_seeds"
  rm -rf tests/fuzz/corpus
  "$out/make_seeds" tests/fuzz/corpus
  exit 0
fi
seconds=${1:-25}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found (Debian: clang-16 libclang-rt-16-dev libfuzzer-16-dev)" >&2
  exit 1
fi

targets=(fuzz_idx fuzz_idx_pair fuzz_checkpoint fuzz_weights)
for t in "${targets[@]}"; do
  nice -n 10 "$cxx" "${flags[@]}" -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined "tests/fuzz/$t.cpp" -lz -o "$out/$t" &
done
wait

status=0
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus" "$out/findings/$t"
  cp -n tests/fuzz/corpus/"$t"/* "$corpus"/
  log="$out/$t.log"
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     nice -n 19 "$out/$t" -max_total_time="$seconds" -rss_limit_mb=2560 -max_len=65536 \
       -timeout=10 -print_final_stats=1 -artifact_prefix="$out/findings/$t/" \
       "$corpus" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $t: ok, $runs executions in $seconds s, 0 findings"
  else
    echo "fuzz: $t: FINDING (see $log and $out/findings/$t/)"
    tail -40 "$log"
    status=1
  fi
done
exit $status
