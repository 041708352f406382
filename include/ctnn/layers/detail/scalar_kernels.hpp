// SPDX-License-Identifier: BSL-1.0
// Plain loops for what the vector kernels compute, taken in constant evaluation (a network
// run inside static_assert), where vector types and intrinsics cannot run.
#pragma once

#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctnn::detail::scalar {

/// C[i][j] (+)= sum_k A(i, k) * B[k][j]; operands as gemm_nn's (layers/detail/gemm.hpp).
template <bool Accumulate, class T, class Operands>
constexpr void gemm_nn(std::size_t m, std::size_t n, std::size_t kk, Operands const& o) noexcept {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      T s{0};
      for (std::size_t k = 0; k < kk; ++k)
        s += o.a[i * o.a_row + k * o.a_col] * o.b[k * o.ldb + j];
      T& c = o.c[i * o.ldc + j];
      c = Accumulate ? c + s : s;
    }
}

/// C[i][j] (+)= sum_k A[i][k] * B[j][k]; operands as gemm_nt's.
template <bool Accumulate, class T>
constexpr void gemm_nt(std::size_t m, std::size_t n, std::size_t kk, const T* a, std::size_t lda,
                       const T* b, std::size_t ldb, T* c, std::size_t ldc) noexcept {
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      T s{0};
      for (std::size_t k = 0; k < kk; ++k)
        s += a[i * lda + k] * b[j * ldb + k];
      T& to = c[i * ldc + j];
      to = Accumulate ? to + s : s;
    }
}

/// The square root of v by Newton's method from above (std::sqrt is not constexpr for every
/// compiler); within an ulp of std::sqrt, as the passes in constant evaluation are within
/// rounding of the vector ones.  A float is computed in double and rounded once.
template <class T>
constexpr T sqrt(T v) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    return static_cast<float>(sqrt(static_cast<double>(v)));
  } else {
    if (!(v > T{0}))
      return v == T{0} ? v : std::numeric_limits<T>::quiet_NaN();  // of negatives and NaN
    T x = v > T{1} ? v : T{1};                                     // >= sqrt(v)
    for (;;) {
      const T next = (x + v / x) / 2;
      if (!(next < x))
        return x;
      x = next;
    }
  }
}

}  // namespace ctnn::detail::scalar
