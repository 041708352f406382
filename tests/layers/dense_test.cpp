// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/dense.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<dense<7>::output_shape_t<shape<5>>, shape<7>>);
static_assert(dense<7>::param_count_v<shape<5>> == 5 * 7 + 7);
static_assert(dense<7, no_bias>::param_count_v<shape<5>> == 5 * 7);
static_assert(std::is_same_v<dense<7>::check_t<shape<2, 3>>, expects_flat_input_add_flatten>);
static_assert(layer_for<dense<3>, shape<4>>);
static_assert(!layer_for<dense<3>, shape<4, 4>>);

TEST_CASE("dense computes W x + b", "[layers][dense]") {
  using net = network<input<3>, dense<2>>;
  test::harness<net> h;
  h.with_parameters({1, 2, 3, /**/ -1, 0, 1, /* bias */ 0.5, -0.5});
  auto y = h.forward({1, 1, 2, /* second sample */ 0, 1, 0});
  REQUIRE(y.size() == 4);
  CHECK(y[0] == Approx(1 + 2 + 6 + 0.5));
  CHECK(y[1] == Approx(-1 + 2 - 0.5));
  CHECK(y[2] == Approx(2 + 0.5));
  CHECK(y[3] == Approx(-0.5));
}

TEST_CASE("dense without bias has no bias term", "[layers][dense]") {
  using net = network<input<2>, dense<1, no_bias>>;
  test::harness<net> h;
  h.with_parameters({2, 3});
  CHECK(h.forward({1, 1})[0] == Approx(5));
}

TEMPLATE_TEST_CASE("dense backward matches finite differences", "[layers][dense][gradient]",
                   (network<input<5>, dense<3>>), (network<input<1>, dense<1>>),
                   (network<input<40>, dense<17, no_bias>>), (network<input<33>, dense<20>>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
  CHECK(r.kinks == 0);
}
