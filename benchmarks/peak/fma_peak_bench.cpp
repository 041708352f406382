// SPDX-License-Identifier: BSL-1.0
// The FP32 peak of the instruction set this program was built for, measured: as many
// independent chains of vector multiply-adds as a product's register tile holds, per thread,
// so that the GFLOP/s of the other benchmarks can be given as a fraction of it.
#include <ctnn/layers/detail/simd.hpp>

#include "bench_main.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

namespace {

namespace simd = ctnn::detail::simd;

void fma_peak(benchmark::State& state) {
  constexpr std::size_t chains = simd::accumulators, lanes = simd::lanes<float>;
  constexpr std::size_t steps = 1024;
  simd::vec<float> acc[chains];
  for (std::size_t c = 0; c < chains; ++c)
    for (std::size_t l = 0; l < lanes; ++l)
      acc[c][l] = static_cast<float>(c + l) * 1e-3f;
  simd::vec<float> a = simd::broadcast(0.999f), b = simd::broadcast(1e-4f);
  benchmark::DoNotOptimize(a);
  benchmark::DoNotOptimize(b);
  for (auto _ : state) {
    for (std::size_t s = 0; s < steps; ++s)
#pragma GCC unroll 24
      for (std::size_t c = 0; c < chains; ++c)
        acc[c] = simd::madd<float>(acc[c], a, b);
    for (std::size_t c = 0; c < chains; ++c)
      benchmark::DoNotOptimize(acc[c]);
  }
  state.SetLabel(std::string(simd::name()) + ", " + std::to_string(lanes) + " lanes");
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * steps *
                                                     chains * lanes * 2 * 1e-9,
                                                 benchmark::Counter::kIsRate);
}

}  // namespace

// One thread, then one per core: the figure per core and for the whole machine.
BENCHMARK(fma_peak)->Threads(1)->Threads(2)->UseRealTime();

CTNN_BENCHMARK_MAIN()
