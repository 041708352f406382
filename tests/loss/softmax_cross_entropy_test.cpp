// SPDX-License-Identifier: BSL-1.0
#include <ctnn/loss/softmax_cross_entropy.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>

using ctnn::softmax_cross_entropy;

TEST_CASE("cross-entropy of softmax by hand", "[loss][softmax_cross_entropy]") {
  std::array<double, 3> z{1, 2, 3}, d{};
  std::uint8_t label = 0;
  auto r = softmax_cross_entropy::forward_backward<3>(z.data(), &label, 1, d.data(), 1.0);
  const double s = std::exp(1) + std::exp(2) + std::exp(3);
  CHECK(r.loss_sum == Approx(std::log(s) - 1));
  CHECK(r.correct == 0);
  CHECK(d[0] == Approx(std::exp(1) / s - 1));
  CHECK(d[2] == Approx(std::exp(3) / s));
}

TEST_CASE("cross-entropy stays finite for huge logits", "[loss][softmax_cross_entropy]") {
  std::array<float, 2> z{1000.f, -1000.f}, d{};
  int label = 1;
  auto r = softmax_cross_entropy::forward_backward<2>(z.data(), &label, 1, d.data(), 0.5f);
  CHECK(r.loss_sum == Approx(2000.f));
  CHECK(d[0] == Approx(0.5f));
  CHECK(d[1] == Approx(-0.5f));
  CHECK(std::isfinite(r.loss_sum));
}

TEST_CASE("cross-entropy gradient matches finite differences", "[loss][softmax_cross_entropy]") {
  std::array<double, 8> z{0.3, -1.2, 2.0, 0.1, /**/ 1.5, 1.5, -0.5, 0.0}, d{};
  std::array<int, 2> labels{2, 3};
  auto r = softmax_cross_entropy::forward_backward<4>(z.data(), labels.data(), 2, d.data(), 0.5);
  CHECK(r.correct == 1);
  for (std::size_t i = 0; i < z.size(); ++i) {
    auto f = [&](double v) {
      auto zz = z;
      zz[i] = v;
      return softmax_cross_entropy::evaluate<4>(zz.data(), labels.data(), 2).loss_sum / 2;
    };
    const double h = 1e-5, numeric = (f(z[i] + h) - f(z[i] - h)) / (2 * h);
    CHECK(std::abs(d[i] - numeric) < 1e-8);
  }
}
