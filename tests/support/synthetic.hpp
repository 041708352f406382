// SPDX-License-Identifier: BSL-1.0
// A small synthetic image set that a small network can learn in a second.
#pragma once

#include <ctnn/core/random.hpp>
#include <ctnn/data/dataset.hpp>

#include <cstddef>
#include <cstdint>

namespace ctnn::test {

/// 8x8 images of noise with one brighter 4x4 quadrant; the label is the quadrant.
inline dataset quadrant_images(std::size_t count, std::uint64_t seed) {
  dataset d;
  d.rows = 8;
  d.cols = 8;
  d.classes = 4;
  splitmix64 rng(seed);
  auto u = [&] { return static_cast<float>(rng() >> 40) / 16777216.0f; };
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = static_cast<std::uint8_t>(rng() % 4);
    for (std::size_t r = 0; r < 8; ++r)
      for (std::size_t c = 0; c < 8; ++c) {
        const std::size_t q = (r / 4) * 2 + c / 4;
        d.images.push_back(0.5f * u() + (q == label ? 0.5f : 0.0f));
      }
    d.labels.push_back(label);
  }
  return d;
}

}  // namespace ctnn::test
