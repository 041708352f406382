// SPDX-License-Identifier: BSL-1.0
// Small dense matrix products with register blocking, the inner loops of conv2d and dense.
#pragma once

#include <ctnn/layers/detail/kernels.hpp>

#include <cstddef>
#include <type_traits>

namespace ctnn::detail {

// Every product here has contiguous rows.  Register blocks keep several output vectors in
// registers across the whole reduction, so each loaded value feeds several multiply-adds:
// that, not the multiply-adds, is what limits naive loops at these sizes.

/// C[i][j] (+)= sum_k A(i, k) * B[k][j] for i < m, j < n, k < kk, where
/// A(i, k) = a[i * a_row + k * a_col] (so A may be stored transposed), B is [kk][n] and C is
/// [m][n], both row-major.  With Accumulate false, C is overwritten.
template <bool Accumulate, class T>
inline void gemm_nn(std::size_t m, std::size_t n, std::size_t kk, const T* __restrict a,
                    std::size_t a_row, std::size_t a_col, const T* __restrict b,
                    T* __restrict c) noexcept {
  constexpr std::size_t w = sizeof(vec64<T>) / sizeof(T);
  // Block bounds computed up front: GCC 12 mistakes `for (; j + b <= n; j += b)` followed by a
  // tail loop for possibly endless (-Waggressive-loop-optimizations).
  const std::size_t m4 = m - m % 4, n2w = n - n % (2 * w);
  for (std::size_t i = 0; i < m4; i += 4) {
    for (std::size_t j = 0; j < n2w; j += 2 * w) {
      vec64<T> c00{}, c01{}, c10{}, c11{}, c20{}, c21{}, c30{}, c31{};
      for (std::size_t k = 0; k < kk; ++k) {
        const vec64<T> b0 = load64(b + k * n + j), b1 = load64(b + k * n + j + w);
        const T* ak = a + i * a_row + k * a_col;
        const T a0 = ak[0], a1 = ak[a_row], a2 = ak[2 * a_row], a3 = ak[3 * a_row];
        c00 += a0 * b0, c01 += a0 * b1, c10 += a1 * b0, c11 += a1 * b1;
        c20 += a2 * b0, c21 += a2 * b1, c30 += a3 * b0, c31 += a3 * b1;
      }
      const vec64<T> rows[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
      for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t v = 0; v < 2; ++v) {
          T* out = c + (i + r) * n + j + v * w;
          vec64<T> x = rows[r][v];
          if constexpr (Accumulate)
            x += load64(out);
          __builtin_memcpy(out, &x, sizeof x);
        }
    }
    for (std::size_t j = n2w; j < n; ++j)
      for (std::size_t r = 0; r < 4; ++r) {
        T s{};
        for (std::size_t k = 0; k < kk; ++k)
          s += a[(i + r) * a_row + k * a_col] * b[k * n + j];
        c[(i + r) * n + j] = Accumulate ? c[(i + r) * n + j] + s : s;
      }
  }
  for (std::size_t i = m4; i < m; ++i) {
    T* row = c + i * n;
    if constexpr (!Accumulate)
      for (std::size_t j = 0; j < n; ++j)
        row[j] = T{0};
    for (std::size_t k = 0; k < kk; ++k) {
      const T s = a[i * a_row + k * a_col];
      const T* bk = b + k * n;
      for (std::size_t j = 0; j < n; ++j)
        row[j] += s * bk[j];
    }
  }
}

/// C[i][j] (+)= sum_k A[i][k] * B[j][k] for i < m, j < n, k < kk: products of rows, A is
/// [m][kk], B is [n][kk], C is [m][n] with row stride c_row.  With Accumulate false, C is
/// overwritten.
template <bool Accumulate, class T>
inline void gemm_nt(std::size_t m, std::size_t n, std::size_t kk, const T* __restrict a,
                    const T* __restrict b, T* __restrict c, std::size_t c_row) noexcept {
  constexpr std::size_t w = sizeof(vec64<T>) / sizeof(T);
  const std::size_t kv = kk - kk % w;
  auto store = [&](std::size_t i, std::size_t j, T s) {
    for (std::size_t k = kv; k < kk; ++k)
      s += a[i * kk + k] * b[j * kk + k];
    c[i * c_row + j] = Accumulate ? c[i * c_row + j] + s : s;
  };
  auto finish = [&](std::size_t i, std::size_t j, vec64<T> acc) {
    store(i, j, reduce_add<T>(acc));
  };
  // Four sums at once: three levels of shuffle-and-add instead of four chains of 15
  // dependent additions, which otherwise take most of the time of short products.
  auto finish4 = [&](std::size_t i, std::size_t j, vec64<T> s0, vec64<T> s1, vec64<T> s2,
                     vec64<T> s3) {
    if constexpr (std::is_same_v<T, float> && sizeof(vec64<T>) == 64) {
      const vec64<T> h01 =
          __builtin_shufflevector(s0, s1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
          __builtin_shufflevector(s0, s1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30,
                                  31);
      const vec64<T> h23 =
          __builtin_shufflevector(s2, s3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
          __builtin_shufflevector(s2, s3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30,
                                  31);
      const vec64<T> q = __builtin_shufflevector(h01, h23, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19,
                                                 24, 25, 26, 27) +
                         __builtin_shufflevector(h01, h23, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22,
                                                 23, 28, 29, 30, 31);
      const vec64<T> p =
          q + __builtin_shufflevector(q, q, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
      const vec64<T> r =
          p + __builtin_shufflevector(p, p, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
      store(i, j, r[0]), store(i, j + 1, r[4]), store(i, j + 2, r[8]), store(i, j + 3, r[12]);
    } else {
      finish(i, j, s0), finish(i, j + 1, s1), finish(i, j + 2, s2), finish(i, j + 3, s3);
    }
  };
  const std::size_t m2 = m - m % 2, n4 = n - n % 4;
  for (std::size_t i = 0; i < m2; i += 2) {
    for (std::size_t j = 0; j < n4; j += 4) {
      vec64<T> s00{}, s01{}, s02{}, s03{}, s10{}, s11{}, s12{}, s13{};
      for (std::size_t k = 0; k < kv; k += w) {
        const vec64<T> a0 = load64(a + i * kk + k), a1 = load64(a + (i + 1) * kk + k);
        const vec64<T> b0 = load64(b + j * kk + k), b1 = load64(b + (j + 1) * kk + k);
        const vec64<T> b2 = load64(b + (j + 2) * kk + k), b3 = load64(b + (j + 3) * kk + k);
        s00 += a0 * b0, s01 += a0 * b1, s02 += a0 * b2, s03 += a0 * b3;
        s10 += a1 * b0, s11 += a1 * b1, s12 += a1 * b2, s13 += a1 * b3;
      }
      finish4(i, j, s00, s01, s02, s03);
      finish4(i + 1, j, s10, s11, s12, s13);
    }
    for (std::size_t j = n4; j < n; ++j) {
      vec64<T> s0{}, s1{};
      for (std::size_t k = 0; k < kv; k += w) {
        const vec64<T> bj = load64(b + j * kk + k);
        s0 += load64(a + i * kk + k) * bj;
        s1 += load64(a + (i + 1) * kk + k) * bj;
      }
      finish(i, j, s0), finish(i + 1, j, s1);
    }
  }
  for (std::size_t i = m2; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      vec64<T> s{};
      for (std::size_t k = 0; k < kv; k += w)
        s += load64(a + i * kk + k) * load64(b + j * kk + k);
      finish(i, j, s);
    }
}

}  // namespace ctnn::detail
