// SPDX-License-Identifier: BSL-1.0
// Fixed-point requantisation: an int32 sum times a real multiplier, in integers only.
#pragma once

#include <cmath>
#include <cstdint>

namespace ctnn::quant {

/// A positive real multiplier M as multiplier * 2^-shift, multiplier in [2^30, 2^31) and
/// shift in [1, 62]: what an integer-only target (no FPU, or a bit-exact contract across
/// targets) applies to the int32 sums.  M so small that it needs a larger shift is zero.
struct fixed_multiplier {
  std::int32_t multiplier = 0;
  std::int32_t shift = 1;
};

/// M (>= 0, < 2^30) as a fixed_multiplier, to 31 significant bits.
inline fixed_multiplier to_fixed(double m) noexcept {
  if (!(m > 0))
    return {};
  int e = 0;
  const double f = std::frexp(m, &e);  // m = f 2^e, f in [0.5, 1)
  auto q = static_cast<std::int64_t>(std::llround(f * 2147483648.0));
  if (q == (std::int64_t{1} << 31)) {  // f rounded up to 1
    q /= 2;
    ++e;
  }
  const int shift = 31 - e;
  if (shift > 62)
    return {};
  if (shift < 1)
    return {std::int32_t{0x7fffffff}, 1};  // not reached by a calibrated layer
  return {static_cast<std::int32_t>(q), shift};
}

/// round(acc * M), halves away from minus infinity (add half, shift right: arithmetic on
/// negative values since C++20).
constexpr std::int32_t apply(std::int32_t acc, fixed_multiplier m) noexcept {
  const std::int64_t p = static_cast<std::int64_t>(acc) * m.multiplier;
  return static_cast<std::int32_t>((p + (std::int64_t{1} << (m.shift - 1))) >> m.shift);
}

}  // namespace ctnn::quant
