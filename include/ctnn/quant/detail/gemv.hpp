// SPDX-License-Identifier: BSL-1.0
// The int8 product of a quantised layer: int32 sums of u7 activations times s8 weights, for
// every output channel at once, from weights packed in groups of four inputs.
#pragma once

#include <ctnn/quant/detail/int8_dot.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ctnn::quant::detail {

/// a rounded up to a multiple of b.
constexpr std::size_t round_up(std::size_t a, std::size_t b) noexcept {
  return (a + b - 1) / b * b;
}

/// Channels of a packed layer with `out` outputs.
constexpr std::size_t packed_outputs(std::size_t out) noexcept {
  return round_up(out, packed_channels);
}

/// Index of weight (o, k) of a layer with `out` outputs in its packed form, [k / 4][channel
/// padded to packed_outputs(out)][k % 4]: one step of the product reads the four weights of
/// every channel for four inputs in a row, as the targets' dot-product instructions take them.
constexpr std::size_t packed_index(std::size_t out, std::size_t o, std::size_t k) noexcept {
  return ((k / 4) * packed_outputs(out) + o) * 4 + k % 4;
}

// Tile registers of accumulators over all groups, then stored: they stay in registers.
template <std::size_t Tile>
inline void product_tile(const std::uint8_t* x, const std::int8_t* w, std::size_t groups,
                         std::size_t row_bytes, std::int32_t* acc) noexcept {
  acc_t a[Tile];
  for (std::size_t t = 0; t < Tile; ++t)
    a[t] = zero();
  for (std::size_t g = 0; g < groups; ++g) {
    std::uint32_t x4;
    std::memcpy(&x4, x + 4 * g, 4);
    const std::int8_t* wg = w + g * row_bytes;
    for (std::size_t t = 0; t < Tile; ++t)
      a[t] = dot4(a[t], wg + t * channel_block * 4, x4);
  }
  for (std::size_t t = 0; t < Tile; ++t)
    store(acc + t * channel_block, a[t]);
}

/// acc[o] = sum_k x[k] w[o][k] for o < out_pad, with `groups` groups of four inputs
/// (x: 4 x groups u7 values; w packed for out_pad = packed_outputs(out) channels).  Exact:
/// every target gives the same integers.
inline void product(const std::uint8_t* x, const std::int8_t* packed, std::size_t groups,
                    std::size_t out_pad, std::int32_t* acc) noexcept {
  // Up to four registers of channels at a time: x is read once per tile of channels.
  constexpr std::size_t max_tile = 4;
  const std::size_t row_bytes = out_pad * 4;
  for (std::size_t o = 0; o < out_pad;) {
    const std::size_t left = (out_pad - o) / channel_block;
    const std::int8_t* w = packed + o * 4;
    if (left >= max_tile) {
      product_tile<max_tile>(x, w, groups, row_bytes, acc + o);
      o += max_tile * channel_block;
    } else if (left == 3) {
      product_tile<3>(x, w, groups, row_bytes, acc + o);
      o += 3 * channel_block;
    } else if (left == 2) {
      product_tile<2>(x, w, groups, row_bytes, acc + o);
      o += 2 * channel_block;
    } else {
      product_tile<1>(x, w, groups, row_bytes, acc + o);
      o += channel_block;
    }
  }
}

// The same over positions: Tile registers of positions of one channel.
template <std::size_t Tile>
inline void positions_tile(const std::uint8_t* col, std::size_t groups, std::size_t row_bytes,
                           const std::int8_t* w, std::size_t w_stride, std::int32_t* acc) noexcept {
  acc_t a[Tile];
  for (std::size_t t = 0; t < Tile; ++t)
    a[t] = zero();
  for (std::size_t g = 0; g < groups; ++g) {
    std::uint32_t w4;
    std::memcpy(&w4, w + g * w_stride, 4);
    const std::uint8_t* cg = col + g * row_bytes;
    for (std::size_t t = 0; t < Tile; ++t)
      a[t] = dot4_lanes(a[t], cg + t * channel_block * 4, w4);
  }
  for (std::size_t t = 0; t < Tile; ++t)
    store(acc + t * channel_block, a[t]);
}

/// Index of input k of position p in a convolution's patches packed for product_positions,
/// [k / 4][position, padded to p_pad][k % 4].
constexpr std::size_t col_index(std::size_t p_pad, std::size_t p, std::size_t k) noexcept {
  return ((k / 4) * p_pad + p) * 4 + k % 4;
}

/// acc[p] = sum_k col[k][p] w[k] for p < p_pad (a multiple of packed_channels): one output
/// channel at many positions, the positions in the registers' lanes (a convolution with
/// fewer channels than positions).  col is packed by col_index; the channel's four weights
/// of group g are at w + g * w_stride (a packed layer's: w = packed + 4 o, w_stride = 4
/// packed_outputs(out)).  Exact, as product.
inline void product_positions(const std::uint8_t* col, std::size_t groups, std::size_t p_pad,
                              const std::int8_t* w, std::size_t w_stride,
                              std::int32_t* acc) noexcept {
  constexpr std::size_t max_tile = 4;
  const std::size_t row_bytes = p_pad * 4;
  for (std::size_t p = 0; p < p_pad;) {
    const std::size_t left = (p_pad - p) / channel_block;
    const std::uint8_t* c = col + p * 4;
    if (left >= max_tile) {
      positions_tile<max_tile>(c, groups, row_bytes, w, w_stride, acc + p);
      p += max_tile * channel_block;
    } else if (left == 3) {
      positions_tile<3>(c, groups, row_bytes, w, w_stride, acc + p);
      p += 3 * channel_block;
    } else if (left == 2) {
      positions_tile<2>(c, groups, row_bytes, w, w_stride, acc + p);
      p += 2 * channel_block;
    } else {
      positions_tile<1>(c, groups, row_bytes, w, w_stride, acc + p);
      p += channel_block;
    }
  }
}

/// The plain definition, on unpacked weights [out][k_pad]: what every target's product is
/// tested against.
inline void product_reference(const std::uint8_t* x, const std::int8_t* w, std::size_t k_pad,
                              std::size_t out, std::int32_t* acc) noexcept {
  for (std::size_t o = 0; o < out; ++o) {
    std::int32_t s = 0;
    for (std::size_t k = 0; k < k_pad; ++k)
      s += static_cast<std::int32_t>(x[k]) * static_cast<std::int32_t>(w[o * k_pad + k]);
    acc[o] = s;
  }
}

}  // namespace ctnn::quant::detail
