// SPDX-License-Identifier: BSL-1.0
#include <ctnn/optim/schedule.hpp>

#include <catch2/catch.hpp>

using namespace ctnn;
using Catch::Matchers::Contains;

TEST_CASE("learning-rate schedules", "[optim][schedule]") {
  CHECK(schedule::parse("constant", 5).rate(0.1, 3.7) == 0.1);
  auto step = schedule::parse("step:2:0.5", 5);
  CHECK(step.rate(0.1, 1.9) == Approx(0.1));
  CHECK(step.rate(0.1, 2.0) == Approx(0.05));
  CHECK(step.rate(0.1, 4.5) == Approx(0.025));
  auto exp = schedule::parse("exp:0.5", 5);
  CHECK(exp.rate(0.1, 1.5) == Approx(0.1 * std::pow(0.5, 1.5)));
  auto cos = schedule::parse("cosine", 4);
  CHECK(cos.rate(0.1, 0) == Approx(0.1));
  CHECK(cos.rate(0.1, 2) == Approx(0.05));
  CHECK(cos.rate(0.1, 4) == Approx(0).margin(1e-12));
  CHECK(schedule::parse("cosine:0.01", 4).rate(0.1, 4) == Approx(0.01));
}

TEST_CASE("accuracy thresholds lower the rate once each", "[optim][schedule]") {
  auto s = schedule::parse("accuracy:0.9=0.5,0.97=0.1", 3);
  CHECK(s.rate(0.2, 0) == Approx(0.2));
  s.observe_accuracy(0.85);
  CHECK(s.rate(0.2, 0) == Approx(0.2));
  s.observe_accuracy(0.91);
  CHECK(s.rate(0.2, 0) == Approx(0.1));
  s.observe_accuracy(0.92);  // the 0.9 threshold is spent
  CHECK(s.rate(0.2, 0) == Approx(0.1));
  s.observe_accuracy(0.98);
  CHECK(s.rate(0.2, 0) == Approx(0.01));
}

TEST_CASE("bad schedules are rejected with the reason", "[optim][schedule]") {
  CHECK_THROWS_WITH(schedule::parse("warp", 1),
                    Contains("learning-rate schedule 'warp': unknown schedule"));
  CHECK_THROWS_WITH(schedule::parse("step:0:0.5", 1), Contains("'0' is not a positive number"));
  CHECK_THROWS_WITH(schedule::parse("exp:x", 1), Contains("'x' is not a positive number"));
  CHECK_THROWS_WITH(schedule::parse("accuracy:0.9", 1), Contains("'0.9' is not ACC=FACTOR"));
  CHECK_THROWS_WITH(schedule::parse("accuracy:1.5=0.5", 1), Contains("accuracy 1.5 is above 1"));
}
