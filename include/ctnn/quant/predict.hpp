// SPDX-License-Identifier: BSL-1.0
// The int8 pass of a quantized_model: ctnn::predict and ctnn::classify from raw samples.
#pragma once

#include <ctnn/core/predict.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/quant/detail/gemv.hpp>
#include <ctnn/quant/plan.hpp>
#include <ctnn/quant/quantized_model.hpp>
#include <ctnn/quant/requantize.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

namespace ctnn {

namespace quant::detail {

// Layers before layer I that are ops: the op index of an op layer.
template <class Plan, std::size_t I>
inline constexpr std::size_t op_index = [] {
  std::size_t n = 0;
  for (std::size_t i = 0; i < I; ++i)
    n += Plan::roles[i] == layer_role::op ? 1 : 0;
  return n;
}();

// The sum s of channel o at output element `at` to the op's output: requantised to u7 and
// clamped (at the zero point after a fused relu), or, for the network's last op, a float.
template <class Net, std::size_t N>
inline void emit(quantized_model<Net> const& q, std::int32_t s, std::size_t o, std::size_t at,
                 std::uint8_t* y, float* out) noexcept {
  using P = plan<Net>;
  constexpr std::size_t c = P::channel_offsets[N];
  if constexpr (P::float_output && N + 1 == P::op_count) {
    const float v = static_cast<float>(s + q.bias[c + o]) * q.sum_scale[c + o];
    out[at] = P::op_relu[N] ? std::max(v, 0.0f) : v;
  } else {
    const std::int32_t z = q.zero_point[N + 1];
    const std::int32_t v = apply(s + q.bias[c + o], {q.multiplier[c + o], q.shift[c + o]}) + z;
    y[at] = static_cast<std::uint8_t>(std::clamp(v, P::op_relu[N] ? z : 0, activation_max));
  }
}

// Sums of output position p, one per channel, to the op's output.
template <class Net, std::size_t N>
inline void finish(quantized_model<Net> const& q, const std::int32_t* acc, std::size_t p,
                   std::uint8_t* y, float* out) noexcept {
  using P = plan<Net>;
  for (std::size_t o = 0; o < P::outputs[N]; ++o)
    emit<Net, N>(q, acc[o], o, o * P::positions[N] + p, y, out);
}

template <class Net, std::size_t N>
inline void run_dense(quantized_model<Net> const& q, quantized_workspace<Net>& ws, std::uint8_t* x,
                      std::uint8_t* y, float* out) noexcept {
  using P = plan<Net>;
  constexpr std::size_t k = P::inputs[N], kp = P::inputs_padded[N];
  std::fill(x + k, x + kp, std::uint8_t{0});  // the padding's weights are zero
  product(x, q.weights.data() + P::weight_offsets[N], kp / 4, packed_outputs(P::outputs[N]),
          ws.acc.data());
  finish<Net, N>(q, ws.acc.data(), 0, y, out);
}

template <class Net, std::size_t N, class L, class In>
inline void run_conv(quantized_model<Net> const& q, quantized_workspace<Net>& ws,
                     const std::uint8_t* x, std::uint8_t* y, float* out) noexcept {
  using P = plan<Net>;
  constexpr std::size_t C = dim_v<In, 0>, H = dim_v<In, 1>, W = dim_v<In, 2>;
  constexpr std::size_t K = L::kernel, S = L::stride_v, pad = L::pad_v;
  constexpr std::size_t Hp = H + 2 * pad, Wp = W + 2 * pad;
  using Out = typename L::template output_shape_t<In>;
  constexpr std::size_t OH = dim_v<Out, 1>, OW = dim_v<Out, 2>;
  constexpr std::size_t k = P::inputs[N], kp = P::inputs_padded[N];
  const std::uint8_t* image = x;
  std::uint8_t* patch = ws.conv.data() + round_up(C * Hp * Wp, 64);
  if constexpr (pad > 0) {
    // The padding holds the input's zero point: the quantised real zero.
    std::uint8_t* padded = ws.conv.data();
    std::fill_n(padded, C * Hp * Wp, static_cast<std::uint8_t>(q.zero_point[N]));
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        std::memcpy(padded + (c * Hp + h + pad) * Wp + pad, x + (c * H + h) * W, W);
    image = padded;
  }
  const std::int8_t* w = q.weights.data() + P::weight_offsets[N];
  constexpr std::size_t out_pad = packed_outputs(P::outputs[N]);
  if constexpr (P::by_positions[N]) {
    // Every position's patch, packed by col_index: for each group of four inputs, a row of
    // four-byte words, one per position, each word put together from the four taps' rows of
    // the image (a loop the compiler vectorises; a byte at a time cost more than the
    // products).  Padding inputs and positions are 0.
    constexpr std::size_t positions = OH * OW, p_pad = P::padded_positions(positions);
    constexpr auto tap = [] {
      std::array<std::size_t, kp> t{};
      for (std::size_t c = 0; c < C; ++c)
        for (std::size_t kh = 0; kh < K; ++kh)
          for (std::size_t kw = 0; kw < K; ++kw)
            t[(c * K + kh) * K + kw] = (c * Hp + kh) * Wp + kw;
      return t;
    }();
    std::uint8_t* col = patch;
    // A zero byte for the padding inputs to read.
    std::uint8_t* zeros = col + kp * p_pad;
    std::fill_n(zeros, S * OW, std::uint8_t{0});
    for (std::size_t g = 0; g < kp / 4; ++g) {
      std::uint8_t* to = col + col_index(p_pad, 0, 4 * g);
      for (std::size_t oh = 0; oh < OH; ++oh) {
        const std::uint8_t* f[4];
        for (std::size_t i = 0; i < 4; ++i)
          f[i] = 4 * g + i < k ? image + oh * S * Wp + tap[4 * g + i] : zeros;
        for (std::size_t ow = 0; ow < OW; ++ow) {
          const std::uint32_t v = static_cast<std::uint32_t>(f[0][ow * S]) |
                                  static_cast<std::uint32_t>(f[1][ow * S]) << 8 |
                                  static_cast<std::uint32_t>(f[2][ow * S]) << 16 |
                                  static_cast<std::uint32_t>(f[3][ow * S]) << 24;
          std::memcpy(to + 4 * (oh * OW + ow), &v, 4);
        }
      }
      if constexpr (p_pad != positions)
        std::fill(to + 4 * positions, to + 4 * p_pad, std::uint8_t{0});
    }
    for (std::size_t o = 0; o < P::outputs[N]; ++o) {
      product_positions(col, kp / 4, p_pad, w + 4 * o, 4 * out_pad, ws.acc.data());
      for (std::size_t p = 0; p < positions; ++p)
        emit<Net, N>(q, ws.acc[p], o, o * positions + p, y, out);
    }
  } else {
    std::fill(patch + k, patch + kp, std::uint8_t{0});
    for (std::size_t oh = 0; oh < OH; ++oh)
      for (std::size_t ow = 0; ow < OW; ++ow) {
        // The patch in the weights' order, (c, kh, kw).
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t kh = 0; kh < K; ++kh)
            std::memcpy(patch + (c * K + kh) * K, image + (c * Hp + oh * S + kh) * Wp + ow * S, K);
        product(patch, w, kp / 4, out_pad, ws.acc.data());
        finish<Net, N>(q, ws.acc.data(), oh * OW + ow, y, out);
      }
  }
}

template <class L, class In>
inline void run_max_pool(const std::uint8_t* x, std::uint8_t* y) noexcept {
  L::template for_each_window<In>([&](std::size_t o, std::size_t base) {
    std::uint8_t m = x[base];
    for (std::size_t kh = 0; kh < L::window_size; ++kh)
      for (std::size_t kw = 0; kw < L::window_size; ++kw)
        m = std::max(m, x[base + L::template at<In>(kh, kw)]);
    y[o] = m;
  });
}

template <class Net, std::size_t I>
inline void run_layer(quantized_model<Net> const& q, quantized_workspace<Net>& ws,
                      std::uint8_t*& cur, std::uint8_t*& other, float* out) noexcept {
  using P = plan<Net>;
  using L = typename Net::template layer_t<I>;
  using In = typename Net::template layer_input_t<I>;
  constexpr layer_role role = P::roles[I];
  if constexpr (role == layer_role::op) {
    constexpr std::size_t N = op_index<P, I>;
    if constexpr (P::kinds[I] == layer_kind::conv)
      run_conv<Net, N, L, In>(q, ws, cur, other, out);
    else
      run_dense<Net, N>(q, ws, cur, other, out);
    std::swap(cur, other);
  } else if constexpr (role == layer_role::max_pool) {
    run_max_pool<L, In>(cur, other);
    std::swap(cur, other);
  } else if constexpr (role == layer_role::relu) {
    const auto z = static_cast<std::uint8_t>(q.zero_point[op_index<P, I>]);
    for (std::size_t i = 0; i < size_v<In>; ++i)
      cur[i] = std::max(cur[i], z);
  }
  // fold_back, fold_forward, fused_relu and pass: nothing left to do.
}

}  // namespace quant::detail

/// One raw sample through q: normalised and quantised to u7, the int8 pass, and the output as
/// floats (the last op's sums times their scale, or the last tensor dequantised).  Allocates
/// nothing; ws is the only memory written besides out.
template <class Net>
void predict(quantized_model<Net> const& q, quantized_workspace<Net>& ws, const float* raw,
             float* out) noexcept {
  using P = quant::plan<Net>;
  using In = typename Net::input_shape;
  using N = ctnn::normalization<In, float>;
  std::uint8_t* cur = ws.a.data();
  std::uint8_t* other = ws.b.data();
  const float s0 = q.scale[0];
  const std::int32_t z0 = q.zero_point[0];
  for (std::size_t g = 0; g < N::groups; ++g) {
    const float mean = q.normalization.mean[g];
    const float inv = 1.0f / (q.normalization.stddev[g] * s0);
    for (std::size_t i = g * N::group_size; i < (g + 1) * N::group_size; ++i) {
      const auto v = static_cast<std::int32_t>(std::floor((raw[i] - mean) * inv + 0.5f)) + z0;
      cur[i] = static_cast<std::uint8_t>(std::clamp(v, 0, quant::detail::activation_max));
    }
  }
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (quant::detail::run_layer<Net, I>(q, ws, cur, other, out), ...);
  }
  (std::make_index_sequence<P::layers>{});
  if constexpr (!P::float_output) {
    const float s = q.scale[P::op_count];
    const std::int32_t z = q.zero_point[P::op_count];
    for (std::size_t i = 0; i < size_v<typename Net::output_shape>; ++i)
      out[i] = s * static_cast<float>(static_cast<std::int32_t>(cur[i]) - z);
  }
}

/// n raw samples ([n][input size]) to n outputs ([n][output size]), one after another in ws.
template <class Net>
void predict(quantized_model<Net> const& q, quantized_workspace<Net>& ws, const float* raw,
             std::size_t n, float* out) noexcept {
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  constexpr std::size_t on = size_v<typename Net::output_shape>;
  for (std::size_t s = 0; s < n; ++s)
    predict(q, ws, raw + s * in, out + s * on);
}

/// The outputs of q for one raw sample, in a workspace on the stack: no heap allocation.
template <class Net>
std::array<float, size_v<typename Net::output_shape>>
predict(quantized_model<Net> const& q,
        std::span<const float, size_v<typename Net::input_shape>> raw) noexcept {
  quantized_workspace<Net> ws;
  std::array<float, size_v<typename Net::output_shape>> out;
  predict(q, ws, raw.data(), out.data());
  return out;
}

/// The class of one raw sample (largest output) and its softmax probability.
template <class Net>
classification<float> classify(quantized_model<Net> const& q,
                               std::span<const float, size_v<typename Net::input_shape>> raw) {
  const auto y = predict(q, raw);
  return top_class(std::span<const float>(y));
}

}  // namespace ctnn
