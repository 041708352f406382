// SPDX-License-Identifier: BSL-1.0
// ctnn::quantize: a trained float model to a quantized_model, calibrated on sample inputs.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/quant/detail/gemv.hpp>
#include <ctnn/quant/plan.hpp>
#include <ctnn/quant/quantized_model.hpp>
#include <ctnn/quant/requantize.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

/// How an activation's range is taken from the calibration sample.
enum class calibration {
  /// The smallest and largest value seen: nothing clips, but one outlier widens the step of
  /// every value.
  min_max,
  /// The range between the (100 - p) and p percentiles of the values seen (quantize_options::
  /// percentile): the rare values beyond clip, and the common ones get a finer step.
  percentile,
};

struct quantize_options {
  /// Calibration samples, evenly spaced over the inputs given (all of them when fewer).
  std::size_t samples = 1000;
  ctnn::calibration calibration = ctnn::calibration::percentile;
  double percentile = 99.99;
};

/// quantize was given inputs it cannot calibrate on.
struct quantize_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

namespace quant::detail {

// One op's weights and bias in double, with its batch_norm neighbours folded in.
struct folded_op {
  std::vector<double> w;  // [out][inputs]
  std::vector<double> b;  // [out]
};

// The batch_norm at layer J as y = scale x + shift per channel (phase::eval statistics).
template <class Net, std::size_t J>
std::pair<std::vector<double>, std::vector<double>> batch_norm_affine(model<Net> const& m) {
  using In = typename Net::template layer_input_t<J>;
  constexpr std::size_t C = dim_v<In, 0>;
  const float* params = m.parameters.data() + Net::parameter_offsets[J];
  const float* state = m.state.data() + Net::state_offsets[J];
  std::vector<double> scale(C), shift(C);
  for (std::size_t c = 0; c < C; ++c) {
    scale[c] = params[c] / std::sqrt(static_cast<double>(state[C + c]) + batch_norm::epsilon);
    shift[c] = params[C + c] - state[c] * scale[c];
  }
  return {scale, shift};
}

template <class Net, std::size_t N>
folded_op fold(model<Net> const& m) {
  using P = plan<Net>;
  constexpr std::size_t layer = P::op_layer[N];
  using L = typename Net::template layer_t<layer>;
  constexpr std::size_t outs = P::outputs[N], ins = P::inputs[N];
  const float* params = m.parameters.data() + Net::parameter_offsets[layer];
  folded_op f{std::vector<double>(params, params + outs * ins), std::vector<double>(outs, 0.0)};
  if constexpr (L::has_bias)
    for (std::size_t o = 0; o < outs; ++o)
      f.b[o] = params[outs * ins + o];
  if constexpr (P::op_folds_input[N]) {
    const auto [scale, shift] = batch_norm_affine<Net, layer - 1>(m);
    for (std::size_t o = 0; o < outs; ++o)
      for (std::size_t k = 0; k < ins; ++k) {
        f.b[o] += f.w[o * ins + k] * shift[k];
        if constexpr (N > 0 && P::op_scales_output[N - 1])
          // The op before took |scale| (see plan::op_scales_output): its sign remains.
          f.w[o * ins + k] *= scale[k] > 0 ? 1.0 : (scale[k] < 0 ? -1.0 : 0.0);
        else
          f.w[o * ins + k] *= scale[k];  // dense(scale x + shift)
      }
  }
  if constexpr (P::op_scales_output[N]) {
    const auto scale = batch_norm_affine<Net, P::op_end[N] + 1>(m).first;
    for (std::size_t o = 0; o < outs; ++o) {
      for (std::size_t k = 0; k < ins; ++k)
        f.w[o * ins + k] *= std::abs(scale[o]);
      f.b[o] *= std::abs(scale[o]);
    }
  }
  if constexpr (layer + 1 < P::layers && P::roles[layer + 1] == layer_role::fold_back) {
    // scale (W x + b) + shift per output channel.
    const auto [scale, shift] = batch_norm_affine<Net, layer + 1>(m);
    for (std::size_t o = 0; o < outs; ++o) {
      for (std::size_t k = 0; k < ins; ++k)
        f.w[o * ins + k] *= scale[o];
      f.b[o] = f.b[o] * scale[o] + shift[o];
    }
  }
  return f;
}

// The values of one tensor over the calibration sample, reduced to a range.
struct range_finder {
  ctnn::calibration method;
  double lo = 0, hi = 0;  // the range always holds 0: the padding and a relu's floor are 0
  std::vector<float> seen;
  void add(const float* v, std::size_t n) {
    if (method == ctnn::calibration::percentile) {
      seen.insert(seen.end(), v, v + n);
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      lo = std::min(lo, static_cast<double>(v[i]));
      hi = std::max(hi, static_cast<double>(v[i]));
    }
  }
  void finish(double percentile) {
    if (method != ctnn::calibration::percentile || seen.empty())
      return;
    const auto at = [&](double p) {
      const auto k =
          static_cast<std::size_t>(std::llround(p / 100.0 * static_cast<double>(seen.size() - 1)));
      std::nth_element(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(k), seen.end());
      return static_cast<double>(seen[k]);
    };
    lo = std::min(0.0, at(100.0 - percentile));
    hi = std::max(0.0, at(percentile));
  }
};

}  // namespace quant::detail

/// The int8 form of a trained model: weights quantised per output channel (symmetric, s8),
/// activations' scales and zero points calibrated by running the float model (phase::eval)
/// on raw inputs ([n][input size], e.g. a sample of the training set), batch_norm folded into
/// its neighbouring conv2d or dense.  Throws quantize_error for an empty or ragged input.
template <network_type Net>
quantized_model<Net> quantize(model<Net> const& m, std::span<const float> raw,
                              quantize_options const& options = {}) {
  using P = quant::plan<Net>;
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  if (raw.empty() || raw.size() % in != 0)
    throw quantize_error("ctnn::quantize: the calibration inputs hold " +
                         std::to_string(raw.size()) + " values, not a positive multiple of " +
                         std::to_string(in) + " (one input)");
  if (options.calibration == calibration::percentile &&
      !(options.percentile > 50 && options.percentile <= 100))
    throw quantize_error("ctnn::quantize: percentile " + std::to_string(options.percentile) +
                         " is not in (50, 100]");
  const std::size_t available = raw.size() / in;
  const std::size_t count = std::min(available, std::max<std::size_t>(options.samples, 1));

  // Ranges of the input (normalised) and of every op's output, from the float pass.
  std::vector<quant::detail::range_finder> ranges(
      P::tensor_count, quant::detail::range_finder{options.calibration, 0.0, 0.0, {}});
  constexpr std::size_t batch = 32;
  auto ws = make_workspace<Net, float, batch>();
  std::vector<float> scaled;
  std::array<std::vector<double>, P::op_count> output_scales;
  [&]<std::size_t... N>(std::index_sequence<N...>) {
    (
        [&] {
          if constexpr (P::op_scales_output[N])
            output_scales[N] = quant::detail::batch_norm_affine<Net, P::op_end[N] + 1>(m).first;
        }(),
        ...);
  }
  (std::make_index_sequence<P::op_count>{});
  for (std::size_t s0 = 0; s0 < count; s0 += batch) {
    const std::size_t b = std::min(batch, count - s0);
    for (std::size_t i = 0; i < b; ++i)
      m.normalization.apply(raw.data() + ((s0 + i) * available / count) * in, ws->input() + i * in,
                            1);
    ranges[0].add(ws->input(), b * in);
    forward(m, *ws, ws->input(), b);
    [&]<std::size_t... N>(std::index_sequence<N...>) {
      (
          [&] {
            const float* y = Net::chain_type::template output<P::op_end[N]>(ws->region(), batch);
            const std::size_t size =
                b * size_v<typename Net::template layer_output_t<P::op_end[N]>>;
            if constexpr (P::op_scales_output[N]) {
              // The op's output is relu(z) |a| per channel (plan::op_scales_output).
              std::vector<double> const& a = output_scales[N];
              scaled.assign(y, y + size);
              for (std::size_t i = 0; i < size; ++i)
                scaled[i] *= static_cast<float>(std::abs(a[i % P::outputs[N]]));
              y = scaled.data();
            }
            ranges[N + 1].add(y, size);
          }(),
          ...);
    }
    (std::make_index_sequence<P::op_count>{});
  }

  quantized_model<Net> q;
  q.normalization = m.normalization;
  for (std::size_t t = 0; t < P::tensor_count; ++t) {
    auto& r = ranges[t];
    r.finish(options.percentile);
    const double width = r.hi - r.lo;
    const double s = width > 1e-30 ? width / quant::detail::activation_max : 1.0;
    q.scale[t] = static_cast<float>(s);
    q.zero_point[t] = static_cast<std::int32_t>(
        std::clamp<long long>(std::llround(-r.lo / s), 0, quant::detail::activation_max));
  }

  [&]<std::size_t... N>(std::index_sequence<N...>) {
    (
        [&] {
          const quant::detail::folded_op f = quant::detail::fold<Net, N>(m);
          constexpr std::size_t outs = P::outputs[N], ins = P::inputs[N];
          constexpr std::size_t c0 = P::channel_offsets[N];
          constexpr bool last_float = P::float_output && N + 1 == P::op_count;
          std::int8_t* w = q.weights.data() + P::weight_offsets[N];
          const double s_in = q.scale[N];
          for (std::size_t o = 0; o < outs; ++o) {
            double amax = 0;
            for (std::size_t k = 0; k < ins; ++k)
              amax = std::max(amax, std::abs(f.w[o * ins + k]));
            const double s_w = amax > 0 ? amax / quant::detail::weight_max : 1.0;
            long long sum = 0;
            for (std::size_t k = 0; k < ins; ++k) {
              const auto v =
                  std::clamp<long long>(std::llround(f.w[o * ins + k] / s_w),
                                        -quant::detail::weight_max, quant::detail::weight_max);
              w[quant::detail::packed_index(outs, o, k)] = static_cast<std::int8_t>(v);
              sum += v;
            }
            const double sum_scale = s_in * s_w;
            const long long bias = std::llround(f.b[o] / sum_scale) - q.zero_point[N] * sum;
            q.bias[c0 + o] = static_cast<std::int32_t>(
                std::clamp<long long>(bias, std::numeric_limits<std::int32_t>::min() / 2,
                                      std::numeric_limits<std::int32_t>::max() / 2));
            q.sum_scale[c0 + o] = static_cast<float>(sum_scale);
            if constexpr (!last_float) {
              const quant::fixed_multiplier fm = quant::to_fixed(sum_scale / q.scale[N + 1]);
              q.multiplier[c0 + o] = fm.multiplier;
              q.shift[c0 + o] = fm.shift;
            } else {
              q.shift[c0 + o] = 1;
            }
          }
        }(),
        ...);
  }
  (std::make_index_sequence<P::op_count>{});
  return q;
}

/// quantize calibrated on a data set's inputs (ctnn::dataset, or anything with the same
/// `inputs` vector and `input_size`).
template <network_type Net, class Dataset>
requires requires(Dataset const& d) {
  { d.inputs.data() } -> std::convertible_to<const float*>;
  Dataset::input_size;
}
quantized_model<Net> quantize(model<Net> const& m, Dataset const& d,
                              quantize_options const& options = {}) {
  static_assert(Dataset::input_size == size_v<typename Net::input_shape>,
                "ctnn::quantize: the data set's inputs are not the network's input size");
  return quantize(m, std::span<const float>(d.inputs.data(), d.inputs.size()), options);
}

}  // namespace ctnn
