// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/residual.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

using plain = residual<sequence<dense<5>, relu>>;
using projected = residual<sequence<dense<3, no_bias>, relu>, dense<3, no_bias>>;
static_assert(std::is_same_v<plain::output_shape_t<shape<5>>, shape<5>>);
static_assert(plain::param_count_v<shape<5>> == 30);
static_assert(projected::param_count_v<shape<4>> == 24);
static_assert(
    std::is_same_v<residual<dense<3>>::check_t<shape<4>>,
                   branch_and_skip_shapes_differ<branch_output<shape<3>>, skip_output<shape<4>>>>);
static_assert(
    std::is_same_v<residual<sequence<relu, dense<3>>>::check_t<shape<2, 2>>,
                   in_branch<layer_error<layer_index<1>, dense<3>, input_shape<shape<2, 2>>,
                                         expects_flat_input_add_flatten>>>);

TEST_CASE("residual adds the branch to the skip path", "[layers][residual]") {
  using net = network<input<2>, residual<sequence<dense<1, no_bias>, relu>, dense<1, no_bias>>>;
  test::harness<net> h;
  h.with_parameters({1, 1, /* skip */ 10, 0});
  auto y = h.forward({2, 3, /* sample 1 */ -2, -3});
  CHECK(y[0] == Approx(5 + 20));
  CHECK(y[1] == Approx(0 - 20));
}

TEST_CASE("residual with the identity skip adds its input", "[layers][residual]") {
  using net = network<input<2>, residual<dense<2, no_bias>>>;
  test::harness<net> h;
  h.with_parameters({1, 0, 0, 2});
  CHECK(h.forward({3, 4}) == std::vector<double>{6, 12});
}

TEMPLATE_TEST_CASE(
    "residual backward matches finite differences", "[layers][residual][gradient]",
    (network<input<5>, plain>), (network<input<4>, projected>),
    (network<input<2, 5, 5>, residual<sequence<conv2d<2, 3, pad<1>>, batch_norm, relu>>>),
    (network<input<6>, residual<residual<sequence<dense<6>, ctnn::tanh>>, dense<6>>>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
}
