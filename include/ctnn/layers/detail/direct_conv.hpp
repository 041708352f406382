// SPDX-License-Identifier: BSL-1.0
// Direct convolution of one sample: the product of the filters with the input's taps read in
// place, without an im2col matrix (conv2d's batch-1 inference path).
#pragma once

#include <ctnn/layers/detail/simd.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace ctnn::detail {

// The input is read in its padded (and, for a stride, phase-split) layout, where the inputs a
// kernel tap sees from consecutive output positions of one output row are consecutive.  Taken
// with the padded row width, the whole output plane is then one row of "wide" positions
// p = oh * row + ow, and tap k of position p is at src[taps[k] + p]: a matrix B of patch rows
// whose row k starts at taps[k], read in place.  Positions with ow >= the output width are
// computed and dropped (a few more multiply-adds instead of an im2col copy of every tap).
// Every output sums its taps in the order im2col's product does, so the two paths give the
// same numbers.

/// Operands of C = W B: W is [m][patch] row-major (the filters), row k of B is src + taps[k],
/// C is row-major with row stride ldc.
template <class T>
struct direct_operands {
  const T* __restrict w;
  std::size_t patch;
  const T* __restrict src;
  const std::uint32_t* __restrict taps;
  T* __restrict c;
  std::size_t ldc;
};

// One register tile of Rows filters by Vectors vectors of positions, the counterpart of
// gemm_nn_block (same register budget, simd::tile_rows; same row-group addressing of W).
template <std::size_t Rows, std::size_t Vectors, bool Short, class T>
inline void direct_conv_block(direct_operands<T> const& o, std::size_t i, std::size_t j,
                              std::size_t last) noexcept {
  using v_t = simd::vec<T>;
  constexpr std::size_t w = simd::lanes<T>;
  v_t acc[Rows * Vectors] = {};
  constexpr std::size_t group = simd::row_group<T>;
  constexpr std::size_t groups = (Rows + group - 1) / group;
  const std::size_t patch = o.patch;
  const T* base[groups];
#pragma GCC unroll 12
  for (std::size_t g = 0; g < groups; ++g)
    base[g] = o.w + (i + g * group) * patch;
  const T* src = o.src + j;
  const std::uint32_t* tap = o.taps;
  for (const std::uint32_t* end = tap + patch; tap != end; ++tap) {
    const T* bj = src + *tap;
    v_t bv[Vectors];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < Vectors; ++v)
      bv[v] =
          Short && v + 1 == Vectors ? simd::load_partial(bj + v * w, last) : simd::load(bj + v * w);
#pragma GCC unroll 12
    for (std::size_t r = 0; r < Rows; ++r) {
      const v_t s = simd::broadcast(base[r / group][(r % group) * patch]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < Vectors; ++v)
        acc[r * Vectors + v] = simd::madd<T>(s, bv[v], acc[r * Vectors + v]);
    }
#pragma GCC unroll 12
    for (std::size_t g = 0; g < groups; ++g)
      ++base[g];
  }
#pragma GCC unroll 12
  for (std::size_t r = 0; r < Rows; ++r) {
    T* out = o.c + (i + r) * o.ldc + j;
#pragma GCC unroll 4
    for (std::size_t v = 0; v + 1 < Vectors; ++v)
      simd::store(out + v * w, acc[r * Vectors + v]);
    if constexpr (Short)
      simd::store_partial(out + (Vectors - 1) * w, acc[r * Vectors + Vectors - 1], last);
    else
      simd::store(out + (Vectors - 1) * w, acc[r * Vectors + Vectors - 1]);
  }
}

// All filters for one strip of Vectors vectors of positions: the target's rows, then 4, 2, 1.
template <std::size_t Vectors, bool Short, class T>
inline void direct_conv_strip(direct_operands<T> const& o, std::size_t m, std::size_t j,
                              std::size_t last) noexcept {
  constexpr std::size_t rows = simd::tile_rows(Vectors, Short);
  std::size_t i = 0;
  for (const std::size_t end = m - m % rows; i < end; i += rows)
    direct_conv_block<rows, Vectors, Short>(o, i, j, last);
  if constexpr (rows > 4)
    for (const std::size_t end = m - (m - i) % 4; i < end; i += 4)
      direct_conv_block<4, Vectors, Short>(o, i, j, last);
  if constexpr (rows > 2)
    if (m - i >= 2) {
      direct_conv_block<2, Vectors, Short>(o, i, j, last);
      i += 2;
    }
  if constexpr (rows > 1)
    if (m - i == 1)
      direct_conv_block<1, Vectors, Short>(o, i, j, last);
}

/// C[i][p] = sum_k W[i][k] * src[taps[k] + p] for i < m filters and p < n positions, k < patch.
template <class T>
inline void direct_conv(std::size_t m, std::size_t n, direct_operands<T> const& o) noexcept {
  constexpr std::size_t w = simd::lanes<T>, widest = simd::strip_vectors, strip = widest * w;
  constexpr bool one_kind = simd::free_masks;
  std::size_t j = 0;
  for (const std::size_t end = n - n % strip; j < end; j += strip)
    direct_conv_strip<widest, one_kind>(o, m, j, w);
  const std::size_t rest = n - j, last = rest % w == 0 ? w : rest % w;
  const std::size_t vectors = (rest + w - 1) / w;
  [&]<std::size_t... V>(std::index_sequence<V...>) {
    ((vectors == V + 1 ? (one_kind || last < w ? direct_conv_strip<V + 1, true>(o, m, j, last)
                                               : direct_conv_strip<V + 1, one_kind>(o, m, j, w))
                       : void()),
     ...);
  }
  (std::make_index_sequence<widest>{});
}

}  // namespace ctnn::detail
