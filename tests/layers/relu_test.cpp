// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/relu.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<relu::output_shape_t<shape<3, 4, 5>>, shape<3, 4, 5>>);
static_assert(relu::param_count_v<shape<7>> == 0);

TEST_CASE("relu known values", "[layers][relu]") {
  using net = network<input<4>, relu>;
  test::harness<net> h;
  const std::vector<double> expected{0, 0.5, 0, 3};
  auto y = h.forward({-2, 0.5, 0, 3});
  REQUIRE(y.size() == expected.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    CHECK(y[i] == Approx(expected[i]));
}

TEMPLATE_TEST_CASE("relu backward matches finite differences", "[layers][relu][gradient]",
                   (network<input<6>, relu>), (network<input<2, 3, 4>, relu>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
}
