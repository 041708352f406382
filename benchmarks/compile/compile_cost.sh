#!/usr/bin/env bash
# Compile cost of ctnn: wall time and peak compiler memory at -O2, and binary size, for each
# example and for generated networks of 8, 16, 32 and 64 dense<32>+relu layers; then the
# fitted growth of compile time with depth.  Compile time is a feature ctnn measures.
#
#   benchmarks/compile/compile_cost.sh [CXX]      (default: g++; run from anywhere)
#
# An example's time is its main.cpp (compiled and linked with the shared command-line object,
# which is reported once on its own line).  Each file is compiled 3 times (CTNN_COMPILE_REPEATS) and the median is reported.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${1:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(-std=c++20 -O2 -march=native -DNDEBUG -I"$root/include" -I"$root/examples/common")
repeats=${CTNN_COMPILE_REPEATS:-3}
command -v /usr/bin/time > /dev/null || { echo "compile_cost.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

# A chain of `depth` dense<32>+relu layers after a 64-wide input, trained for one step.
generate() {
  local depth=$1 file=$2
  {
    echo '#include <ctnn/ctnn.hpp>'
    echo '#include <iostream>'
    echo '#include <memory>'
    printf 'using net = ctnn::network<ctnn::input<64>'
    for ((i = 0; i < depth; ++i)); do printf ', ctnn::dense<32>, ctnn::relu'; done
    echo ', ctnn::dense<10>>;'
    cat << 'CPP'
int main() {
  auto m = std::make_unique<ctnn::model<net>>();
  auto ws = std::make_unique<ctnn::workspace<net, float, 16>>();
  auto g = std::make_unique<ctnn::gradients<net>>();
  struct fill {
    void weights(float* p, std::size_t n, std::size_t, std::size_t) { for (std::size_t i = 0; i < n; ++i) p[i] = 0.01f * float(i % 7); }
    void constant(float* p, std::size_t n, float v) { for (std::size_t i = 0; i < n; ++i) p[i] = v; }
  } init;
  m->initialize(init);
  float x[16 * 64] = {}, dy[16 * 10] = {};
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

# measure <name> <source> [extra link flags...]: prints "name seconds MB bytes"
measure() {
  local name=$1 src=$2
  shift 2
  local runs=()
  for ((r = 0; r < repeats; ++r)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$cxx" "${flags[@]}" "$src" -o "$work/a.out" "$@"
    runs+=("$(cat "$work/time")")
  done
  local median
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((repeats + 1) / 2))p")
  read -r sec kb <<< "$median"
  printf '%-28s %8.2f %8.0f %10d\n' "$name" "$sec" "$((kb / 1024))" "$(stat -c %s "$work/a.out")"
}

echo "compiler: $("$cxx" --version | head -1)"
echo "flags:    ${flags[*]}"
echo "cpu:      $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo
printf '%-28s %8s %8s %10s\n' "translation unit" "seconds" "peak MB" "binary B"
# The examples' shared command line (CLI11) is one translation unit, compiled once.
"$cxx" "${flags[@]}" -c "$root/examples/common/command_line.cpp" -o "$work/command_line.o"
cp "$work/command_line.o" "$work/cli.o"
measure "examples/common/command_line" "$root/examples/common/command_line.cpp" -c
for ex in "$root"/examples/*/main.cpp; do
  measure "examples/$(basename "$(dirname "$ex")")" "$ex" "$work/cli.o" -lpng -lz -pthread
done
declare -a depths=(8 16 32 64) seconds=()
for d in "${depths[@]}"; do
  generate "$d" "$work/chain_$d.cpp"
  line=$(measure "dense+relu x $d" "$work/chain_$d.cpp")
  echo "$line"
  seconds+=("$(awk '{print $(NF-2)}' <<< "$line")")
done
# Least-squares fit t = a + b * depth, and the exponent k of t ~ depth^k between 8 and 64.
printf '%s\n' "${depths[@]}" > "$work/x"
printf '%s\n' "${seconds[@]}" > "$work/y"
paste "$work/x" "$work/y" | awk '
  { x[NR] = $1; y[NR] = $2; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
  END {
    n = NR; b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n
    for (i = 1; i <= n; ++i) { f = a + b * x[i]; ss += (y[i] - f) ^ 2; st += (y[i] - sy / n) ^ 2 }
    k = log(y[n] / y[1]) / log(x[n] / x[1])
    printf "\nfit: seconds = %.3f + %.4f * depth (R^2 = %.4f); growth exponent %.2f (1 = linear)\n",
           a, b, 1 - ss / st, k
  }'
