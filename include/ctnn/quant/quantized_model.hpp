// SPDX-License-Identifier: BSL-1.0
// ctnn::quantized_model: a trained model's int8 form, and the fixed memory its pass runs in.
#pragma once

#include <ctnn/core/network.hpp>
#include <ctnn/core/normalization.hpp>
#include <ctnn/quant/plan.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctnn {

/// Net in int8, made by ctnn::quantize from a trained model<Net>.  Per op (conv2d or dense,
/// with a neighbouring batch_norm folded in): weights symmetric per output channel, s8 in
/// [-127, 127], packed for the products (quant/detail/gemv.hpp); an int32 bias in the
/// product's scale with the input's zero point folded in; and the fixed-point multiplier from
/// the product's scale to the output's.  Activations are u7 (0..127) with a scale and zero
/// point per tensor, calibrated on a sample of inputs.  Plain arrays, no pointers: it can be a
/// constexpr object (quant/export_header.hpp writes one).
template <network_type Net>
struct quantized_model {
  using network_type = Net;
  using plan = quant::plan<Net>;
  static_assert(plan::check());

  /// Every op's weights, packed (plan::weight_offsets).
  std::array<std::int8_t, plan::weight_count> weights{};
  /// Per output channel (plan::channel_offsets): the int32 bias (scale s_in s_w[o], minus
  /// z_in sum_k w[o][k]), the requantisation multiplier and shift, and s_in s_w[o], the
  /// scale of the sums (the float output's, for a last op).
  std::array<std::int32_t, plan::channel_count> bias{};
  std::array<std::int32_t, plan::channel_count> multiplier{};
  std::array<std::int32_t, plan::channel_count> shift{};
  std::array<float, plan::channel_count> sum_scale{};
  /// Per quantised tensor (input, then each op's output): real = scale (q - zero_point).
  std::array<float, plan::tensor_count> scale{};
  std::array<std::int32_t, plan::tensor_count> zero_point{};
  /// The model's input normalisation, applied before the input is quantised.
  ctnn::normalization<typename Net::input_shape, float> normalization{};
};

/// The memory of one sample's int8 pass: two activation buffers, a conv's padded input and
/// patch, and the accumulators.  A few KB for the seed networks: a local is fine.
template <network_type Net>
struct quantized_workspace {
  using plan = quant::plan<Net>;
  alignas(64) std::array<std::uint8_t, plan::largest_tensor> a;
  alignas(64) std::array<std::uint8_t, plan::largest_tensor> b;
  alignas(64) std::array<std::uint8_t, plan::conv_scratch + 64> conv;
  alignas(64) std::array<std::int32_t, plan::largest_outputs> acc;
};

}  // namespace ctnn
