// SPDX-License-Identifier: BSL-1.0
// Fusing a layer with the element-wise activation after it (core/chain.hpp) changes how many
// passes run, not what they compute: against the same network with the activation kept
// apart, every layer output, every gradient and the input delta are bit-identical.
#include <ctnn/ctnn.hpp>
#include <ctnn/layers/conv_act_pool.hpp>
#include <ctnn/train/init.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

using namespace ctnn;

namespace {

// The same activations, not marked as fusable (elementwise_activation names the base).
struct relu_apart : relu {};
struct leaky_apart : leaky_relu<1, 10> {};
struct sigmoid_apart : sigmoid {};
struct tanh_apart : ctnn::tanh {};

using conv_relu = network<input<2, 9, 9>, conv2d<17, 3, stride<2>, pad<1>>, relu, max_pool<2>,
                          flatten, dense<20>, relu, dense<5>>;
using conv_relu_apart = network<input<2, 9, 9>, conv2d<17, 3, stride<2>, pad<1>>, relu_apart,
                                max_pool<2>, flatten, dense<20>, relu_apart, dense<5>>;
using mixed = network<input<1, 8, 8>, conv2d<4, 3>, leaky_relu<1, 10>, flatten, dense<9>, sigmoid,
                      dense<7, no_bias>, ctnn::tanh, dense<3>>;
using mixed_apart = network<input<1, 8, 8>, conv2d<4, 3>, leaky_apart, flatten, dense<9>,
                            sigmoid_apart, dense<7, no_bias>, tanh_apart, dense<3>>;

// The fusion happens where the types say, and only there.
static_assert(conv_relu::chain_type::fused_with_next<0>);
static_assert(conv_relu::chain_type::fused_with_next<4>);
static_assert(!conv_relu::chain_type::fused_with_next<2>);
static_assert(!conv_relu_apart::chain_type::fused_with_next<0>);
static_assert(!conv_relu_apart::chain_type::fused_with_next<4>);
static_assert(mixed::chain_type::fused_with_next<0> && mixed::chain_type::fused_with_next<3> &&
              mixed::chain_type::fused_with_next<5>);

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, 1);
  std::vector<T> v(n);
  for (auto& x : v)
    x = static_cast<T>(d(rng));
  return v;
}

template <class Fused, class Apart, class T>
void check_identical(phase ph) {
  static_assert(Fused::parameter_count == Apart::parameter_count);
  constexpr std::size_t n = 5, in = size_v<typename Fused::input_shape>,
                        out = size_v<typename Fused::output_shape>;
  auto mf = std::make_unique<model<Fused, T>>();
  auto ma = std::make_unique<model<Apart, T>>();
  initializer init(init_scheme::he_normal, 7);
  mf->initialize(init);
  std::copy(mf->parameters.begin(), mf->parameters.end(), ma->parameters.begin());
  auto wf = std::make_unique<workspace<Fused, T, n>>();
  auto wa = std::make_unique<workspace<Apart, T, n>>();
  const auto x = random_values<T>(n * in, 1), dy = random_values<T>(n * out, 2);
  const run_context ctx{ph};
  const auto yf = forward(*mf, *wf, x.data(), n, ctx);
  const auto ya = forward(*ma, *wa, x.data(), n, ctx);
  REQUIRE(std::memcmp(yf.data(), ya.data(), yf.size_bytes()) == 0);
  // Every layer's output, the activations' included.
  auto same_output = [&]<std::size_t I>() {
    const auto f = layer_output<I>(*wf, n - 1), a = layer_output<I>(*wa, n - 1);
    INFO("layer " << I);
    CHECK(std::memcmp(f.data(), a.data(), f.size_bytes()) == 0);
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (same_output.template operator()<I>(), ...);
  }
  (std::make_index_sequence<Fused::layer_count>{});
  auto gf = std::make_unique<gradients<Fused, T>>();
  auto ga = std::make_unique<gradients<Apart, T>>();
  gf->fill(T{0});
  ga->fill(T{0});
  std::vector<T> dxf(n * in), dxa(n * in);
  backward(*mf, *gf, *wf, dy.data(), dxf.data(), n, ctx);
  backward(*ma, *ga, *wa, dy.data(), dxa.data(), n, ctx);
  CHECK(std::memcmp(gf->data(), ga->data(), sizeof(T) * gf->size()) == 0);
  CHECK(dxf == dxa);
  // The comparison can fail: the gradients are not all zero.
  CHECK(std::any_of(gf->begin(), gf->end(), [](T g) { return g != T{0}; }));
}

}  // namespace

TEMPLATE_TEST_CASE("a fused layer and activation compute what they compute apart", "[core][fusion]",
                   float, double) {
  check_identical<conv_relu, conv_relu_apart, TestType>(phase::train);
  check_identical<mixed, mixed_apart, TestType>(phase::eval);
}

namespace {

// ctnn::conv_act_pool against the three layers it stands for: the same outputs and
// gradients, bit for bit, in train (the layers' own passes) and in eval at batch 1 (one pass
// over the output; backward then runs the passes apart first).  Padding, stride 2, a pooling
// window with a stride of its own and a short last vector (13 filters).
using pooled =
    network<input<3, 15, 14>,
            conv_act_pool<conv2d<13, 3, pad<1>, stride<2>>, relu, max_pool<3, stride<2>>>, flatten,
            dense<4>>;
using pooled_apart = network<input<3, 15, 14>, conv2d<13, 3, pad<1>, stride<2>>, relu,
                             max_pool<3, stride<2>>, flatten, dense<4>>;
using leaky_pooled =
    network<input<2, 20, 20>, conv_act_pool<conv2d<7, 5>, leaky_relu<1, 10>, max_pool<2>>>;
using leaky_pooled_apart = network<input<2, 20, 20>, conv2d<7, 5>, leaky_relu<1, 10>, max_pool<2>>;
static_assert(conv2d<13, 3, pad<1>, stride<2>>::direct_batch1_v<shape<3, 15, 14>> &&
              conv2d<7, 5>::direct_batch1_v<shape<2, 20, 20>>);

template <class Fused, class Apart, class T>
void check_pooled(phase ph, std::size_t n) {
  static_assert(Fused::parameter_count == Apart::parameter_count);
  constexpr std::size_t cap = 4, in = size_v<typename Fused::input_shape>,
                        out = size_v<typename Fused::output_shape>;
  auto mf = std::make_unique<model<Fused, T>>();
  auto ma = std::make_unique<model<Apart, T>>();
  initializer init(init_scheme::he_normal, 3);
  mf->initialize(init);
  for (auto& p : mf->parameters)
    p += T(0.05);  // biases that are not zero
  std::copy(mf->parameters.begin(), mf->parameters.end(), ma->parameters.begin());
  auto wf = std::make_unique<workspace<Fused, T, cap>>();
  auto wa = std::make_unique<workspace<Apart, T, cap>>();
  const auto x = random_values<T>(cap * in, 4), dy = random_values<T>(cap * out, 5);
  const run_context ctx{ph};
  const auto yf = forward(*mf, *wf, x.data(), n, ctx);
  const auto ya = forward(*ma, *wa, x.data(), n, ctx);
  REQUIRE(yf.size() == ya.size());
  CHECK(std::memcmp(yf.data(), ya.data(), yf.size_bytes()) == 0);
  CHECK(std::any_of(yf.begin(), yf.end(), [](T v) { return v != T{0}; }));
  auto gf = std::make_unique<gradients<Fused, T>>();
  auto ga = std::make_unique<gradients<Apart, T>>();
  gf->fill(T{0});
  ga->fill(T{0});
  std::vector<T> dxf(n * in), dxa(n * in);
  backward(*mf, *gf, *wf, dy.data(), dxf.data(), n, ctx);
  backward(*ma, *ga, *wa, dy.data(), dxa.data(), n, ctx);
  CHECK(std::memcmp(gf->data(), ga->data(), sizeof(T) * gf->size()) == 0);
  CHECK(dxf == dxa);
  CHECK(std::any_of(gf->begin(), gf->end(), [](T g) { return g != T{0}; }));
}

}  // namespace

TEMPLATE_TEST_CASE("conv_act_pool computes what its three layers compute apart",
                   "[core][fusion][conv_act_pool]", float, double) {
  for (const phase ph : {phase::train, phase::eval})
    for (const std::size_t n : {std::size_t{1}, std::size_t{3}}) {
      INFO((ph == phase::train ? "train" : "eval") << ", n " << n);
      check_pooled<pooled, pooled_apart, TestType>(ph, n);
      check_pooled<leaky_pooled, leaky_pooled_apart, TestType>(ph, n);
    }
}
