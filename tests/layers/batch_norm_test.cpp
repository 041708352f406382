// SPDX-License-Identifier: BSL-1.0
#include <ctnn/layers/batch_norm.hpp>

#include <ctnn/ctnn.hpp>

#include "support/gradient_check.hpp"
#include "support/run.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <type_traits>

using namespace ctnn;

static_assert(std::is_same_v<batch_norm::output_shape_t<shape<64>>, shape<64>>);
static_assert(batch_norm::param_count_v<shape<64>> == 128);
static_assert(batch_norm::param_count_v<shape<6, 28, 28>> == 12);
static_assert(batch_norm::state_count_v<shape<6, 28, 28>> == 12);
static_assert(std::is_same_v<batch_norm::check_t<shape<28, 28>>,
                             expects_features_or_channels_height_width_input>);

TEST_CASE("batch_norm in training uses the batch's statistics", "[layers][batch_norm]") {
  using net = network<input<1>, batch_norm>;
  test::harness<net> h;
  h.with_parameters({2.0, 1.0});  // gamma, beta
  h.m->state = {0.0, 1.0};        // running mean, running variance
  auto y = h.forward({1, 2, 3}, phase::train);
  const double s = std::sqrt(2.0 / 3.0 + 1e-5);  // biased batch variance 2/3
  REQUIRE(y.size() == 3);
  CHECK(y[0] == Approx(2 * (-1 / s) + 1));
  CHECK(y[1] == Approx(1));
  CHECK(y[2] == Approx(2 * (1 / s) + 1));
  // running = 0.9 running + 0.1 batch, with the unbiased variance (1) as PyTorch does
  CHECK(h.m->state[0] == Approx(0.2));
  CHECK(h.m->state[1] == Approx(1.0));
}

TEST_CASE("batch_norm in evaluation uses the running statistics", "[layers][batch_norm]") {
  using net = network<input<1>, batch_norm>;
  test::harness<net> h;
  h.with_parameters({2.0, 1.0});
  h.m->state = {1.0, 4.0};
  auto y = h.forward({1, 3}, phase::eval);
  CHECK(y[0] == Approx(1));
  CHECK(y[1] == Approx(2 * 2 / std::sqrt(4 + 1e-5) + 1));
  CHECK(h.m->state[0] == 1.0);  // untouched
}

TEST_CASE("batch_norm after conv normalises each channel over batch and positions",
          "[layers][batch_norm]") {
  using net = network<input<2, 1, 2>, batch_norm>;
  test::harness<net> h;
  h.with_parameters({1, 1, 0, 0});
  // channel 0 sees 1, 3 (sample 0) and 5, 7 (sample 1): mean 4, variance 5
  auto y = h.forward({1, 3, 10, 10, /* sample 1 */ 5, 7, 20, 20}, phase::train);
  const double s = std::sqrt(5 + 1e-5);
  CHECK(y[0] == Approx(-3 / s));
  CHECK(y[5] == Approx(3 / s));
  CHECK(y[2] == Approx(-5 / std::sqrt(25 + 1e-5)));
  CHECK(h.m->state[0] == Approx(0.4));  // channel 0 running mean
  CHECK(h.m->state[1] == Approx(1.5));  // channel 1 running mean
}

TEMPLATE_TEST_CASE("batch_norm backward matches finite differences (train)",
                   "[layers][batch_norm][gradient]", (network<input<6>, batch_norm>),
                   (network<input<3, 4, 4>, batch_norm>), (network<input<2, 1, 1>, batch_norm>)) {
  auto r = test::check_gradients<TestType, 4>(phase::train);
  CHECK(r.worst() < test::gradient_tolerance);
}

TEMPLATE_TEST_CASE("batch_norm backward matches finite differences (eval)",
                   "[layers][batch_norm][gradient]", (network<input<6>, batch_norm>),
                   (network<input<3, 4, 4>, batch_norm>)) {
  auto r = test::check_gradients<TestType, 2>(phase::eval);
  CHECK(r.worst() < test::gradient_tolerance);
}
