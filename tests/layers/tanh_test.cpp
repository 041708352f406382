// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/tanh.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<ctnn::tanh::output_shape_t<shape<3, 4, 5>>, shape<3, 4, 5>>);
static_assert(ctnn::tanh::param_count_v<shape<7>> == 0);

TEST_CASE("tanh known values", "[layers][tanh]") {
  using net = network<input<4>, ctnn::tanh>;
  test::harness<net> h;
  const std::vector<double> expected{0, 0.46211715726000974, -0.7615941559557649, 1};
  auto y = h.forward({0, 0.5, -1, 20});
  REQUIRE(y.size() == expected.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    CHECK(y[i] == Approx(expected[i]));
}

TEMPLATE_TEST_CASE("tanh backward matches finite differences", "[layers][tanh][gradient]",
                   (network<input<6>, ctnn::tanh>), (network<input<2, 3, 4>, ctnn::tanh>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
}
