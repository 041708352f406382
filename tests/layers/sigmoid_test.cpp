// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/sigmoid.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<sigmoid::output_shape_t<shape<3, 4, 5>>, shape<3, 4, 5>>);
static_assert(sigmoid::param_count_v<shape<7>> == 0);

TEST_CASE("sigmoid known values", "[layers][sigmoid]") {
  using net = network<input<4>, sigmoid>;
  test::harness<net> h;
  const std::vector<double> expected{0.5, 0.8807970779778823, 0.11920292202211755, 1};
  auto y = h.forward({0, 2, -2, 40});
  REQUIRE(y.size() == expected.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    CHECK(y[i] == Approx(expected[i]));
}

TEMPLATE_TEST_CASE("sigmoid backward matches finite differences", "[layers][sigmoid][gradient]",
                   (network<input<6>, sigmoid>), (network<input<2, 3, 4>, sigmoid>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
}
