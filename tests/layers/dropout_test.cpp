// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/dropout.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<dropout<50>::output_shape_t<shape<4, 4>>, shape<4, 4>>);
static_assert(std::is_same_v<dropout<100>::check_t<shape<4>>, drop_percent_must_be_below_100<100>>);

TEST_CASE("dropout drops about Percent of the elements and scales the rest", "[layers][dropout]") {
  using net = network<input<1000>, dropout<30>>;
  test::harness<net, double, 2> h;
  std::vector<double> x(2000, 1.0);
  auto y = ctnn::forward(*h.m, *h.ws, x.data(), 2, run_context{phase::train, 42, 3, 0});
  std::size_t dropped = 0;
  for (double v : y) {
    if (v == 0)
      ++dropped;
    else
      CHECK(v == Approx(1 / 0.7));
  }
  CHECK(dropped > 520);  // 600 expected; 4 standard deviations either side
  CHECK(dropped < 680);
}

TEST_CASE("dropout is the identity in evaluation", "[layers][dropout]") {
  using net = network<input<5>, dropout<50>>;
  test::harness<net> h;
  CHECK(h.forward({1, 2, 3, 4, 5}, phase::eval) == std::vector<double>{1, 2, 3, 4, 5});
}

TEST_CASE("dropout masks depend on seed, step and sample, not on the split of a batch",
          "[layers][dropout]") {
  using net = network<input<64>, dropout<50>>;
  test::harness<net, double, 2> h;
  std::vector<double> x(128, 1.0);
  auto whole = ctnn::forward(*h.m, *h.ws, x.data(), 2, run_context{phase::train, 1, 0, 0});
  std::vector<double> both(whole.begin(), whole.end());
  auto second = ctnn::forward(*h.m, *h.ws, x.data() + 64, 1, run_context{phase::train, 1, 0, 1});
  CHECK(std::vector<double>(second.begin(), second.end()) ==
        std::vector<double>(both.begin() + 64, both.end()));
  auto other_step = ctnn::forward(*h.m, *h.ws, x.data(), 1, run_context{phase::train, 1, 1, 0});
  CHECK(std::vector<double>(other_step.begin(), other_step.end()) !=
        std::vector<double>(both.begin(), both.begin() + 64));
}

TEST_CASE("dropout backward matches finite differences", "[layers][dropout][gradient]") {
  auto r = test::check_gradients<network<input<3, 5>, dropout<40>>>(phase::train);
  CHECK(r.worst() < test::gradient_tolerance);
  auto e = test::check_gradients<network<input<7>, dropout<40>>>(phase::eval);
  CHECK(e.worst() < test::gradient_tolerance);
}
