// SPDX-License-Identifier: BSL-1.0
// Forward and backward of every layer kind at the shapes the seed networks use, on a batch
// of 128 samples, single-threaded.  GFLOP/s from the layers' compile-time FLOP counts.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/init.hpp>

#include "bench_main.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

namespace {

using namespace ctnn;
constexpr std::size_t batch = 128;

template <class Net>
struct setup {
  std::unique_ptr<model<Net>> m = std::make_unique<model<Net>>();
  std::unique_ptr<workspace<Net, float, batch>> ws =
      std::make_unique<workspace<Net, float, batch>>();
  std::unique_ptr<gradients<Net>> g = std::make_unique<gradients<Net>>();
  std::vector<float> x, dy, dx;
  setup()
      : x(batch * size_v<typename Net::input_shape>),
        dy(batch * size_v<typename Net::output_shape>, 0.01f),
        dx(batch * size_v<typename Net::input_shape>) {
    initializer init(init_scheme::he_normal, 1);
    m->initialize(init);
    splitmix64 rng(3);
    for (auto& v : x)
      v = static_cast<float>(rng() >> 40) / 16777216.0f - 0.5f;
  }
};

template <class Net>
void layer_forward(benchmark::State& state) {
  setup<Net> s;
  const run_context ctx{phase::train, 1, 0, 0};
  for (auto _ : state) {
    auto y = forward(*s.m, *s.ws, s.x.data(), batch, ctx);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch * Net::forward_flops) * 1e-9,
      benchmark::Counter::kIsRate);
}

template <class Net>
void layer_backward(benchmark::State& state) {
  setup<Net> s;
  const run_context ctx{phase::train, 1, 0, 0};
  forward(*s.m, *s.ws, s.x.data(), batch, ctx);
  for (auto _ : state) {
    backward(*s.m, *s.g, *s.ws, s.dy.data(), s.dx.data(), batch, ctx);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batch * (Net::training_flops - Net::forward_flops)) *
          1e-9,
      benchmark::Counter::kIsRate);
}

// One sample's forward pass, with the phase given: convolutions take their batch-1 path in
// eval and the batched im2col path in train, so the pair is an A/B of the two paths (a
// network of one conv2d has nothing else that depends on the phase).
template <class Net, phase Phase>
void layer_forward1(benchmark::State& state) {
  setup<Net> s;
  const run_context ctx{Phase, 1, 0, 0};
  for (auto _ : state) {
    auto y = forward(*s.m, *s.ws, s.x.data(), 1, ctx);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// N1
using n1_conv1 = network<input<1, 28, 28>, conv2d<16, 3, stride<2>, pad<1>>>;
using n1_pool1 = network<input<16, 14, 14>, max_pool<2>>;
using n1_conv2 = network<input<16, 7, 7>, conv2d<24, 6, stride<2>, pad<3>>>;
using n1_relu = network<input<16, 14, 14>, relu>;
using n1_dense = network<input<96>, dense<64>>;
using n1_bn = network<input<64>, batch_norm>;
// N2
using n2_dense = network<input<784>, dense<100>>;
using n2_residual =
    network<input<100>, residual<sequence<dense<66, no_bias>, relu>, dense<66, no_bias>>>;
// N3
using n3_conv1 = network<input<1, 28, 28>, conv2d<6, 5, pad<2>>>;
using n3_bn = network<input<6, 28, 28>, batch_norm>;
using n3_conv2 = network<input<6, 14, 14>, conv2d<16, 5>>;
using n3_dense = network<input<400>, dense<120>>;
using n3_avg = network<input<6, 28, 28>, avg_pool<2>>;
// N4 and the other activations
using n4_conv1 = network<input<1, 28, 28>, conv2d<3, 5>>;
using act_sigmoid = network<input<6, 28, 28>, sigmoid>;
using act_tanh = network<input<6, 28, 28>, ctnn::tanh>;
using act_leaky = network<input<6, 28, 28>, leaky_relu<>>;
using drop = network<input<100>, dropout<50>>;

#define CTNN_LAYER_BENCH(Net)                                                                      \
  BENCHMARK_TEMPLATE(layer_forward, Net);                                                          \
  BENCHMARK_TEMPLATE(layer_backward, Net)

CTNN_LAYER_BENCH(n1_conv1);
CTNN_LAYER_BENCH(n1_pool1);
CTNN_LAYER_BENCH(n1_conv2);
CTNN_LAYER_BENCH(n1_relu);
CTNN_LAYER_BENCH(n1_dense);
CTNN_LAYER_BENCH(n1_bn);
CTNN_LAYER_BENCH(n2_dense);
CTNN_LAYER_BENCH(n2_residual);
CTNN_LAYER_BENCH(n3_conv1);
CTNN_LAYER_BENCH(n3_bn);
CTNN_LAYER_BENCH(n3_conv2);
CTNN_LAYER_BENCH(n3_dense);
CTNN_LAYER_BENCH(n3_avg);
CTNN_LAYER_BENCH(n4_conv1);
CTNN_LAYER_BENCH(act_sigmoid);
CTNN_LAYER_BENCH(act_tanh);
CTNN_LAYER_BENCH(act_leaky);
CTNN_LAYER_BENCH(drop);

#define CTNN_BATCH1_BENCH(Net)                                                                     \
  BENCHMARK_TEMPLATE(layer_forward1, Net, phase::train);                                           \
  BENCHMARK_TEMPLATE(layer_forward1, Net, phase::eval)

CTNN_BATCH1_BENCH(n1_conv1);
CTNN_BATCH1_BENCH(n1_conv2);
CTNN_BATCH1_BENCH(n3_conv1);
CTNN_BATCH1_BENCH(n3_conv2);
CTNN_BATCH1_BENCH(n4_conv1);

}  // namespace

CTNN_BENCHMARK_MAIN()
