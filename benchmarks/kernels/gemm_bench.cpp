// SPDX-License-Identifier: BSL-1.0
// The matrix-product micro-kernels alone, C += A B, at the shapes conv2d and dense give them
// and at one shape that sits in L2, single-threaded: GFLOP/s to hold against fma_peak_bench
// built for the same instruction set.
#include <ctnn/layers/detail/gemm.hpp>

#include "bench_main.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

namespace {

namespace detail = ctnn::detail;

// m x kk times kk x n; A row-major (conv2d's W col, dcol) or column-major (dense's dW).
template <bool TransposedA>
void gemm_nn(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)),
             n = static_cast<std::size_t>(state.range(1)),
             kk = static_cast<std::size_t>(state.range(2));
  std::vector<float> a(m * kk, 0.5f), b(kk * n, 0.25f), c(m * n, 0.0f);
  const detail::nn_operands<float> o{
      a.data(), TransposedA ? 1 : kk, TransposedA ? m : 1, b.data(), n, c.data(), n};
  for (auto _ : state) {
    detail::gemm_nn<true, TransposedA>(m, n, kk, o);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 2.0 *
                                                     static_cast<double>(m * n * kk) * 1e-9,
                                                 benchmark::Counter::kIsRate);
}

// Dot products of rows, C += A B^T (dense forward).
void gemm_nt(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)),
             n = static_cast<std::size_t>(state.range(1)),
             kk = static_cast<std::size_t>(state.range(2));
  std::vector<float> a(m * kk, 0.5f), b(n * kk, 0.25f), c(m * n, 0.0f);
  for (auto _ : state) {
    detail::gemm_nt<true>(m, n, kk, a.data(), kk, b.data(), kk, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 2.0 *
                                                     static_cast<double>(m * n * kk) * 1e-9,
                                                 benchmark::Counter::kIsRate);
}

// The same through gemm_nt_packed (B transposed, then gemm_nn's tiles): the A/B of the two
// forms of a dense layer's forward product.
void gemm_nt_packed(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)),
             n = static_cast<std::size_t>(state.range(1)),
             kk = static_cast<std::size_t>(state.range(2));
  std::vector<float> a(m * kk, 0.5f), b(n * kk, 0.25f), c(m * n, 0.0f), packed(n * kk);
  for (auto _ : state) {
    detail::gemm_nt_packed<true>(m, n, kk, a.data(), kk, b.data(), kk, c.data(), n, packed.data());
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 2.0 *
                                                     static_cast<double>(m * n * kk) * 1e-9,
                                                 benchmark::Counter::kIsRate);
}

}  // namespace

// N1's second convolution forward on a block of 4 samples (Out x positions x patch), its
// weight gradient (patch x Out x positions), N3's first dense layer's weight gradient, and a
// cache-resident square-ish product.
BENCHMARK_TEMPLATE(gemm_nn, false)
    ->Args({24, 64, 576})
    ->Args({576, 24, 64})
    ->Args({96, 256, 256})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(gemm_nn, true)->Args({120, 400, 128})->Unit(benchmark::kMicrosecond);
// Dense forward products (batch x Out x inputs): N3's three dense layers and N1's two, at a
// batch of 128, of 64 (a batch of 128 split between two threads) and 16.
#define CTNN_DENSE_SHAPES(f)                                                                       \
  BENCHMARK(f)                                                                                     \
      ->Args({128, 120, 400})                                                                      \
      ->Args({128, 84, 120})                                                                       \
      ->Args({128, 10, 84})                                                                        \
      ->Args({128, 64, 96})                                                                        \
      ->Args({128, 10, 64})                                                                        \
      ->Args({64, 120, 400})                                                                       \
      ->Args({32, 120, 400})                                                                       \
      ->Args({32, 64, 96})                                                                         \
      ->Args({16, 120, 400})                                                                       \
      ->Args({16, 64, 96})                                                                         \
      ->Unit(benchmark::kMicrosecond)
CTNN_DENSE_SHAPES(gemm_nt);
CTNN_DENSE_SHAPES(gemm_nt_packed);

CTNN_BENCHMARK_MAIN()
