// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/avg_pool.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<avg_pool<2>::output_shape_t<shape<6, 28, 28>>, shape<6, 14, 14>>);
static_assert(
    std::is_same_v<avg_pool<3, stride<1>>::output_shape_t<shape<2, 5, 6>>, shape<2, 3, 4>>);
static_assert(
    std::is_same_v<avg_pool<2, stride<0>>::check_t<shape<1, 4, 4>>, stride_must_be_positive>);

TEST_CASE("avg_pool averages each window", "[layers][avg_pool]") {
  using net = network<input<1, 4, 4>, avg_pool<2>>;
  test::harness<net> h;
  auto y = h.forward({1, 5, 2, 0,    //
                      3, -1, 8, 6,   //
                      0, 0, -3, -4,  //
                      8, 4, -2, -7});
  REQUIRE(y.size() == 4);
  CHECK(y[0] == Approx(2));
  CHECK(y[1] == Approx(4));
  CHECK(y[2] == Approx(3));
  CHECK(y[3] == Approx(-4));
}

TEMPLATE_TEST_CASE("avg_pool backward matches finite differences", "[layers][avg_pool][gradient]",
                   (network<input<2, 6, 6>, avg_pool<2>>),
                   (network<input<1, 7, 7>, avg_pool<3, stride<2>>>),
                   (network<input<2, 4, 5>, avg_pool<2, stride<1>>>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
  CHECK(r.kinks == 0);
}
