// SPDX-License-Identifier: BSL-1.0
// Small synthetic data sets that a small network learns in a second.
#pragma once

#include <ctnn/core/random.hpp>
#include <ctnn/data/dataset.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctnn::test {

/// 8x8 images of noise with one brighter 4x4 quadrant; the label is the quadrant.
inline dataset<shape<1, 8, 8>> quadrant_images(std::size_t count, std::uint64_t seed) {
  dataset<shape<1, 8, 8>> d;
  d.classes = 4;
  splitmix64 rng(seed);
  auto u = [&] { return static_cast<float>(rng() >> 40) / 16777216.0f; };
  std::array<float, 64> x{};
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::uint32_t>(rng() % 4);
    for (std::size_t r = 0; r < 8; ++r)
      for (std::size_t c = 0; c < 8; ++c) {
        const std::size_t q = (r / 4) * 2 + c / 4;
        x[r * 8 + c] = 0.5f * u() + (q == label ? 0.5f : 0.0f);
      }
    d.push_back(x, label);
  }
  return d;
}

/// 3x8x8 images of noise in which one channel is brighter everywhere; the label is that
/// channel (3 classes), so only the channel axis tells them apart.
inline dataset<shape<3, 8, 8>> channel_images(std::size_t count, std::uint64_t seed) {
  dataset<shape<3, 8, 8>> d;
  d.classes = 3;
  splitmix64 rng(seed);
  auto u = [&] { return static_cast<float>(rng() >> 40) / 16777216.0f; };
  std::array<float, 192> x{};
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::uint32_t>(rng() % 3);
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t k = 0; k < 64; ++k)
        x[c * 64 + k] = 0.6f * u() + (c == label ? 0.4f : 0.0f);
    d.push_back(x, label);
  }
  return d;
}

/// Vectors x of 4 values uniform in [-1, 1] with target y = x0 + x1 + x2 + x3 (a linear task),
/// or, when nonlinear, y = x0 * x1 + |x2| - x3.
inline dataset<shape<4>, shape<1>> sum_task(std::size_t count, std::uint64_t seed,
                                            bool nonlinear = false) {
  dataset<shape<4>, shape<1>> d;
  splitmix64 rng(seed);
  auto u = [&] { return 2 * static_cast<float>(rng() >> 40) / 16777216.0f - 1; };
  for (std::size_t i = 0; i < count; ++i) {
    const std::array<float, 4> x{u(), u(), u(), u()};
    const std::array<float, 1> y{nonlinear ? x[0] * x[1] + (x[2] < 0 ? -x[2] : x[2]) - x[3]
                                           : x[0] + x[1] + x[2] + x[3]};
    d.push_back(x, y);
  }
  return d;
}

}  // namespace ctnn::test
