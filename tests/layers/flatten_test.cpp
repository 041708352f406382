// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/flatten.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<flatten::output_shape_t<shape<16, 7, 7>>, shape<784>>);
static_assert(std::is_same_v<flatten::output_shape_t<shape<5>>, shape<5>>);
static_assert(std::is_same_v<identity::output_shape_t<shape<2, 3>>, shape<2, 3>>);

TEST_CASE("flatten keeps row-major order", "[layers][flatten]") {
  using net = network<input<2, 1, 2>, flatten>;
  test::harness<net> h;
  CHECK(h.forward({1, 2, 3, 4}) == std::vector<double>{1, 2, 3, 4});
}

TEMPLATE_TEST_CASE("flatten and identity backward match finite differences",
                   "[layers][flatten][identity][gradient]", (network<input<2, 3, 4>, flatten>),
                   (network<input<2, 3>, identity>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
}
