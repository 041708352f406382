// SPDX-License-Identifier: BSL-1.0
// Plain loops for what the vector kernels compute, taken in constant evaluation (a network
// run inside static_assert), where vector types and intrinsics cannot run.
#pragma once

#include <cstddef>

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

}  // namespace ctnn::detail::scalar
