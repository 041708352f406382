// SPDX-License-Identifier: BSL-1.0
// Batch-1 inference with the weights compiled in (ctnn::constant_model over the arrays of a
// header written by ctnn::export_header) against the same weights loaded from a weights file
// into a model on the heap.  Run interleaved (--benchmark_enable_random_interleaving=true
// --benchmark_repetitions=N) on a busy machine and compare medians.
#include <ctnn/ctnn.hpp>

#include "n1_weights.hpp"
#include "n4_weights.hpp"
#include "seed_networks.hpp"

#include "bench_main.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <unistd.h>

namespace {

using namespace ctnn;

template <class Net>
std::array<float, size_v<typename Net::input_shape>> sample() {
  std::array<float, size_v<typename Net::input_shape>> x;
  splitmix64 rng(2);
  for (auto& v : x)
    v = static_cast<float>(rng() >> 40) / 16777216.0f;
  return x;
}

// The same model the header holds, saved and loaded back as a program would load it.
template <class Net>
std::unique_ptr<model<Net>> loaded() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("ctnn-embedded-bench-" + std::to_string(::getpid()) + ".weights");
  save_weights(path, *make_model<Net>());
  auto m = load_weights<Net>(path);
  std::filesystem::remove(path);
  return m;
}

template <class Net, class M>
void run(benchmark::State& state, M const& m) {
  const auto x = sample<Net>();
  workspace<Net> ws;  // on the stack, as predict(m, x) would have it
  for (auto _ : state) {
    auto y = predict(m, ws, x);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void n1_loaded(benchmark::State& state) {
  run<seeds::mnist_cnn>(state, *loaded<seeds::mnist_cnn>());
}
void n1_constant(benchmark::State& state) {
  run<seeds::mnist_cnn>(state, n1_weights::model);
}
void n4_loaded(benchmark::State& state) {
  run<seeds::tiny_cnn<10>>(state, *loaded<seeds::tiny_cnn<10>>());
}
void n4_constant(benchmark::State& state) {
  run<seeds::tiny_cnn<10>>(state, n4_weights::model);
}

}  // namespace

BENCHMARK(n1_loaded);
BENCHMARK(n1_constant);
BENCHMARK(n4_loaded);
BENCHMARK(n4_constant);

CTNN_BENCHMARK_MAIN()
