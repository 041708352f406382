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

/// sum_i a[i] * b[i] over N elements.  Long dots keep four independent vector accumulators so
/// that consecutive fused multiply-adds do not wait for each other.
template <std::size_t N, class T>
inline T dot(const T* __restrict a, const T* __restrict b) noexcept {
  constexpr std::size_t w = sizeof(vec64<T>) / sizeof(T);
  if constexpr (N < w) {
    T s{};
    for (std::size_t i = 0; i < N; ++i)
      s += a[i] * b[i];
    return s;
  } else {
    vec64<T> acc0{}, acc1{}, acc2{}, acc3{};
    std::size_t i = 0;
    for (; i + 4 * w <= N; i += 4 * w) {
      acc0 += load64(a + i) * load64(b + i);
      acc1 += load64(a + i + w) * load64(b + i + w);
      acc2 += load64(a + i + 2 * w) * load64(b + i + 2 * w);
      acc3 += load64(a + i + 3 * w) * load64(b + i + 3 * w);
    }
    for (; i + w <= N; i += w)
      acc0 += load64(a + i) * load64(b + i);
    T s = reduce_add<T>((acc0 + acc1) + (acc2 + acc3));
    for (; i < N; ++i)
      s += a[i] * b[i];
    return s;
  }
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

/// y[i] += a * x[i] over N elements.
template <std::size_t N, class T>
inline void axpy(T a, const T* __restrict x, T* __restrict y) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    y[i] += a * x[i];
}

}  // namespace ctnn::detail
