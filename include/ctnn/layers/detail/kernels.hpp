// SPDX-License-Identifier: BSL-1.0
// Inner loops shared by the layers, written so that the compiler vectorises them.
#pragma once

#include <cstddef>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

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

/// Stores v at p.  Taking v by value keeps the caller's vectors out of memory: GCC keeps an
/// array of vectors whose address is taken on the stack, and reloads it at every step.
template <class T>
inline void store64(T* p, vec64<T> v) noexcept {
  __builtin_memcpy(p, &v, sizeof v);
}

/// Elements of T in one vec64.
template <class T>
inline constexpr std::size_t lanes_v = sizeof(vec64<T>) / sizeof(T);

/// The first `count` (<= lanes_v<T>) elements at p, zeros after them: the short end of a row
/// without reading past it.
template <class T>
inline vec64<T> load_partial(const T* p, std::size_t count) noexcept {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>)
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1), p);
  else if constexpr (std::is_same_v<T, double>)
    return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << count) - 1), p);
#endif
  if (count == lanes_v<T>)  // without masked moves, whole vectors where possible
    return load64(p);
  vec64<T> v{};
  for (std::size_t i = 0; i < count; ++i)
    v[i] = p[i];
  return v;
}

/// Stores the first `count` (<= lanes_v<T>) elements of v at p and nothing after them.
template <class T>
inline void store_partial(T* p, vec64<T> v, std::size_t count) noexcept {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>)
    return _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << count) - 1), v);
  else if constexpr (std::is_same_v<T, double>)
    return _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << count) - 1), v);
#endif
  if (count == lanes_v<T>)
    return store64(p, v);
  for (std::size_t i = 0; i < count; ++i)
    p[i] = v[i];
}

/// to[0, N) = from[0, N), as whole-vector moves: a copy of a known size, where a loop of N
/// scalar moves is what GCC makes of a short run whose neighbours it cannot rule out.
template <std::size_t N, class T>
inline void copy_run(const T* __restrict from, T* __restrict to) noexcept {
  __builtin_memcpy(to, from, N * sizeof(T));
}

/// to[0, N) += from[0, N), as whole-vector loads, additions and stores.
template <std::size_t N, class T>
inline void add_run(const T* __restrict from, T* __restrict to) noexcept {
  typedef T run __attribute__((vector_size(N * sizeof(T) >= 64 ? 64 : 16)));
  constexpr std::size_t w = sizeof(run) / sizeof(T), body = N - N % w;
  for (std::size_t i = 0; i < body; i += w) {
    run a, b;
    __builtin_memcpy(&a, from + i, sizeof a);
    __builtin_memcpy(&b, to + i, sizeof b);
    b += a;
    __builtin_memcpy(to + i, &b, sizeof b);
  }
  for (std::size_t i = body; i < N; ++i)
    to[i] += from[i];
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
