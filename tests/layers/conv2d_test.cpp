// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/conv2d.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <ctnn/train/init.hpp>

#include <memory>
#include <random>
#include <type_traits>
#include <vector>

using namespace ctnn;

static_assert(std::is_same_v<conv2d<6, 5>::output_shape_t<shape<1, 28, 28>>, shape<6, 24, 24>>);
static_assert(
    std::is_same_v<conv2d<6, 5, pad<2>>::output_shape_t<shape<1, 28, 28>>, shape<6, 28, 28>>);
static_assert(std::is_same_v<conv2d<16, 3, stride<2>, pad<1>>::output_shape_t<shape<1, 28, 28>>,
                             shape<16, 14, 14>>);
// Options may come in any order.
static_assert(std::is_same_v<conv2d<16, 3, pad<1>, stride<2>>::output_shape_t<shape<1, 28, 28>>,
                             shape<16, 14, 14>>);
static_assert(std::is_same_v<conv2d<4, 3>::output_shape_t<shape<2, 5, 9>>, shape<4, 3, 7>>);
static_assert(conv2d<24, 6>::param_count_v<shape<16, 7, 7>> == 24 * 16 * 36 + 24);
static_assert(conv2d<24, 6, no_bias>::param_count_v<shape<16, 7, 7>> == 24 * 16 * 36);
static_assert(std::is_same_v<conv2d<4, 3>::check_t<shape<9>>, expects_channels_height_width_input>);
static_assert(std::is_same_v<conv2d<4, 0>::check_t<shape<1, 5, 5>>, window_must_be_positive>);

TEST_CASE("conv2d: a 2x2 kernel over a 3x3 image by hand", "[layers][conv2d]") {
  using net = network<input<1, 3, 3>, conv2d<1, 2>>;
  test::harness<net> h;
  h.with_parameters({1, 2, 3, 4, /* bias */ 0.5});
  auto y = h.forward({1, 2, 3, 4, 5, 6, 7, 8, 9});
  REQUIRE(y.size() == 4);
  CHECK(y[0] == Approx(1 * 1 + 2 * 2 + 3 * 4 + 4 * 5 + 0.5));  // 37.5
  CHECK(y[1] == Approx(47.5));
  CHECK(y[2] == Approx(67.5));
  CHECK(y[3] == Approx(77.5));
}

TEST_CASE("conv2d: stride 2 and padding 1 by hand", "[layers][conv2d]") {
  using net = network<input<1, 3, 3>, conv2d<1, 2, stride<2>, pad<1>>>;
  test::harness<net> h;
  h.with_parameters({1, 2, 3, 4, 0.5});
  auto y = h.forward({1, 2, 3, 4, 5, 6, 7, 8, 9});
  REQUIRE(y.size() == 4);
  CHECK(y[0] == Approx(4 * 1 + 0.5));          // only x[0][0] under weight 4
  CHECK(y[1] == Approx(3 * 2 + 4 * 3 + 0.5));  // x[0][1], x[0][2] under weights 3, 4
  CHECK(y[2] == Approx(2 * 4 + 4 * 7 + 0.5));  // x[1][0], x[2][0] under weights 2, 4
  CHECK(y[3] == Approx(77.5));
}

TEST_CASE("conv2d: channels add up and each filter has its own output", "[layers][conv2d]") {
  using net = network<input<2, 2, 2>, conv2d<2, 1, no_bias>>;
  test::harness<net> h;
  // filter 0 = (1, 10) over the two input channels, filter 1 = (-1, 0)
  h.with_parameters({1, 10, -1, 0});
  auto y = h.forward({1, 2, 3, 4, /* channel 1 */ 5, 6, 7, 8});
  REQUIRE(y.size() == 8);
  CHECK(y[0] == Approx(51));
  CHECK(y[3] == Approx(84));
  CHECK(y[4] == Approx(-1));
  CHECK(y[7] == Approx(-4));
}

TEMPLATE_TEST_CASE("conv2d backward matches finite differences", "[layers][conv2d][gradient]",
                   (network<input<1, 5, 5>, conv2d<2, 3>>),
                   (network<input<2, 7, 6>, conv2d<3, 3, stride<2>, pad<1>>>),
                   (network<input<3, 6, 6>, conv2d<2, 4, stride<3>, pad<3>>>),
                   (network<input<2, 5, 5>, conv2d<4, 5, no_bias>>),
                   (network<input<1, 8, 8>, conv2d<3, 2, stride<2>>>),
                   // 16 filters and more: dW is formed as rows of filters, not dot products.
                   (network<input<2, 5, 5>, conv2d<16, 3, pad<1>>>),
                   (network<input<3, 6, 5>, conv2d<17, 3, stride<2>, pad<1>>>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
  CHECK(r.kinks == 0);
}

namespace {
// Direct convolution from the definition, for comparison.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t Out, std::size_t K,
          std::size_t S, std::size_t P>
std::vector<double> reference_conv(std::vector<double> const& x, std::vector<double> const& w,
                                   std::vector<double> const& bias) {
  constexpr std::size_t oh = (H + 2 * P - K) / S + 1, ow = (W + 2 * P - K) / S + 1;
  std::vector<double> y(Out * oh * ow);
  for (std::size_t o = 0; o < Out; ++o)
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j) {
        double s = bias[o];
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t a = 0; a < K; ++a)
            for (std::size_t b = 0; b < K; ++b) {
              const long r = static_cast<long>(i * S + a) - static_cast<long>(P);
              const long q = static_cast<long>(j * S + b) - static_cast<long>(P);
              if (r < 0 || q < 0 || r >= static_cast<long>(H) || q >= static_cast<long>(W))
                continue;
              s += w[((o * C + c) * K + a) * K + b] *
                   x[(c * H + static_cast<std::size_t>(r)) * W + static_cast<std::size_t>(q)];
            }
        y[(o * oh + i) * ow + j] = s;
      }
  return y;
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t Out, std::size_t K,
          std::size_t S, std::size_t P>
void compare_with_reference() {
  using net = network<input<C, H, W>, conv2d<Out, K, stride<S>, pad<P>>>;
  test::harness<net, double, 1> h;
  std::mt19937 rng(5);
  std::normal_distribution<double> d;
  std::vector<double> x(C * H * W), p(net::parameter_count);
  for (auto& v : x)
    v = d(rng);
  for (auto& v : p)
    v = d(rng);
  h.with_parameters(p);
  const std::vector<double> w(p.begin(), p.end() - Out), b(p.end() - Out, p.end());
  const auto want = reference_conv<C, H, W, Out, K, S, P>(x, w, b);
  const auto got = h.forward(x);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(got[i] == Approx(want[i]).margin(1e-12));
}
}  // namespace

TEST_CASE("conv2d agrees with a direct convolution", "[layers][conv2d]") {
  compare_with_reference<1, 28, 28, 16, 3, 2, 1>();  // N1 conv 1
  compare_with_reference<16, 7, 7, 24, 6, 2, 3>();   // N1 conv 2
  compare_with_reference<6, 14, 14, 16, 5, 1, 0>();  // N3 conv 2
  compare_with_reference<3, 9, 8, 4, 4, 3, 2>();
}

TEST_CASE("conv2d gives a batch the results of its samples one at a time", "[layers][conv2d]") {
  // N1's second convolution, with 20 filters (a short last vector in float and in double),
  // works on blocks of 7 samples; 10 samples make a full block and a short one.  Each output
  // and input delta must be the sample's own; the weight gradient the sum over samples.
  using net = network<input<16, 7, 7>, conv2d<20, 6, stride<2>, pad<3>>>;
  constexpr std::size_t batch = 10, in = 16 * 7 * 7, out = 20 * 4 * 4;
  auto m = std::make_unique<model<net, double>>();
  initializer init(init_scheme::he_normal, 2);
  m->initialize(init);
  std::mt19937 rng(7);
  std::normal_distribution<double> d;
  std::vector<double> x(batch * in), dy(batch * out);
  for (auto& v : x)
    v = d(rng);
  for (auto& v : dy)
    v = d(rng);
  const run_context ctx{phase::train};

  auto whole = std::make_unique<workspace<net, double, batch>>();
  auto whole_grads = std::make_unique<gradients<net, double>>();
  std::vector<double> dx(batch * in);
  const auto y_span = forward(*m, *whole, x.data(), batch, ctx);
  const std::vector<double> y(y_span.begin(), y_span.end());
  backward(*m, *whole_grads, *whole, dy.data(), dx.data(), batch, ctx);

  auto single = std::make_unique<workspace<net, double, 1>>();
  auto summed = std::make_unique<gradients<net, double>>();
  for (std::size_t b = 0; b < batch; ++b) {
    INFO("sample " << b);
    const auto yb = forward(*m, *single, x.data() + b * in, 1, ctx);
    for (std::size_t i = 0; i < out; ++i)
      REQUIRE(yb[i] == Approx(y[b * out + i]).margin(1e-12));
    std::vector<double> dxb(in);
    backward(*m, *summed, *single, dy.data() + b * out, dxb.data(), 1, ctx);
    for (std::size_t i = 0; i < in; ++i)
      REQUIRE(dxb[i] == Approx(dx[b * in + i]).margin(1e-12));
  }
  for (std::size_t i = 0; i < net::parameter_count; ++i)
    REQUIRE((*summed)[i] == Approx((*whole_grads)[i]).margin(1e-10));
}
