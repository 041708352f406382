// SPDX-License-Identifier: BSL-1.0
#include <ctnn/train/init.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace ctnn;

namespace {
std::pair<double, double> mean_and_variance(std::vector<double> const& v) {
  double s = 0, q = 0;
  for (double x : v)
    s += x;
  const double m = s / static_cast<double>(v.size());
  for (double x : v)
    q += (x - m) * (x - m);
  return {m, q / static_cast<double>(v.size())};
}
std::vector<double> draw(init_scheme scheme, std::uint64_t seed, std::size_t fan_in,
                         std::size_t fan_out) {
  initializer init(scheme, seed);
  std::vector<double> w(200000);
  init.weights(w.data(), w.size(), fan_in, fan_out);
  return w;
}
}  // namespace

TEST_CASE("He and Xavier initialisation have their variances", "[train][init]") {
  auto [m1, v1] = mean_and_variance(draw(init_scheme::he_normal, 1, 50, 10));
  CHECK(m1 == Approx(0).margin(0.003));
  CHECK(v1 == Approx(2.0 / 50).epsilon(0.02));
  auto [m2, v2] = mean_and_variance(draw(init_scheme::xavier_uniform, 1, 50, 10));
  CHECK(m2 == Approx(0).margin(0.003));
  CHECK(v2 == Approx(2.0 / 60).epsilon(0.02));  // (sqrt(6/60))^2 / 3
  auto [m3, v3] = mean_and_variance(draw(init_scheme::he_uniform, 1, 50, 10));
  CHECK(v3 == Approx(2.0 / 50).epsilon(0.02));
  auto [m4, v4] = mean_and_variance(draw(init_scheme::xavier_normal, 1, 50, 10));
  CHECK(v4 == Approx(2.0 / 60).epsilon(0.02));
  (void)m3;
  (void)m4;
}

TEST_CASE("initialisation is reproducible from its seed", "[train][init]") {
  CHECK(draw(init_scheme::he_normal, 3, 9, 16) == draw(init_scheme::he_normal, 3, 9, 16));
  CHECK(draw(init_scheme::he_normal, 3, 9, 16) != draw(init_scheme::he_normal, 4, 9, 16));
  CHECK_THROWS_WITH(parse_init_scheme("zeros"),
                    Catch::Contains("unknown initialisation scheme 'zeros'"));
}
