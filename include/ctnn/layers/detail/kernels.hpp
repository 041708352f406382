// SPDX-License-Identifier: BSL-1.0
// Inner loops shared by the layers, written so that the compiler vectorises them.
#pragma once

#include <cstddef>

namespace ctnn::detail {

// Float addition is not associative, so a compiler may not vectorise a plain reduction
// loop without -ffast-math.  Keeping `lanes` independent partial sums makes the order
// explicit (and deterministic), and each lane maps onto a SIMD slot.
inline constexpr std::size_t lanes = 16;

// A 64-byte vector in GCC/Clang vector extensions: one AVX-512 register, or two or four
// narrower ones, whatever the target has.  Used where the auto-vectoriser needs help.
template <class T>
struct vector64 {
  typedef T type __attribute__((vector_size(64)));
};
template <class T>
using vec64 = typename vector64<T>::type;

template <class T>
inline vec64<T> load64(const T* p) noexcept {
  vec64<T> v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

template <class T>
inline T reduce_add(vec64<T> v) noexcept {
  constexpr std::size_t n = sizeof(vec64<T>) / sizeof(T);
  T s{};
  for (std::size_t i = 0; i < n; ++i)
    s += v[i];
  return s;
}

/// sum_i a[i] over N elements.
template <std::size_t N, class T>
inline T sum(const T* __restrict a) noexcept {
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

}  // namespace ctnn::detail
