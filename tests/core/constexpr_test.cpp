// SPDX-License-Identifier: BSL-1.0
// Networks evaluated in constant expressions: a trained network classifies MNIST images
// inside static_assert, and finite differences check backward passes at compile time.  Each
// static_assert fails the build, not a test run; the test cases check that the compile-time
// passes agree with the run-time ones.
#include <ctnn/core.hpp>
#include <ctnn/layers.hpp>

#include "core/constexpr_net.hpp"
#include "core/constexpr_weights.hpp"
#include "core/constexpr_weights_images.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

namespace {

namespace weights = ctnn_test::constexpr_weights;
namespace images = ctnn_test::constexpr_images;

constexpr std::span<const float, 784> image(std::size_t i) {
  return std::span<const float, 784>(images::pixels.data() + i * 784, 784);
}

/// The class the trained network gives test image i, computed by the compiler.
constexpr std::size_t class_of(std::size_t i) {
  return ctnn::argmax(ctnn::predict(weights::model, image(i)));
}

}  // namespace

// The first four MNIST test images (a 7, a 2, a 1 and a 0), classified at compile time.
static_assert(images::labels[0] == 7 && class_of(0) == 7);
static_assert(class_of(1) == images::labels[1]);
static_assert(class_of(2) == images::labels[2]);
static_assert(class_of(3) == images::labels[3]);

namespace {

/// Parameters in [-1, 1) from a linear congruential generator: a network's weights without
/// the run-time initializer.
template <class T, std::size_t N>
constexpr std::array<T, N> pseudo_random(std::uint64_t seed) {
  std::array<T, N> a{};
  for (auto& v : a) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    v = static_cast<T>(static_cast<double>(seed >> 11) / 9007199254740992.0 * 2 - 1);
  }
  return a;
}

/// The result of a gradient check: the worst relative error of the parameter gradients and of
/// the input delta against central differences.
struct gradient_errors {
  double parameters = 0, inputs = 0;
};

constexpr double abs(double v) {
  return v < 0 ? -v : v;
}

/// The loss L = sum_k c_k y_k of one sample, so that dL/dy = c.
template <class Net>
constexpr double loss(std::array<double, Net::parameter_count> const& p,
                      std::array<double, ctnn::size_v<typename Net::input_shape>> const& x,
                      std::array<double, ctnn::size_v<typename Net::output_shape>> const& c) {
  ctnn::workspace<Net, double, 1> ws;
  std::array<double, Net::state_count> state{};
  const auto y = ctnn::forward(std::span<const double, Net::parameter_count>(p),
                               std::span<double, Net::state_count>(state), ws, x.data(), 1);
  double l = 0;
  for (std::size_t k = 0; k < c.size(); ++k)
    l += c[k] * y[k];
  return l;
}

/// Backward against central differences (step 1e-6, in double) for every parameter and input.
template <class Net>
constexpr gradient_errors check_gradients(std::uint64_t seed) {
  constexpr std::size_t P = Net::parameter_count, in = ctnn::size_v<typename Net::input_shape>,
                        out = ctnn::size_v<typename Net::output_shape>;
  auto p = pseudo_random<double, P>(seed);
  auto x = pseudo_random<double, in>(seed + 1);
  const auto c = pseudo_random<double, out>(seed + 2);

  ctnn::workspace<Net, double, 1> ws;
  std::array<double, Net::state_count> state{};
  ctnn::gradients<Net, double> g{};
  std::array<double, in> dx{};
  ctnn::forward(std::span<const double, P>(p), std::span<double, Net::state_count>(state), ws,
                x.data(), 1);
  ctnn::backward(std::span<const double, P>(p), std::span<const double, Net::state_count>(state), g,
                 ws, c.data(), dx.data(), 1);

  constexpr double h = 1e-6;
  gradient_errors e;
  auto error = [](double analytic, double numeric) {
    return abs(analytic - numeric) / (1e-4 + abs(analytic) + abs(numeric));
  };
  for (std::size_t i = 0; i < P; ++i) {
    const double keep = p[i];
    p[i] = keep + h;
    const double up = loss<Net>(p, x, c);
    p[i] = keep - h;
    const double down = loss<Net>(p, x, c);
    p[i] = keep;
    e.parameters = std::max(e.parameters, error(g[i], (up - down) / (2 * h)));
  }
  for (std::size_t i = 0; i < in; ++i) {
    const double keep = x[i];
    x[i] = keep + h;
    const double up = loss<Net>(p, x, c);
    x[i] = keep - h;
    const double down = loss<Net>(p, x, c);
    x[i] = keep;
    e.inputs = std::max(e.inputs, error(dx[i], (up - down) / (2 * h)));
  }
  return e;
}

template <class Net>
constexpr bool gradients_match(std::uint64_t seed) {
  const auto e = check_gradients<Net>(seed);
  return e.parameters < 1e-6 && e.inputs < 1e-6;
}

using mlp = ctnn::network<ctnn::input<4>, ctnn::dense<5>, ctnn::relu, ctnn::dense<3>>;
using pooled = ctnn::network<ctnn::input<2, 4, 4>, ctnn::max_pool<2>, ctnn::flatten,
                             ctnn::dense<4, ctnn::no_bias>, ctnn::relu, ctnn::dense<2>>;
using averaged =
    ctnn::network<ctnn::input<1, 4, 4>, ctnn::avg_pool<2>, ctnn::flatten, ctnn::dense<3>>;
using convolved = ctnn::network<ctnn::input<2, 5, 5>, ctnn::conv2d<2, 3, ctnn::pad<1>>, ctnn::relu,
                                ctnn::max_pool<2>, ctnn::flatten, ctnn::dense<2>>;
using strided = ctnn::network<ctnn::input<1, 6, 6>, ctnn::conv2d<3, 3, ctnn::stride<2>>,
                              ctnn::flatten, ctnn::dense<2>>;
/// A layer whose backward pass is wrong (y = 2x, but dx = dy): the check must catch it.
struct wrong_double : ctnn::layer_defaults {
  static std::string name() { return "wrong_double"; }
  template <class In>
  using check_t = ctnn::ok;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t flops_v = ctnn::size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = ctnn::size_v<In>;
  template <class In, class T>
  static constexpr void forward(ctnn::forward_io<T> const& io) noexcept {
    for (std::size_t i = 0; i < io.n * ctnn::size_v<In>; ++i)
      io.y[i] = 2 * io.x[i];
  }
  template <class In, class T>
  static constexpr void backward(ctnn::backward_io<T> const& io) noexcept {
    if (io.dx != nullptr)
      for (std::size_t i = 0; i < io.n * ctnn::size_v<In>; ++i)
        io.dx[i] = io.dy[i];
  }
};
using wrong = ctnn::network<ctnn::input<3>, ctnn::dense<4>, wrong_double, ctnn::dense<2>>;
using branched =
    ctnn::network<ctnn::input<3>, ctnn::dense<4>, ctnn::leaky_relu<1, 10>,
                  ctnn::residual<ctnn::sequence<ctnn::dense<4>, ctnn::relu>, ctnn::dense<4>>,
                  ctnn::dropout<20>, ctnn::dense<2>>;

}  // namespace

// Backward passes checked by the compiler: dense + relu + dense, pooling and flatten,
// convolutions with padding and stride, leaky_relu, a residual block with a projection, and
// dropout (phase::eval: the identity).
static_assert(gradients_match<mlp>(1));
static_assert(gradients_match<mlp>(2));
static_assert(gradients_match<pooled>(3));
static_assert(gradients_match<averaged>(4));
static_assert(gradients_match<convolved>(5));
static_assert(gradients_match<strided>(6));
static_assert(gradients_match<branched>(7));
// ... and the check fails where the backward pass is wrong.
static_assert(!gradients_match<wrong>(8));

TEST_CASE("the compile-time forward pass agrees with the run-time one", "[core][constexpr]") {
  for (std::size_t i = 0; i < ctnn_test::constexpr_image_count; ++i) {
    constexpr auto at_compile_time = [] {
      std::array<std::array<float, 10>, ctnn_test::constexpr_image_count> y{};
      for (std::size_t k = 0; k < y.size(); ++k)
        y[k] = ctnn::predict(weights::model, image(k));
      return y;
    }();
    const auto at_run_time = ctnn::predict(weights::model, image(i));  // the vector kernels
    for (std::size_t k = 0; k < 10; ++k)
      CHECK(at_compile_time[i][k] == Approx(at_run_time[k]).margin(1e-5));
    CHECK(ctnn::argmax(at_run_time) == images::labels[i]);
  }
}

TEST_CASE("the gradient checks hold at run time too", "[core][constexpr]") {
  // The same checks through the vector kernels the compiler does not evaluate.
  CHECK(gradients_match<mlp>(1));
  CHECK(gradients_match<pooled>(3));
  CHECK(gradients_match<averaged>(4));
  CHECK(gradients_match<convolved>(5));
  CHECK(gradients_match<strided>(6));
  CHECK(gradients_match<branched>(7));
}
