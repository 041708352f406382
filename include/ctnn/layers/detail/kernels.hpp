// SPDX-License-Identifier: BSL-1.0
// Inner loops shared by the layers, written so that the compiler vectorises them.
#pragma once

#include <cstddef>

namespace ctnn::detail {

// Float addition is not associative, so a compiler may not vectorise a plain reduction
// loop without -ffast-math.  Keeping `lanes` independent partial sums makes the order
// explicit (and deterministic), and each lane maps onto a SIMD slot.
inline constexpr std::size_t lanes = 16;

/// sum_i a[i] * b[i] over N elements.
template <std::size_t N, class T>
inline T dot(const T* __restrict a, const T* __restrict b) noexcept {
  if constexpr (N < lanes) {
    T s{};
    for (std::size_t i = 0; i < N; ++i)
      s += a[i] * b[i];
    return s;
  } else {
    T acc[lanes] = {};
    constexpr std::size_t body = N - N % lanes;
    for (std::size_t i = 0; i < body; i += lanes)
      for (std::size_t l = 0; l < lanes; ++l)
        acc[l] += a[i + l] * b[i + l];
    for (std::size_t i = body; i < N; ++i)
      acc[i - body] += a[i] * b[i];
    T s{};
    for (std::size_t l = 0; l < lanes; ++l)
      s += acc[l];
    return s;
  }
}

/// sum_i a[i] over N elements.
template <std::size_t N, class T> inline T sum(const T* __restrict a) noexcept {
  if constexpr (N < lanes) {
    T s{};
    for (std::size_t i = 0; i < N; ++i)
      s += a[i];
    return s;
  } else {
    T acc[lanes] = {};
    constexpr std::size_t body = N - N % lanes;
    for (std::size_t i = 0; i < body; i += lanes)
      for (std::size_t l = 0; l < lanes; ++l)
        acc[l] += a[i + l];
    for (std::size_t i = body; i < N; ++i)
      acc[i - body] += a[i];
    T s{};
    for (std::size_t l = 0; l < lanes; ++l)
      s += acc[l];
    return s;
  }
}

/// y[i] += a * x[i] over N elements.
template <std::size_t N, class T>
inline void axpy(T a, const T* __restrict x, T* __restrict y) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    y[i] += a * x[i];
}

} // namespace ctnn::detail
