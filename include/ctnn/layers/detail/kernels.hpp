// SPDX-License-Identifier: BSL-1.0
// Inner loops shared by the layers, written so that the compiler vectorises them.
#pragma once

#include <ctnn/layers/detail/simd.hpp>

#include <cstddef>
#include <type_traits>

namespace ctnn::detail {

/// to[0, N) = from[0, N), as whole-vector moves: a copy of a known size, where a loop of N
/// scalar moves is what GCC makes of a short run whose neighbours it cannot rule out.
template <std::size_t N, class T>
constexpr void copy_run(const T* __restrict from, T* __restrict to) noexcept {
  if (std::is_constant_evaluated()) {
    for (std::size_t i = 0; i < N; ++i)
      to[i] = from[i];
    return;
  }
  __builtin_memcpy(to, from, N * sizeof(T));
}

/// to[0, N) += from[0, N), as whole-vector loads, additions and stores.
template <std::size_t N, class T>
constexpr void add_run(const T* __restrict from, T* __restrict to) noexcept {
  if (std::is_constant_evaluated()) {
    for (std::size_t i = 0; i < N; ++i)
      to[i] += from[i];
    return;
  }
  // Whole target vectors for long runs, 16 bytes for short ones.
  typedef T run
      __attribute__((vector_size(N * sizeof(T) >= simd::vector_bytes ? simd::vector_bytes : 16)));
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

/// sum_i a[i] over N elements.
template <std::size_t N, class T>
constexpr T sum(const T* __restrict a) noexcept {
  // Float addition is not associative, so a compiler may not vectorise a plain reduction loop
  // without -ffast-math.  Keeping `lanes` independent partial sums makes the order explicit
  // (and deterministic), and each partial sum maps onto a SIMD slot.
  constexpr std::size_t lanes = simd::lanes<T>;
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
