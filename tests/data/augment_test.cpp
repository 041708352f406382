// SPDX-License-Identifier: BSL-1.0
#include <ctnn/data/augment.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <vector>

using namespace ctnn;

namespace {
constexpr std::size_t R = 28, C = 28;

// A 28x28 image holding one bright 2x2 block with its top-left corner at (y, x).
std::vector<float> block_at(std::size_t y, std::size_t x) {
  std::vector<float> img(R * C, 0.0f);
  for (std::size_t dy = 0; dy < 2; ++dy)
    for (std::size_t dx = 0; dx < 2; ++dx)
      img[(y + dy) * C + x + dx] = 1.0f;
  return img;
}

std::pair<double, double> centroid(std::vector<float> const& img) {
  double sy = 0, sx = 0, s = 0;
  for (std::size_t y = 0; y < R; ++y)
    for (std::size_t x = 0; x < C; ++x) {
      sy += y * img[y * C + x];
      sx += x * img[y * C + x];
      s += img[y * C + x];
    }
  return {sy / s, sx / s};
}
}  // namespace

TEST_CASE("augmentation off copies the image", "[data][augment]") {
  const auto in = block_at(10, 12);
  std::vector<float> out(in.size(), -1.0f);
  augment(in.data(), out.data(), 1, R, C, augmentation{}, 1, 2, 3);
  CHECK(out == in);
}

TEST_CASE("a shift moves the content by at most the given pixels", "[data][augment]") {
  const auto in = block_at(13, 13);
  const auto [y0, x0] = centroid(in);
  augmentation a;
  a.shift = 3;
  std::vector<float> out(in.size());
  double largest = 0;
  for (std::uint64_t s = 0; s < 200; ++s) {
    augment(in.data(), out.data(), 1, R, C, a, 7, 0, s);
    const auto [y, x] = centroid(out);
    CHECK(std::abs(y - y0) <= 3.0 + 1e-9);
    CHECK(std::abs(x - x0) <= 3.0 + 1e-9);
    largest = std::max({largest, std::abs(y - y0), std::abs(x - x0)});
    // bilinear resampling keeps the mass of a block away from the border
    CHECK(std::accumulate(out.begin(), out.end(), 0.0) == Approx(4.0).epsilon(1e-5));
  }
  CHECK(largest > 2.5);  // the range is used, not just tiny moves
}

TEST_CASE("a rotation turns a point about the centre by at most the given angle",
          "[data][augment]") {
  // A block right of the centre; rotation keeps its distance from the centre.
  const auto in = block_at(13, 21);
  const auto [y0, x0] = centroid(in);
  const double c = 13.5, r0 = std::hypot(y0 - c, x0 - c);
  augmentation a;
  a.rotate = 20;
  std::vector<float> out(in.size());
  double widest = 0;
  for (std::uint64_t s = 0; s < 100; ++s) {
    augment(in.data(), out.data(), 1, R, C, a, 1, 5, s);
    const auto [y, x] = centroid(out);
    CHECK(std::hypot(y - c, x - c) == Approx(r0).epsilon(0.03));
    const double angle = std::abs(std::atan2(y - c, x - c)) * 180 / 3.14159265358979;
    CHECK(angle <= 20.5);
    widest = std::max(widest, angle);
  }
  CHECK(widest > 15);
}

TEST_CASE("stretch scales distances from the centre within the range", "[data][augment]") {
  const auto in = block_at(13, 21);
  const double c = 13.5, d0 = centroid(in).second - c;
  augmentation a;
  a.stretch = 0.2;
  std::vector<float> out(in.size());
  for (std::uint64_t s = 0; s < 100; ++s) {
    augment(in.data(), out.data(), 1, R, C, a, 1, 5, s);
    const double d = centroid(out).second - c;
    CHECK(d / d0 >= 0.8 - 0.03);
    CHECK(d / d0 <= 1.2 + 0.03);
  }
}

TEST_CASE("noise has the requested mean and deviation", "[data][augment]") {
  std::vector<float> in(R * C, 0.5f), out(R * C);
  augmentation a;
  a.noise = 0.1;
  double sum = 0, sq = 0;
  std::size_t n = 0;
  for (std::uint64_t s = 0; s < 50; ++s) {
    augment(in.data(), out.data(), 1, R, C, a, 3, 1, s);
    for (float v : out) {
      sum += v - 0.5;
      sq += (v - 0.5) * (v - 0.5);
      ++n;
    }
  }
  const double mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
  CHECK(std::abs(mean) < 0.003);
  CHECK(sd == Approx(0.1).epsilon(0.02));
}

TEST_CASE("augmentation is a pure function of seed, step and sample", "[data][augment]") {
  const auto in = block_at(9, 15);
  augmentation a{2, 10, 0.1, 0.05};
  std::vector<float> x(in.size()), y(in.size()), z(in.size());
  augment(in.data(), x.data(), 1, R, C, a, 11, 4, 9);
  augment(in.data(), y.data(), 1, R, C, a, 11, 4, 9);
  CHECK(x == y);
  augment(in.data(), z.data(), 1, R, C, a, 11, 4, 10);
  CHECK(x != z);
  augment(in.data(), z.data(), 1, R, C, a, 11, 5, 9);
  CHECK(x != z);
  augment(in.data(), z.data(), 1, R, C, a, 12, 4, 9);
  CHECK(x != z);
}

TEST_CASE("points moved in from outside take the image's background", "[data][augment]") {
  // Normalised data: the background is negative, not 0.
  std::vector<float> in(R * C, -0.42f), out(R * C);
  in[14 * C + 14] = 2.0f;
  augmentation a;
  a.shift = 5;
  a.rotate = 30;
  augment(in.data(), out.data(), 1, R, C, a, 5, 0, 0);
  CHECK(*std::min_element(out.begin(), out.end()) == Approx(-0.42f));
  CHECK(out[0] == Approx(-0.42f));
}
