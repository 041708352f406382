// SPDX-License-Identifier: BSL-1.0
// This machine's FP32 peak, measured: 16 independent chains of 64-byte vector multiply-adds
// per thread, so that the GFLOP/s of the other benchmarks can be given as a fraction of it.
#include <ctnn/layers/detail/kernels.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>

namespace {

using ctnn::detail::vec64;

void fma_peak(benchmark::State& state) {
  constexpr std::size_t chains = 16, lanes = sizeof(vec64<float>) / sizeof(float);
  constexpr std::size_t steps = 1024;
  vec64<float> acc[chains];
  for (std::size_t c = 0; c < chains; ++c)
    for (std::size_t l = 0; l < lanes; ++l)
      acc[c][l] = static_cast<float>(c + l) * 1e-3f;
  vec64<float> a, b;
  for (std::size_t l = 0; l < lanes; ++l) {
    a[l] = 0.999f;
    b[l] = 1e-4f;
  }
  benchmark::DoNotOptimize(a);
  benchmark::DoNotOptimize(b);
  for (auto _ : state) {
    for (std::size_t s = 0; s < steps; ++s)
      for (std::size_t c = 0; c < chains; ++c)
        acc[c] = acc[c] * a + b;
    for (std::size_t c = 0; c < chains; ++c)
      benchmark::DoNotOptimize(acc[c]);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * steps *
                                                     chains * lanes * 2 * 1e-9,
                                                 benchmark::Counter::kIsRate);
}

}  // namespace

// One thread, then one per core: the figure per core and for the whole machine.
BENCHMARK(fma_peak)->Threads(1)->Threads(2)->UseRealTime();

BENCHMARK_MAIN();
