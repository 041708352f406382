// SPDX-License-Identifier: BSL-1.0
// Batch-1 latency of the seed networks N1, N3 and N4 in float (as trained, and with
// batch_norm folded) and in int8 (ctnn::quantize), from one raw sample to the outputs.  Run
// with --benchmark_enable_random_interleaving=true --benchmark_repetitions=N so that the
// variants share the machine's state, and compare medians.
#include <ctnn/core/fold.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/quant.hpp>

#include "seed_networks.hpp"

#include "bench_main.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace ctnn;

// A model (He normal, seed 1) and inputs in [0, 1) like pixels; the values do not change
// the work of either pass.
template <class Net>
struct fixture {
  static constexpr std::size_t in = size_v<typename Net::input_shape>;
  std::unique_ptr<model<Net>> m = make_model<Net>();
  std::vector<float> x;
  fixture() : x(64 * in) {
    splitmix64 rng(2);
    for (auto& v : x)
      v = static_cast<float>(rng() >> 40) / 16777216.0f;
  }
};

template <class Net>
void float_batch1(benchmark::State& state) {
  fixture<Net> f;
  workspace<Net> ws;
  for (auto _ : state) {
    auto y = predict(*f.m, ws, std::span<const float, fixture<Net>::in>(f.x.data(), f.in));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
}

template <class Net>
void float_folded_batch1(benchmark::State& state) {
  fixture<Net> f;
  const auto folded = fold_for_inference(*f.m);
  workspace<inference_network_t<Net>> ws;
  for (auto _ : state) {
    auto y = predict(*folded, ws, std::span<const float, fixture<Net>::in>(f.x.data(), f.in));
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
}

template <class Net>
void int8_batch1(benchmark::State& state) {
  fixture<Net> f;
  const auto q =
      std::make_unique<quantized_model<Net>>(quantize(*f.m, std::span<const float>(f.x)));
  quantized_workspace<Net> ws;
  std::array<float, size_v<typename Net::output_shape>> y;
  for (auto _ : state) {
    predict(*q, ws, f.x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::string(quant::detail::kernel_name));
}

using n1 = seeds::mnist_cnn;
using n3 = seeds::lenet_bn;
using n4 = seeds::tiny_cnn<10>;

}  // namespace

BENCHMARK_TEMPLATE(float_batch1, n1);
BENCHMARK_TEMPLATE(float_folded_batch1, n1);
BENCHMARK_TEMPLATE(int8_batch1, n1);
BENCHMARK_TEMPLATE(float_batch1, n3);
BENCHMARK_TEMPLATE(float_folded_batch1, n3);
BENCHMARK_TEMPLATE(int8_batch1, n3);
BENCHMARK_TEMPLATE(float_batch1, n4);
BENCHMARK_TEMPLATE(int8_batch1, n4);

CTNN_BENCHMARK_MAIN()
