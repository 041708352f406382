// SPDX-License-Identifier: BSL-1.0
// Small dense matrix products with register blocking, the inner loops of conv2d and dense.
#pragma once

#include <ctnn/layers/detail/scalar_kernels.hpp>
#include <ctnn/layers/detail/simd.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::detail {

// Every product here has contiguous rows.  Register blocks keep several output vectors in
// registers across the whole reduction, so each loaded value feeds several multiply-adds:
// that, not the multiply-adds, is what limits naive loops at these sizes.

/// Operands of C (+)= A B: A(i, k) = a[i * a_row + k * a_col], B is row-major with row stride
/// ldb, C row-major with row stride ldc.  A is row-major (a_col = 1) or, for a product with
/// TransposedA, column-major (a_row = 1): the kernels know which at compile time.
template <class T>
struct nn_operands {
  const T* __restrict a;
  std::size_t a_row, a_col;
  const T* __restrict b;
  std::size_t ldb;
  T* __restrict c;
  std::size_t ldc;
};

// One register tile: Rows rows of C by Vectors target vectors of columns.  With Short, the
// last vector holds `last` lanes, moved by the target's masked loads and stores; where those
// are free (AVX-512: the mask lives in a mask register) every strip takes that one
// instantiation, which keeps compile time down.  simd::tile_rows sizes Rows so that the tile,
// a row of B, an element of A (and a mask) fit the register file: scripts/check-spills.py
// checks that the inner loop touches no stack.
template <std::size_t Rows, std::size_t Vectors, bool Accumulate, bool TransposedA, bool Short,
          class T>
inline void gemm_nn_block(nn_operands<T> const& o, std::size_t i, std::size_t j, std::size_t kk,
                          std::size_t last) noexcept {
  using v_t = simd::vec<T>;
  constexpr std::size_t w = simd::lanes<T>;
  // Fully unrolled, so that every accumulator is a register: GCC keeps a copy in memory of an
  // array it cannot scalarise, and stores to it at every step.
  v_t acc[Rows * Vectors] = {};
  // A row-major A is read through one pointer per group of rows: row g * G + q is at
  // base[g] + q * a_row, an address the target forms from one base and one scaled index
  // register (x86 scales by up to 8 bytes, so G = 3 for float; AArch64 by the element size,
  // G = 2).  One pointer per row takes more general registers than x86 has, and the loop then
  // reloads them from the stack.  A column-major A has each step's elements side by side.
  constexpr std::size_t group = TransposedA ? Rows : simd::row_group<T>;
  constexpr std::size_t groups = (Rows + group - 1) / group;
  const std::size_t a_row = TransposedA ? 1 : o.a_row, a_step = TransposedA ? o.a_col : 1;
  const T* base[groups];
#pragma GCC unroll 12
  for (std::size_t g = 0; g < groups; ++g)
    base[g] = o.a + (i + g * group) * a_row;
  const std::size_t ldb = o.ldb;
  const T* bj = o.b + j;
  for (std::size_t k = 0; k < kk; ++k) {
    v_t bv[Vectors];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vectors; ++v)
      bv[v] =
          Short && v + 1 == Vectors ? simd::load_partial(bj + v * w, last) : simd::load(bj + v * w);
#pragma GCC unroll 12
    for (std::size_t r = 0; r < Rows; ++r) {
      const v_t s = simd::broadcast(base[r / group][(r % group) * a_row]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vectors; ++v)
        acc[r * Vectors + v] = simd::madd<T>(s, bv[v], acc[r * Vectors + v]);
    }
#pragma GCC unroll 12
    for (std::size_t g = 0; g < groups; ++g)
      base[g] += a_step;
    bj += ldb;
  }
#pragma GCC unroll 12
  for (std::size_t r = 0; r < Rows; ++r) {
    T* out = o.c + (i + r) * o.ldc + j;
#pragma GCC unroll 4
    for (std::size_t v = 0; v + 1 < Vectors; ++v)
      simd::store(out + v * w, Accumulate ? acc[r * Vectors + v] + simd::load(out + v * w)
                                          : acc[r * Vectors + v]);
    const v_t tail = acc[r * Vectors + Vectors - 1];
    T* to = out + (Vectors - 1) * w;
    if constexpr (Short)
      simd::store_partial(to, Accumulate ? tail + simd::load_partial(to, last) : tail, last);
    else
      simd::store(to, Accumulate ? tail + simd::load(to) : tail);
  }
}

// All rows of one strip of Vectors column vectors: tiles of the target's rows for that width,
// then the rest in tiles of 4, 2 and 1 rows.
template <std::size_t Vectors, bool Accumulate, bool TransposedA, bool Short, class T>
inline void gemm_nn_strip(nn_operands<T> const& o, std::size_t m, std::size_t j, std::size_t kk,
                          std::size_t last) noexcept {
  constexpr std::size_t rows = simd::tile_rows(Vectors, Short);
  std::size_t i = 0;
  for (const std::size_t end = m - m % rows; i < end; i += rows)
    gemm_nn_block<rows, Vectors, Accumulate, TransposedA, Short>(o, i, j, kk, last);
  if constexpr (rows > 4)
    for (const std::size_t end = m - (m - i) % 4; i < end; i += 4)
      gemm_nn_block<4, Vectors, Accumulate, TransposedA, Short>(o, i, j, kk, last);
  if constexpr (rows > 2)
    if (m - i >= 2) {
      gemm_nn_block<2, Vectors, Accumulate, TransposedA, Short>(o, i, j, kk, last);
      i += 2;
    }
  if constexpr (rows > 1)
    if (m - i == 1)
      gemm_nn_block<1, Vectors, Accumulate, TransposedA, Short>(o, i, j, kk, last);
}

/// C[i][j] (+)= sum_k A(i, k) * B[k][j] for i < m, j < n, k < kk.  With Accumulate false, C
/// is overwritten.  A is row-major (o.a_col == 1), or column-major (o.a_row == 1) with
/// TransposedA.
template <bool Accumulate, bool TransposedA = false, class T>
constexpr void gemm_nn(std::size_t m, std::size_t n, std::size_t kk,
                       nn_operands<T> const& o) noexcept {
  if (std::is_constant_evaluated())
    return scalar::gemm_nn<Accumulate, T>(m, n, kk, o);
  constexpr std::size_t w = simd::lanes<T>, widest = simd::strip_vectors, strip = widest * w;
  // Column strips outermost: a strip of B (kk rows of a few vectors) stays in cache while
  // every row tile of A passes over it.
  std::size_t j = 0;
  constexpr bool one_kind = simd::free_masks;
  for (const std::size_t end = n - n % strip; j < end; j += strip)
    gemm_nn_strip<widest, Accumulate, TransposedA, one_kind>(o, m, j, kk, w);
  // The rest: up to `widest` vectors, the last of them possibly short.
  const std::size_t rest = n - j, last = rest % w == 0 ? w : rest % w;
  const std::size_t vectors = (rest + w - 1) / w;
  [&]<std::size_t... V>(std::index_sequence<V...>) {
    ((vectors == V + 1
          ? (one_kind || last < w
                 ? gemm_nn_strip<V + 1, Accumulate, TransposedA, true>(o, m, j, kk, last)
                 : gemm_nn_strip<V + 1, Accumulate, TransposedA, one_kind>(o, m, j, kk, w))
          : void()),
     ...);
  }
  (std::make_index_sequence<widest>{});
}

/// The Rows x Cols dot products of rows a, a + lda, ... with rows b, b + ldb, ... over their
/// kk elements, row-major; the last, short vector is a masked (or lane) load.  Tiles of more
/// than one row run as functions of their own (dot_tile_apart), so that the register
/// allocator sees only their loop: inlined into gemm_nt's loops, the 2 x 4 tile ran out of
/// general registers and reloaded row pointers from the stack.  (The
/// scalar tail it replaces was contracted into multiply-adds or not depending on where GCC
/// inlined it, so two calls with the same numbers could round differently.)
template <std::size_t Rows, std::size_t Cols, class T>
inline std::array<T, Rows * Cols> dot_tile(const T* __restrict a, std::size_t lda,
                                           const T* __restrict b, std::size_t ldb,
                                           std::size_t kk) noexcept {
  using v_t = simd::vec<T>;
  constexpr std::size_t w = simd::lanes<T>;
  const T* ar[Rows];
  const T* br[Cols];
  for (std::size_t r = 0; r < Rows; ++r)
    ar[r] = a + r * lda;
  for (std::size_t c = 0; c < Cols; ++c)
    br[c] = b + c * ldb;
  v_t acc[Rows * Cols] = {};
  const std::size_t kv = kk - kk % w;
  for (std::size_t k = 0; k < kv; k += w) {
    v_t x[Rows], y[Cols];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < Rows; ++r)
      x[r] = simd::load(ar[r] + k);
#pragma GCC unroll 4
    for (std::size_t c = 0; c < Cols; ++c)
      y[c] = simd::load(br[c] + k);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < Rows * Cols; ++r)
      acc[r] = simd::madd<T>(x[r / Cols], y[r % Cols], acc[r]);
  }
  if (const std::size_t rest = kk - kv; rest != 0) {
    // Unrolled like the loop above: an accumulator indexed by a variable would be kept in
    // memory, and stored at every step of that loop too.
    v_t x[Rows], y[Cols];
#pragma GCC unroll 4
    for (std::size_t r = 0; r < Rows; ++r)
      x[r] = simd::load_partial(ar[r] + kv, rest);
#pragma GCC unroll 4
    for (std::size_t c = 0; c < Cols; ++c)
      y[c] = simd::load_partial(br[c] + kv, rest);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < Rows * Cols; ++r)
      acc[r] = simd::madd<T>(x[r / Cols], y[r % Cols], acc[r]);
  }
  std::array<T, Rows * Cols> out{};
  if constexpr (Cols == 4) {
#pragma GCC unroll 4
    for (std::size_t r = 0; r < Rows; ++r) {
      const std::array<T, 4> q =
          simd::reduce_add4<T>(acc[r * 4], acc[r * 4 + 1], acc[r * 4 + 2], acc[r * 4 + 3]);
      for (std::size_t c = 0; c < 4; ++c)
        out[r * 4 + c] = q[c];
    }
  } else {
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows * Cols; ++r)
      out[r] = simd::reduce_add<T>(acc[r]);
  }
  return out;
}

/// The largest dot tile in a function of its own (see dot_tile); the one-row tiles stay
/// inline, where a call would cost more than a short product (batch-1 dense layers).
template <std::size_t Rows, std::size_t Cols, class T>
[[gnu::noinline]] std::array<T, Rows * Cols> dot_tile_apart(const T* __restrict a, std::size_t lda,
                                                            const T* __restrict b, std::size_t ldb,
                                                            std::size_t kk) noexcept {
  return dot_tile<Rows, Cols>(a, lda, b, ldb, kk);
}

/// C[i][j] (+)= sum_k A[i][k] * B[j][k] for i < m, j < n, k < kk: products of rows, A is
/// [m][kk] with row stride lda, B is [n][kk] with row stride ldb, C is [m][n] with row
/// stride ldc.  With Accumulate false, C is overwritten.
template <bool Accumulate, class T>
constexpr void gemm_nt(std::size_t m, std::size_t n, std::size_t kk, const T* __restrict a,
                       std::size_t lda, const T* __restrict b, std::size_t ldb, T* __restrict c,
                       std::size_t ldc) noexcept {
  if (std::is_constant_evaluated())
    return scalar::gemm_nt<Accumulate>(m, n, kk, a, lda, b, ldb, c, ldc);
  // Tiles of dot_rows x 4 products (four sums reduced at once), then the rest of the columns
  // and rows.
  auto put = [&]<std::size_t Rows, std::size_t Cols>(std::size_t i, std::size_t j) {
    std::array<T, Rows * Cols> r;
    if constexpr (Rows > 1)
      r = dot_tile_apart<Rows, Cols>(a + i * lda, lda, b + j * ldb, ldb, kk);
    else
      r = dot_tile<Rows, Cols>(a + i * lda, lda, b + j * ldb, ldb, kk);
    for (std::size_t p = 0; p < Rows; ++p)
      for (std::size_t q = 0; q < Cols; ++q) {
        T& to = c[(i + p) * ldc + j + q];
        to = Accumulate ? to + r[p * Cols + q] : r[p * Cols + q];
      }
  };
  constexpr std::size_t rows = simd::dot_rows;
  const std::size_t mr = m - m % rows;
  // Columns in blocks whose rows of B stay in L1 (about a third of it) while every row of A
  // passes by: without the blocks each pair of rows of A streams all of B from L2 again.
  std::size_t block = simd::l1_bytes / 3 / (kk * sizeof(T) + 1);
  block = block < 4 ? 4 : block - block % 4;
  for (std::size_t j0 = 0; j0 < n; j0 += block) {
    const std::size_t j1 = j0 + block < n ? j0 + block : n;
    const std::size_t j4 = j1 - (j1 - j0) % 4;
    for (std::size_t i = 0; i < mr; i += rows) {
      for (std::size_t j = j0; j < j4; j += 4)
        put.template operator()<rows, 4>(i, j);
      for (std::size_t j = j4; j < j1; ++j)
        put.template operator()<rows, 1>(i, j);
    }
    for (std::size_t i = mr; i < m; ++i) {
      for (std::size_t j = j0; j < j4; j += 4)
        put.template operator()<1, 4>(i, j);
      for (std::size_t j = j4; j < j1; ++j)
        put.template operator()<1, 1>(i, j);
    }
  }
}

/// bt[k][j] = b[j][k] for j < n, k < kk: B [n][kk] (row stride ldb) transposed into [kk][n].
/// Blocks of 16 x 16, so that the rows written and read stay in cache (2x faster than 8 x 8).
/// A function of its own: inlined into a caller's loops (gemm_nt_packed beside gemm_nn's
/// tiles), GCC kept this loop's counters on the stack and it ran 5x slower (AVX2 build).
template <class T>
[[gnu::noinline]] void transpose_into(std::size_t n, std::size_t kk, const T* __restrict b,
                                      std::size_t ldb, T* __restrict bt) noexcept {
  constexpr std::size_t block = 16;
  for (std::size_t j0 = 0; j0 < n; j0 += block) {
    const std::size_t jn = j0 + block < n ? block : n - j0;
    for (std::size_t k0 = 0; k0 < kk; k0 += block) {
      const std::size_t kn = k0 + block < kk ? block : kk - k0;
      const T* from = b + j0 * ldb + k0;
      T* to = bt + k0 * n + j0;
      for (std::size_t k = 0; k < kn; ++k)
        for (std::size_t j = 0; j < jn; ++j)
          to[k * n + j] = from[j * ldb + k];
    }
  }
}

/// Rows of A from which gemm_nt_packed beats gemm_nt: the dot products reduce every output's
/// vector of partial sums across lanes, which short rows (a dense layer's inputs: 64 to 400)
/// do not amortise, while the transpose costs about one pass over B whatever m is.
/// Measured with benchmarks/kernels (gemm_nt against gemm_nt_packed at dense layers' shapes,
/// Zen 5): with AVX-512 from 16 rows on (1.1-2.2x); with AVX2 from 64 (1.2x at 64 rows, 1.6-1.8x
/// at 128; at 16-32 the dot products are 1.2x faster); with SSE2 the dot products run at
/// 80-93 % of the peak and stay faster at every size.  Other targets are unmeasured (no
/// packing).
inline constexpr std::size_t nt_pack_rows = simd::target == simd::isa::avx512 ? 16
                                            : simd::target == simd::isa::avx2
                                                ? 64
                                                : static_cast<std::size_t>(-1);

/// What gemm_nt computes, by gemm_nn's register tiles on B transposed into `packed` (kk * n
/// elements; C row stride ldc).  The sums run in another order than gemm_nt's (one chain per
/// output instead of lanes reduced at the end), so the two agree to rounding.
template <bool Accumulate, class T>
inline void gemm_nt_packed(std::size_t m, std::size_t n, std::size_t kk, const T* __restrict a,
                           std::size_t lda, const T* __restrict b, std::size_t ldb, T* __restrict c,
                           std::size_t ldc, T* __restrict packed) noexcept {
  transpose_into(n, kk, b, ldb, packed);
  gemm_nn<Accumulate>(m, n, kk, nn_operands<T>{a, lda, 1, packed, n, c, ldc});
}

}  // namespace ctnn::detail
