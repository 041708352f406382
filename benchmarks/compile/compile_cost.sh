#!/usr/bin/env bash
# Compile cost of ctnn: CPU and wall time and peak compiler memory at -O2, and binary size, for each
# example, for generated networks of 8, 16, 32 and 64 dense<32>+relu layers and of 8 to 128
# conv2d+relu pairs; then the fitted growth of compile time with depth for each chain.
# Compile time is a feature ctnn measures.
#
#   benchmarks/compile/compile_cost.sh [CXX]      (default: g++; run from anywhere)
#
# CTNN_COMPILE_PARTS (default "examples dense conv") picks what to measure; CTNN_INCLUDE
# (default the checkout's include/) measures another copy of the headers, e.g. an older commit.
# An example's time is its main.cpp (compiled and linked with the shared program's objects,
# each reported once on its own line).  Each file is compiled 3 times
# (CTNN_COMPILE_REPEATS) and the median is reported.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${1:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
include=${CTNN_INCLUDE:-$root/include}
parts=${CTNN_COMPILE_PARTS:-examples dense conv}
flags=(-std=c++20 -O2 -march=native -DNDEBUG -I"$include" -I"$root/examples/common")
repeats=${CTNN_COMPILE_REPEATS:-3}
command -v /usr/bin/time > /dev/null || { echo "compile_cost.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

# generate <kind> <depth> <file>: a network trained for one step, of `depth` dense<32>+relu
# layers after a 64-wide input (kind dense), or of `depth` conv2d<4, 3, pad<1>>+relu pairs on
# a 4x8x8 input (kind conv), both ending in dense<10>.
generate() {
  local kind=$1 depth=$2 file=$3 in pair
  if [[ $kind == dense ]]; then
    in='ctnn::input<64>' pair='ctnn::dense<32>, ctnn::relu'
  else
    in='ctnn::input<4, 8, 8>' pair='ctnn::conv2d<4, 3, ctnn::pad<1>>, ctnn::relu'
  fi
  {
    # The per-sample workspace of a deep conv chain passes 1 MiB; older ctnn refused that in
    # the network type itself, and this measures compile time, not the guard.
    echo '#define CTNN_STACK_LIMIT_BYTES (std::size_t{1} << 40)'
    echo '#include <ctnn/ctnn.hpp>'
    echo '#include <iostream>'
    echo '#include <memory>'
    printf 'using net = ctnn::network<%s' "$in"
    for ((i = 0; i < depth; ++i)); do printf ', %s' "$pair"; done
    [[ $kind == conv ]] && printf ', ctnn::flatten'
    echo ', ctnn::dense<10>>;'
    echo "constexpr std::size_t in_size = ctnn::size_v<ctnn::input_shape_t<net>>;"
    cat << 'CPP'
int main() {
  auto m = ctnn::make_model<net>();
  auto ws = ctnn::make_workspace<net, float, 16>();
  auto g = std::make_unique<ctnn::gradients<net>>();
  struct fill {
    void weights(float* p, std::size_t n, std::size_t, std::size_t) { for (std::size_t i = 0; i < n; ++i) p[i] = 0.01f * float(i % 7); }
    void constant(float* p, std::size_t n, float v) { for (std::size_t i = 0; i < n; ++i) p[i] = v; }
  } init;
  m->initialize(init);
  static float x[16 * in_size] = {}, dy[16 * 10] = {};
  dy[0] = 1;
  auto y = ctnn::forward(*m, *ws, x, 16, {ctnn::phase::train});
  ctnn::backward(*m, *g, *ws, dy, 16, {ctnn::phase::train});
  ctnn::adam<net::parameter_count> opt;
  opt.step(m->parameters, *g, 1e-3f);
  std::cout << ctnn::summary<net>() << y[0] << "\n";
}
CPP
  } > "$file"
}

# measure <name> <source> [extra link flags...]: prints "name seconds wall MB bytes", where
# seconds is the compiler's CPU time (user + system), which a busy shared machine disturbs far
# less than the wall time printed next to it.
measure() {
  local name=$1 src=$2
  shift 2
  local runs=()
  for ((r = 0; r < repeats; ++r)); do
    /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$cxx" "${flags[@]}" "$src" -o "$work/a.out" "$@"
    runs+=("$(awk '{printf "%.2f %s %s", $1 + $2, $3, $4}' "$work/time")")
  done
  local median
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((repeats + 1) / 2))p")
  read -r sec wall kb <<< "$median"
  printf '%-28s %8.2f %8.2f %8.0f %10d\n' "$name" "$sec" "$wall" "$((kb / 1024))" \
    "$(stat -c %s "$work/a.out")"
}

echo "compiler: $("$cxx" --version | head -1)"
echo "flags:    ${flags[*]}"
echo "cpu:      $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo
printf '%-28s %8s %8s %8s %10s\n' "translation unit" "CPU s" "wall s" "peak MB" "binary B"
if [[ " $parts " == *" examples "* ]]; then
  # The training examples' shared program (command line with CLI11; data, checkpoints, report
  # and JSON line) is two translation units, each compiled once for all examples.
  shared=()
  for part in command_line run_program; do
    "$cxx" "${flags[@]}" -c "$root/examples/common/$part.cpp" -o "$work/$part.o"
    measure "examples/common/$part" "$root/examples/common/$part.cpp" -c
    shared+=("$work/$part.o")
  done
  for ex in "$root"/examples/*/main.cpp; do
    name="examples/$(basename "$(dirname "$ex")")"
    # An example that includes a header its build generates (embedded_weights: weights exported
    # by a trained model) is left out: it is not a translation unit on its own.
    missing=""
    for h in $(sed -n 's/^#include "\(.*\)"/\1/p' "$ex"); do
      [[ -f $(dirname "$ex")/$h || -f $root/examples/common/$h ]] || missing=$h
    done
    if [[ -n $missing ]]; then
      printf '%-28s (left out: includes %s, which its build generates)\n' "$name" "$missing"
      continue
    fi
    measure "$name" "$ex" "${shared[@]}" -lpng -lz -pthread
  done
  echo
fi
# chain <kind> <depths...>: measures each depth, then fits the growth of time with depth.
chain() {
  local kind=$1 label
  shift
  local depths=("$@") seconds=()
  [[ $kind == dense ]] && label="dense+relu x" || label="conv+relu x"
  for d in "${depths[@]}"; do
    generate "$kind" "$d" "$work/${kind}_$d.cpp"
    line=$(measure "$label $d" "$work/${kind}_$d.cpp")
    echo "$line"
    seconds+=("$(awk '{print $(NF-3)}' <<< "$line")")
  done
  # Least-squares fit t = a + b * depth; the exponent k of t ~ depth^k between the first and
  # last depth, and between the last two (a quadratic term shows there first: 1 = linear).
  printf '%s\n' "${depths[@]}" > "$work/x"
  printf '%s\n' "${seconds[@]}" > "$work/y"
  paste "$work/x" "$work/y" | awk -v label="$label" '
    { x[NR] = $1; y[NR] = $2; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
    END {
      n = NR; b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n
      for (i = 1; i <= n; ++i) { f = a + b * x[i]; ss += (y[i] - f) ^ 2; st += (y[i] - sy / n) ^ 2 }
      k = log(y[n] / y[1]) / log(x[n] / x[1])
      kl = log(y[n] / y[n - 1]) / log(x[n] / x[n - 1])
      printf "fit (%s depth): seconds = %.3f + %.4f * depth (R^2 = %.4f); growth exponent %.2f from %d to %d, %.2f from %d to %d (1 = linear); time(%d)/time(%d) = %.2f\n\n",
             label, a, b, 1 - ss / st, k, x[1], x[n], kl, x[n - 1], x[n], x[n], x[n - 1], y[n] / y[n - 1]
    }'
}
[[ " $parts " == *" dense "* ]] && chain dense 8 16 32 64
[[ " $parts " == *" conv "* ]] && chain conv 8 16 32 64 128
exit 0
