// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/max_pool.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<max_pool<2>::output_shape_t<shape<16, 14, 14>>, shape<16, 7, 7>>);
static_assert(std::is_same_v<max_pool<2>::output_shape_t<shape<24, 4, 4>>, shape<24, 2, 2>>);
static_assert(
    std::is_same_v<max_pool<3, stride<2>>::output_shape_t<shape<1, 7, 7>>, shape<1, 3, 3>>);
static_assert(
    std::is_same_v<max_pool<2>::output_shape_t<shape<1, 5, 5>>, shape<1, 2, 2>>);  // floor
static_assert(max_pool<2>::param_count_v<shape<1, 4, 4>> == 0);
static_assert(std::is_same_v<max_pool<5>::check_t<shape<1, 4, 4>>,
                             window_exceeds_input<window<5>, height_width<4, 4>>>);

TEST_CASE("max_pool takes the largest value of each window", "[layers][max_pool]") {
  using net = network<input<1, 4, 4>, max_pool<2>>;
  test::harness<net> h;
  auto y = h.forward({1, 5, 2, 0,    //
                      3, -1, 8, 7,   //
                      0, 0, -3, -4,  //
                      9, 1, -2, -9});
  CHECK(y == std::vector<double>{5, 8, 9, -2});
}

TEST_CASE("max_pool sends the gradient to the first maximum only", "[layers][max_pool]") {
  using net = network<input<1, 2, 2>, max_pool<2>>;
  model<net, double> m;
  workspace<net, double, 1> ws;
  gradients<net, double> g{};
  std::array<double, 4> x{2, 2, 1, 2}, dx{};
  double dy = 3;
  forward(m, ws, x.data(), 1);
  backward(m, g, ws, &dy, dx.data(), 1);
  CHECK(dx == std::array<double, 4>{3, 0, 0, 0});
}

TEMPLATE_TEST_CASE("max_pool backward matches finite differences", "[layers][max_pool][gradient]",
                   (network<input<2, 6, 6>, max_pool<2>>),
                   (network<input<1, 7, 7>, max_pool<3, stride<2>>>),
                   (network<input<3, 5, 4>, max_pool<2, stride<1>>>)) {
  auto r = test::check_gradients<TestType>();
  CHECK(r.worst() < test::gradient_tolerance);
  CHECK(r.kinks == 0);
}
