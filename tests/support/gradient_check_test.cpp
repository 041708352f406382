// SPDX-License-Identifier: BSL-1.0
// The gradient check itself can fail: a layer with a wrong backward pass is caught.
#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"

#include <catch2/catch.hpp>

namespace {

// relu whose backward forgets the slope: right forward, wrong gradient.
struct wrong_relu : ctnn::detail::elementwise<wrong_relu> {
  [[maybe_unused]] static constexpr std::size_t flops_per_element = 1;
  static std::string name() { return "wrong_relu"; }
  template <class T>
  static constexpr T value(T x) noexcept {
    return x > T{0} ? x : T{0};
  }
  template <class T>
  static constexpr T slope(T, T) noexcept {
    return T{1};
  }
};

// dense whose weight gradient is off by 1 %.
struct wrong_dense : ctnn::dense<3> {
  static std::string name() { return "wrong_dense"; }
  template <class In, class T>
  static void backward(ctnn::backward_io<T> const& io) noexcept {
    ctnn::dense<3>::backward<In>(io);
    io.grads[0] *= T{1.01};
  }
};

}  // namespace

TEST_CASE("the gradient check catches a wrong input delta", "[support][gradient]") {
  auto r = ctnn::test::check_gradients<ctnn::network<ctnn::input<8>, wrong_relu>>();
  CHECK(r.max_input_error > 0.5);
}

TEST_CASE("the gradient check catches a wrong parameter gradient", "[support][gradient]") {
  auto r = ctnn::test::check_gradients<ctnn::network<ctnn::input<4>, wrong_dense>>();
  CHECK(r.max_param_error > 1e-3);
  CHECK(r.max_input_error < ctnn::test::gradient_tolerance);
}
