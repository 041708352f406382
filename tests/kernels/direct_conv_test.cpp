// SPDX-License-Identifier: BSL-1.0
// conv2d's batch-1 inference path (layers/detail/direct_conv.hpp) against its im2col path: a
// single sample in eval takes the direct path, the same sample in train the im2col one (a
// network of convolutions and activations computes nothing else that depends on the phase).
#include <ctnn/ctnn.hpp>
#include <ctnn/train/init.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <random>
#include <vector>

using namespace ctnn;

namespace {

// Odd shapes: padding, strides 2 and 3, a kernel larger than the stride, channel and filter
// counts that are not multiples of any target's vector width, no bias, and an input read in
// place (no padding, stride 1); each followed by a fused activation or pooling.
using pad_odd = network<input<3, 11, 13>, conv2d<5, 3, pad<1>>, relu>;
using stride2 = network<input<2, 15, 17>, conv2d<7, 4, stride<2>, pad<2>>, leaky_relu<1, 10>>;
using stride3 = network<input<4, 20, 19>, conv2d<17, 3, stride<3>>, ctnn::tanh>;
using in_place = network<input<1, 28, 28>, conv2d<3, 5>, relu, max_pool<2>>;
using no_bias_pad = network<input<3, 16, 16>, conv2d<20, 3, pad<1>, no_bias>, sigmoid>;
using two_convs = network<input<2, 12, 12>, conv2d<9, 3, pad<1>>, relu, conv2d<13, 3, stride<2>>>;

// Each of these shapes takes the direct path at batch 1 on every target (the choice depends
// on the vector width); otherwise this test would compare the im2col path with itself.
template <class Net, std::size_t I = 0>
constexpr bool direct_v = Net::chain_type::template layer_t<I>::template direct_batch1_v<
    typename Net::chain_type::template input_t<I>>;
static_assert(direct_v<pad_odd> && direct_v<stride2> && direct_v<stride3> && direct_v<in_place> &&
              direct_v<no_bias_pad> && direct_v<two_convs> && direct_v<two_convs, 2>);
// N1's second convolution (4 x 4 outputs) keeps im2col on 8- and 16-lane targets.
static_assert(detail::simd::lanes<float> < 8 ||
              !conv2d<24, 6, stride<2>, pad<3>>::direct_batch1_v<shape<16, 7, 7>>);

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, 1);
  std::vector<T> v(n);
  for (auto& x : v)
    x = static_cast<T>(d(rng));
  return v;
}

template <class Net, class T>
void check_batch1(T tolerance) {
  constexpr std::size_t in = size_v<typename Net::input_shape>,
                        out = size_v<typename Net::output_shape>;
  auto m = std::make_unique<model<Net, T>>();
  initializer init(init_scheme::he_normal, 5);
  m->initialize(init);
  // A bias that is not zero, so that a path that dropped it would fail.
  for (auto& p : m->parameters)
    p += T(0.01);
  auto we = std::make_unique<workspace<Net, T, 1>>();
  auto wt = std::make_unique<workspace<Net, T, 1>>();
  const auto x = random_values<T>(in, 3), dy = random_values<T>(out, 4);
  const auto ye = forward(*m, *we, x.data(), 1, run_context{phase::eval});
  const auto yt = forward(*m, *wt, x.data(), 1, run_context{phase::train});
  REQUIRE(ye.size() == yt.size());
  T largest = 0;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ye.size(); ++i) {
    largest = std::max(largest, std::abs(yt[i]));
    if (std::abs(ye[i] - yt[i]) > tolerance * (1 + std::abs(yt[i])))
      ++differ;
  }
  INFO("outputs " << ye.size() << ", largest " << largest);
  CHECK(differ == 0);
  CHECK(largest > T(0.1));  // the outputs are not all zero
  // A backward pass after the direct path rebuilds the im2col matrix it did not make.
  auto ge = std::make_unique<gradients<Net, T>>();
  auto gt = std::make_unique<gradients<Net, T>>();
  ge->fill(T{0});
  gt->fill(T{0});
  std::vector<T> dxe(in), dxt(in);
  backward(*m, *ge, *we, dy.data(), dxe.data(), 1, run_context{phase::eval});
  backward(*m, *gt, *wt, dy.data(), dxt.data(), 1, run_context{phase::train});
  std::size_t grad_differ = 0;
  for (std::size_t i = 0; i < ge->size(); ++i)
    if (std::abs((*ge)[i] - (*gt)[i]) > tolerance * (1 + std::abs((*gt)[i])))
      ++grad_differ;
  for (std::size_t i = 0; i < in; ++i)
    if (std::abs(dxe[i] - dxt[i]) > tolerance * (1 + std::abs(dxt[i])))
      ++grad_differ;
  CHECK(grad_differ == 0);
  CHECK(std::any_of(gt->begin(), gt->end(), [](T g) { return g != T{0}; }));
}

}  // namespace

// Both paths add each output's taps in the same order with the same multiply-adds, so they
// agree to float rounding (in practice exactly); the tolerance is a few units of rounding.
TEMPLATE_TEST_CASE("conv2d's batch-1 direct path computes what im2col computes",
                   "[kernels][conv2d][batch1]", float, double) {
  const TestType tolerance = 16 * std::numeric_limits<TestType>::epsilon();
  SECTION("padding") {
    check_batch1<pad_odd, TestType>(tolerance);
  }
  SECTION("stride 2 with padding") {
    check_batch1<stride2, TestType>(tolerance);
  }
  SECTION("stride 3, 17 filters") {
    check_batch1<stride3, TestType>(tolerance);
  }
  SECTION("input read in place, then pooling") {
    check_batch1<in_place, TestType>(tolerance);
  }
  SECTION("no bias, 20 filters") {
    check_batch1<no_bias_pad, TestType>(tolerance);
  }
  SECTION("two convolutions") {
    check_batch1<two_convs, TestType>(tolerance);
  }
}

TEST_CASE("the batch-1 check fails for a wrong direct path", "[kernels][conv2d][batch1]") {
  // Same data through the direct path with one filter weight changed: the comparison above
  // would report it.
  using net = pad_odd;
  auto m = std::make_unique<model<net>>();
  initializer init(init_scheme::he_normal, 5);
  m->initialize(init);
  auto changed = std::make_unique<model<net>>(*m);
  changed->parameters[7] += 0.01f;
  auto w1 = std::make_unique<workspace<net, float, 1>>();
  auto w2 = std::make_unique<workspace<net, float, 1>>();
  const auto x = random_values<float>(size_v<net::input_shape>, 3);
  const auto a = forward(*m, *w1, x.data(), 1, run_context{phase::eval});
  const auto b = forward(*changed, *w2, x.data(), 1, run_context{phase::train});
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > 16 * std::numeric_limits<float>::epsilon() * (1 + std::abs(b[i])))
      ++differ;
  CHECK(differ > 0);
}
