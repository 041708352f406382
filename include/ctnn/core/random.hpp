// SPDX-License-Identifier: BSL-1.0
// Counter-based random numbers: a value is a pure function of its coordinates.
#pragma once

#include <cstdint>

namespace ctnn {

/// SplitMix64 finaliser: a fast bijective mix of 64 bits.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A uniform value in [0, 1) determined by (seed, a, b, c).  Dropout derives its masks from
/// it, so the backward pass recomputes the forward mask instead of storing it.
template <class T>
constexpr T uniform01(std::uint64_t seed, std::uint64_t a, std::uint64_t b,
                      std::uint64_t c) noexcept {
  std::uint64_t h = mix64(seed ^ mix64(a ^ mix64(b ^ mix64(c))));
  return static_cast<T>(h >> 40) * static_cast<T>(1.0 / 16777216.0);  // 24 bits
}

/// SplitMix64 as a sequential generator (seeding, shuffling, initialisation).
struct splitmix64 {
  using result_type = std::uint64_t;
  std::uint64_t state;
  constexpr explicit splitmix64(std::uint64_t seed) noexcept : state(seed) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }
  constexpr result_type operator()() noexcept {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

}  // namespace ctnn
