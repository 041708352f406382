// SPDX-License-Identifier: BSL-1.0
#include <ctnn/loss/mse.hpp>

#include <catch2/catch.hpp>

#include <array>

TEST_CASE("mse by hand", "[loss][mse]") {
  std::array<double, 4> y{1, 2, 3, 4}, t{0, 2, 5, 4}, d{};
  const double loss = ctnn::mse::forward_backward<2>(y.data(), t.data(), 2, d.data(), 0.5);
  CHECK(loss == Approx(1 + 4));
  CHECK(d == std::array<double, 4>{1, 0, -2, 0});
}
