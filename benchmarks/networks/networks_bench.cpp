// SPDX-License-Identifier: BSL-1.0
// The seed networks N1-N4: batch-1 inference latency, batched inference throughput and one
// training step (forward, backward, Adam) on a mini-batch of 128, single-threaded.
#include <ctnn/core/fold.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/data/augment.hpp>
#include <ctnn/train/init.hpp>

#include "seed_networks.hpp"

#include "bench_main.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

namespace {

using namespace ctnn;

template <class Net>
struct fixture {
  static constexpr std::size_t in = size_v<typename Net::input_shape>;
  static constexpr std::size_t out = size_v<typename Net::output_shape>;
  std::unique_ptr<model<Net>> m = std::make_unique<model<Net>>();
  std::vector<float> x;
  explicit fixture(std::size_t n) : x(n * in) {
    initializer init(init_scheme::he_normal, 1);
    m->initialize(init);
    splitmix64 rng(2);
    for (auto& v : x)
      v = static_cast<float>(rng() >> 40) / 16777216.0f;
  }
};

template <class Net>
void counters(benchmark::State& state, std::size_t samples, std::size_t flops_per_sample) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * samples));
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * samples * flops_per_sample) * 1e-9,
      benchmark::Counter::kIsRate);
}

template <class Net>
void inference_batch1(benchmark::State& state) {
  fixture<Net> f(1);
  workspace<Net> ws;  // on the stack
  for (auto _ : state) {
    auto y = forward(*f.m, ws, f.x.data(), 1);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters<Net>(state, 1, Net::forward_flops);
}

// The same, on the model folded for inference (core/fold.hpp: batch_norm folded into the
// layers beside it); the FLOP count stays the original network's.
template <class Net>
void inference_batch1_folded(benchmark::State& state) {
  fixture<Net> f(1);
  const auto folded = fold_for_inference(*f.m);
  workspace<inference_network_t<Net>> ws;
  for (auto _ : state) {
    auto y = forward(*folded, ws, f.x.data(), 1);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters<Net>(state, 1, Net::forward_flops);
}

template <class Net>
void inference_batch128(benchmark::State& state) {
  fixture<Net> f(128);
  auto ws = std::make_unique<workspace<Net, float, 128>>();
  for (auto _ : state) {
    auto y = forward(*f.m, *ws, f.x.data(), 128);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  counters<Net>(state, 128, Net::forward_flops);
}

// One training step; with Augmented, every image is first transformed into the workspace as
// the trainer does (shift 2, rotate 10, stretch 0.1, noise 0.05: every transform on).
template <class Net, bool Augmented = false>
void training_step128(benchmark::State& state) {
  fixture<Net> f(128);
  auto ws = std::make_unique<workspace<Net, float, 128>>();
  auto g = std::make_unique<gradients<Net>>();
  auto opt = std::make_unique<adam<Net::parameter_count>>();
  std::vector<std::uint8_t> labels(128);
  for (std::size_t i = 0; i < labels.size(); ++i)
    labels[i] = static_cast<std::uint8_t>(i % fixture<Net>::out);
  std::vector<float> dy(128 * fixture<Net>::out);
  const run_context ctx{phase::train, 1, 0, 0};
  const augmentation aug{2, 10, 0.1, 0.05};
  std::uint64_t step = 0;
  for (auto _ : state) {
    g->fill(0.0f);
    const float* x = f.x.data();
    if constexpr (Augmented) {
      constexpr std::size_t in = fixture<Net>::in;
      for (std::size_t b = 0; b < 128; ++b)
        augment(f.x.data() + b * in, ws->input() + b * in, 1, 28, 28, aug, 1, step, b);
      x = ws->input();
      ++step;
    }
    auto y = forward(*f.m, *ws, x, 128, ctx);
    softmax_cross_entropy::forward_backward<fixture<Net>::out>(y.data(), labels.data(), 128,
                                                               dy.data(), 1.0f / 128);
    backward(*f.m, *g, *ws, dy.data(), 128, ctx);
    opt->step(f.m->parameters, *g, 1e-3f);
    benchmark::ClobberMemory();
  }
  counters<Net>(state, 128, Net::training_flops);
}

using n1 = seeds::mnist_cnn;
using n2 = seeds::residual_mlp;
using n3 = seeds::lenet_bn;
using n4 = seeds::tiny_cnn<10>;

BENCHMARK_TEMPLATE(inference_batch1, n1);
BENCHMARK_TEMPLATE(inference_batch1, n2);
BENCHMARK_TEMPLATE(inference_batch1, n3);
BENCHMARK_TEMPLATE(inference_batch1, n4);
BENCHMARK_TEMPLATE(inference_batch1_folded, n1);
BENCHMARK_TEMPLATE(inference_batch1_folded, n3);
BENCHMARK_TEMPLATE(inference_batch128, n1);
BENCHMARK_TEMPLATE(inference_batch128, n2);
BENCHMARK_TEMPLATE(inference_batch128, n3);
BENCHMARK_TEMPLATE(inference_batch128, n4);
BENCHMARK_TEMPLATE(training_step128, n1);
BENCHMARK_TEMPLATE(training_step128, n2);
BENCHMARK_TEMPLATE(training_step128, n3);
BENCHMARK_TEMPLATE(training_step128, n4);
BENCHMARK_TEMPLATE(training_step128, n1, true);
BENCHMARK_TEMPLATE(training_step128, n3, true);

}  // namespace

CTNN_BENCHMARK_MAIN()
