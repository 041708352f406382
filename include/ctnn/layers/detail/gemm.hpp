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

/// Operands of C (+)= A B: A(i, k) = a[i * a_row + k * a_col] (so A may be stored transposed),
/// B is row-major with row stride ldb, C row-major with row stride ldc.
template <class T>
struct nn_operands {
  const T* __restrict a;
  std::size_t a_row, a_col;
  const T* __restrict b;
  std::size_t ldb;
  T* __restrict c;
  std::size_t ldc;
};

// One register block: Rows rows of C by Vectors vectors of columns, the last of which holds
// `last` lanes (a masked load and store: as cheap as a plain one with AVX-512, so one
// instantiation serves full and short strips, which keeps compile time down).
template <std::size_t Rows, std::size_t Vectors, bool Accumulate, class T>
inline void gemm_nn_block(nn_operands<T> const& o, std::size_t i, std::size_t j, std::size_t kk,
                          std::size_t last) noexcept {
  constexpr std::size_t w = lanes_v<T>;
  // Fully unrolled, so that every accumulator is a register: GCC keeps a copy in memory of an
  // array it cannot scalarise, and stores to it at every step.
  vec64<T> acc[Rows * Vectors] = {};
  const T* ai = o.a + i * o.a_row;
  const T* bj = o.b + j;
  for (std::size_t k = 0; k < kk; ++k) {
    vec64<T> bv[Vectors];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vectors; ++v)
      bv[v] = v + 1 == Vectors ? load_partial(bj + v * w, last) : load64(bj + v * w);
#pragma GCC unroll 24
    for (std::size_t r = 0; r < Rows; ++r) {
      const T s = ai[r * o.a_row];
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vectors; ++v)
        acc[r * Vectors + v] += s * bv[v];
    }
    ai += o.a_col;
    bj += o.ldb;
  }
#pragma GCC unroll 24
  for (std::size_t r = 0; r < Rows; ++r) {
    T* out = o.c + (i + r) * o.ldc + j;
#pragma GCC unroll 4
    for (std::size_t v = 0; v + 1 < Vectors; ++v)
      store64(out + v * w,
              Accumulate ? acc[r * Vectors + v] + load64(out + v * w) : acc[r * Vectors + v]);
    const vec64<T> tail = acc[r * Vectors + Vectors - 1];
    T* to = out + (Vectors - 1) * w;
    store_partial(to, Accumulate ? tail + load_partial(to, last) : tail, last);
  }
}

// All rows of one strip of Vectors column vectors: blocks of as many rows as keep about 24
// accumulators in registers, then the rest in blocks of 4, 2 and 1.
template <std::size_t Vectors, bool Accumulate, class T>
inline void gemm_nn_strip(nn_operands<T> const& o, std::size_t m, std::size_t j, std::size_t kk,
                          std::size_t last) noexcept {
  constexpr std::size_t rows = Vectors == 1 ? 12 : 24 / Vectors;
  std::size_t i = 0;
  for (const std::size_t end = m - m % rows; i < end; i += rows)
    gemm_nn_block<rows, Vectors, Accumulate>(o, i, j, kk, last);
  if constexpr (rows > 4)
    for (const std::size_t end = m - (m - i) % 4; i < end; i += 4)
      gemm_nn_block<4, Vectors, Accumulate>(o, i, j, kk, last);
  if (m - i >= 2) {
    gemm_nn_block<2, Vectors, Accumulate>(o, i, j, kk, last);
    i += 2;
  }
  if (m - i == 1)
    gemm_nn_block<1, Vectors, Accumulate>(o, i, j, kk, last);
}

/// C[i][j] (+)= sum_k A(i, k) * B[k][j] for i < m, j < n, k < kk.  With Accumulate false, C
/// is overwritten.
template <bool Accumulate, class T>
inline void gemm_nn(std::size_t m, std::size_t n, std::size_t kk,
                    nn_operands<T> const& o) noexcept {
  constexpr std::size_t w = lanes_v<T>, strip = 4 * w;
  // Column strips outermost: a strip of B (kk x 64 values) stays in cache while every row
  // block of A passes over it.
  std::size_t j = 0;
  for (const std::size_t end = n - n % strip; j < end; j += strip)
    gemm_nn_strip<4, Accumulate>(o, m, j, kk, w);
  // The rest: 1-4 vectors, the last of them possibly short.
  const std::size_t rest = n - j, last = rest % w == 0 ? w : rest % w;
  switch ((rest + w - 1) / w) {
  case 0:
    break;
  case 1:
    gemm_nn_strip<1, Accumulate>(o, m, j, kk, last);
    break;
  case 2:
    gemm_nn_strip<2, Accumulate>(o, m, j, kk, last);
    break;
  case 3:
    gemm_nn_strip<3, Accumulate>(o, m, j, kk, last);
    break;
  default:
    gemm_nn_strip<4, Accumulate>(o, m, j, kk, last);
    break;
  }
}

/// C[i][j] (+)= sum_k A[i][k] * B[j][k] for i < m, j < n, k < kk: products of rows, A is
/// [m][kk] with row stride lda, B is [n][kk] with row stride ldb, C is [m][n] with row
/// stride ldc.  With Accumulate false, C is overwritten.
template <bool Accumulate, class T>
inline void gemm_nt(std::size_t m, std::size_t n, std::size_t kk, const T* __restrict a,
                    std::size_t lda, const T* __restrict b, std::size_t ldb, T* __restrict c,
                    std::size_t ldc) noexcept {
  constexpr std::size_t w = lanes_v<T>;
  const std::size_t kv = kk - kk % w;
  auto store = [&](std::size_t i, std::size_t j, T s) {
    for (std::size_t k = kv; k < kk; ++k)
      s += a[i * lda + k] * b[j * ldb + k];
    c[i * ldc + j] = Accumulate ? c[i * ldc + j] + s : s;
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
        const vec64<T> a0 = load64(a + i * lda + k), a1 = load64(a + (i + 1) * lda + k);
        const vec64<T> b0 = load64(b + j * ldb + k), b1 = load64(b + (j + 1) * ldb + k);
        const vec64<T> b2 = load64(b + (j + 2) * ldb + k), b3 = load64(b + (j + 3) * ldb + k);
        s00 += a0 * b0, s01 += a0 * b1, s02 += a0 * b2, s03 += a0 * b3;
        s10 += a1 * b0, s11 += a1 * b1, s12 += a1 * b2, s13 += a1 * b3;
      }
      finish4(i, j, s00, s01, s02, s03);
      finish4(i + 1, j, s10, s11, s12, s13);
    }
    for (std::size_t j = n4; j < n; ++j) {
      vec64<T> s0{}, s1{};
      for (std::size_t k = 0; k < kv; k += w) {
        const vec64<T> bj = load64(b + j * ldb + k);
        s0 += load64(a + i * lda + k) * bj;
        s1 += load64(a + (i + 1) * lda + k) * bj;
      }
      finish(i, j, s0), finish(i + 1, j, s1);
    }
  }
  for (std::size_t i = m2; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      vec64<T> s{};
      for (std::size_t k = 0; k < kv; k += w)
        s += load64(a + i * lda + k) * load64(b + j * ldb + k);
      finish(i, j, s);
    }
}

}  // namespace ctnn::detail
