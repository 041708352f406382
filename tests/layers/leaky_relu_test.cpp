// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/leaky_relu.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<leaky_relu<>::output_shape_t<shape<3, 4, 5>>, shape<3, 4, 5>>);
static_assert(leaky_relu<>::param_count_v<shape<7>> == 0);

static_assert(leaky_relu<1, 5>::negative_slope<double> == 0.2);

TEST_CASE("leaky_relu known values", "[layers][leaky_relu]") {
  using net = network<input<4>, leaky_relu<>>;
  test::harness<net> h;
  const std::vector<double> expected{-0.02, 0.5, 0, 3};
  auto y = h.forward({-2, 0.5, 0, 3});
  REQUIRE(y.size() == expected.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    CHECK(y[i] == Approx(expected[i]));
}

TEMPLATE_TEST_CASE("leaky_relu backward matches finite differences",
                   "[layers][leaky_relu][gradient]", (network<input<6>, leaky_relu<>>),
                   (network<input<2, 3, 4>, leaky_relu<>>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
}

TEMPLATE_TEST_CASE("leaky_relu over whole vectors equals its value and slope element by element",
                   "[layers][leaky_relu]", float, double) {
  // 37 elements: whole target vectors (the vector form) and a tail (the scalar form).
  constexpr std::size_t n = 37;
  using act = leaky_relu<1, 10>;
  std::vector<TestType> x(n), dy(n), y(n), dx(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<TestType>((static_cast<int>(i * 7 % 11) - 5)) / 4;
    dy[i] = static_cast<TestType>(i + 1) / 8;
  }
  detail::activation_values<act>(n, x.data(), y.data());
  detail::activation_deltas<act>(n, dy.data(), x.data(), y.data(), dx.data());
  for (std::size_t i = 0; i < n; ++i) {
    INFO("element " << i << ", x " << x[i]);
    CHECK(y[i] == act::value(x[i]));
    CHECK(dx[i] == dy[i] * act::slope(x[i], y[i]));
  }
}
