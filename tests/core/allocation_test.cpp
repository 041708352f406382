// SPDX-License-Identifier: BSL-1.0
// Forward and backward allocate nothing: every global operator new is counted.
#include <ctnn/ctnn.hpp>

#include "seed_networks.hpp"

#include <ctnn/data/augment.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

namespace {
std::atomic<std::size_t> allocations{0};
}

// GCC pairs its built-in operator new with our free and warns; the replacements below are a
// consistent malloc/free pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n))
    return p;
  throw std::bad_alloc{};
}
void* operator new[](std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n))
    return p;
  throw std::bad_alloc{};
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

template <class Net>
std::size_t allocations_in_one_step() {
  constexpr std::size_t batch = 8;
  // The one-line heap placement: allocated once here, nothing per step.
  auto m = ctnn::make_model<Net>();
  auto g = std::make_unique<ctnn::gradients<Net>>();
  auto ws = ctnn::make_workspace<Net, float, batch>();
  auto x = std::make_unique<std::array<float, batch * ctnn::size_v<typename Net::input_shape>>>();
  auto dy = std::make_unique<std::array<float, batch * ctnn::size_v<typename Net::output_shape>>>();
  x->fill(0.5f);
  dy->fill(0.1f);
  const ctnn::run_context ctx{ctnn::phase::train, 1, 0, 0};
  const std::size_t before = allocations.load();
  auto y = ctnn::forward(*m, *ws, x->data(), batch, ctx);
  ctnn::backward(*m, *g, *ws, dy->data(), batch, ctx);
  ctnn::forward(*m, *ws, x->data(), batch, ctx);
  ctnn::backward(*m, *g, *ws, dy->data(), batch);  // the recorded context
  const std::size_t after = allocations.load();
  CHECK(y.size() == batch * ctnn::size_v<typename Net::output_shape>);
  return after - before;
}

}  // namespace

TEST_CASE("the counter sees allocations", "[core][allocation]") {
  const std::size_t before = allocations.load();
  auto p = std::make_unique<int>(3);
  CHECK(allocations.load() == before + 1);
}

TEST_CASE("forward and backward perform no heap allocation", "[core][allocation]") {
  CHECK(allocations_in_one_step<ctnn::seeds::mnist_cnn>() == 0);
  CHECK(allocations_in_one_step<ctnn::seeds::residual_mlp>() == 0);
  CHECK(allocations_in_one_step<ctnn::seeds::lenet_bn>() == 0);
  CHECK(allocations_in_one_step<ctnn::seeds::tiny_cnn<3>>() == 0);
  using with_dropout = ctnn::network<ctnn::input<32>, ctnn::dense<16>, ctnn::dropout<50>,
                                     ctnn::sigmoid, ctnn::dense<4>, ctnn::tanh>;
  CHECK(allocations_in_one_step<with_dropout>() == 0);
}

TEST_CASE("a batch-1 workspace fits on the stack", "[core][allocation]") {
  using net = ctnn::seeds::mnist_cnn;
  ctnn::model<net> m;
  ctnn::workspace<net> ws;
  std::array<float, 784> x{};
  const std::size_t before = allocations.load();
  auto y = ctnn::forward(m, ws, x.data(), 1);
  CHECK(allocations.load() == before);
  CHECK(y.size() == 10);
}

TEST_CASE("predict and classify allocate nothing", "[core][allocation][predict]") {
  using net = ctnn::seeds::mnist_cnn;
  auto m = ctnn::make_model<net>();
  m->normalization.mean = {0.1307f};
  m->normalization.stddev = {0.3081f};
  auto ws = ctnn::make_workspace<net>();
  std::array<float, 784> x{};
  x[300] = 1.0f;
  const std::size_t before = allocations.load();
  const auto y = ctnn::predict(std::as_const(*m), x);  // workspace on the stack
  const auto c = ctnn::classify(std::as_const(*m), x);
  const auto y_heap = ctnn::predict(std::as_const(*m), *ws, x);  // a heap workspace
  const auto c_heap = ctnn::classify(std::as_const(*m), *ws, x);
  CHECK(allocations.load() == before);
  CHECK(y == y_heap);
  CHECK(c.label == c_heap.label);
  CHECK(c.label < 10);
}

TEST_CASE("augmenting an image allocates nothing", "[core][allocation][augment]") {
  std::array<float, 784> in{}, out{};
  in[400] = 1.0f;
  const ctnn::augmentation a{2, 10, 0.1, 0.05};
  const std::size_t before = allocations.load();
  for (std::uint64_t s = 0; s < 16; ++s)
    ctnn::augment(in.data(), out.data(), 1, 28, 28, a, 1, 0, s);
  CHECK(allocations.load() == before);
  CHECK(out != in);
}
