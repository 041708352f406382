// SPDX-License-Identifier: BSL-1.0
// ctnn::quant::plan<Net>: how a network runs in int8, decided at compile time from its layers.
#pragma once

#include <ctnn/core/network.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/layers/dropout.hpp>
#include <ctnn/layers/flatten.hpp>
#include <ctnn/layers/identity.hpp>
#include <ctnn/layers/max_pool.hpp>
#include <ctnn/layers/relu.hpp>
#include <ctnn/quant/detail/gemv.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn::quant {

/// What a layer is to the int8 pass.
enum class layer_kind { conv, dense, batch_norm, relu, max_pool, pass, other };

/// The part a layer plays in the int8 pass: a quantised product (op), a batch_norm folded into
/// the op before it (fold_back) or the dense after it (fold_forward), a relu that is the op's
/// lower clamp (fused_relu), or a pass over int8 values of its own (relu, max_pool), or none
/// (pass: flatten, identity and dropout change nothing at inference).
enum class layer_role {
  op,
  fold_back,
  fold_forward,
  fused_relu,
  relu,
  max_pool,
  pass,
  unsupported
};

namespace detail {
template <class L>
inline constexpr layer_kind kind_v = layer_kind::other;
template <std::size_t O, std::size_t K, class... Opts>
inline constexpr layer_kind kind_v<conv2d<O, K, Opts...>> = layer_kind::conv;
template <std::size_t O, class... Opts>
inline constexpr layer_kind kind_v<dense<O, Opts...>> = layer_kind::dense;
template <>
inline constexpr layer_kind kind_v<batch_norm> = layer_kind::batch_norm;
template <>
inline constexpr layer_kind kind_v<relu> = layer_kind::relu;
template <std::size_t W, class... Opts>
inline constexpr layer_kind kind_v<max_pool<W, Opts...>> = layer_kind::max_pool;
template <>
inline constexpr layer_kind kind_v<flatten> = layer_kind::pass;
template <>
inline constexpr layer_kind kind_v<identity> = layer_kind::pass;
template <std::size_t P>
inline constexpr layer_kind kind_v<dropout<P>> = layer_kind::pass;

constexpr bool is_op(layer_kind k) noexcept {
  return k == layer_kind::conv || k == layer_kind::dense;
}

template <class T>
inline constexpr bool always_false = false;

/// The diagnostic for a network the int8 pass cannot run: the layer's index and type are the
/// template arguments of this class, which both compilers print in the error's first lines.
template <std::size_t Index, class Layer>
struct int8_unsupported_layer {
  static_assert(always_false<Layer>,
                "ctnn::quantize: this layer has no int8 form (the int8 pass runs conv2d, dense, "
                "relu, max_pool, flatten, identity and dropout, and folds a batch_norm that comes "
                "right after a conv2d/dense or right before a dense); its index and type are the "
                "arguments of ctnn::quant::detail::int8_unsupported_layer");
  static constexpr bool value = true;
};
template <class Net>
struct int8_needs_a_product {
  static_assert(always_false<Net>, "ctnn::quantize: the network has no conv2d or dense layer");
  static constexpr bool value = true;
};
}  // namespace detail

/// The int8 pass of Net: every layer's role and, per op (conv2d or dense, in order), its sizes
/// and where its weights, channels and activation scales sit in a quantized_model's arrays.
/// Op j reads quantised tensor j (tensor 0: the network's input) and writes tensor j + 1;
/// relu, max_pool and the pass-through layers keep the tensor's scale and zero point.
template <network_type Net>
struct plan {
  static constexpr std::size_t layers = Net::layer_count;

  static constexpr std::array<layer_kind, layers> kinds = [] {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<layer_kind, layers>{detail::kind_v<typename Net::template layer_t<I>>...};
    }
    (std::make_index_sequence<layers>{});
  }();

  static constexpr std::array<layer_role, layers> roles = [] {
    std::array<layer_role, layers> r{};
    for (std::size_t i = 0; i < layers; ++i) {
      const layer_kind k = kinds[i];
      if (detail::is_op(k))
        r[i] = layer_role::op;
      else if (k == layer_kind::batch_norm) {
        if (i > 0 && detail::is_op(kinds[i - 1]))
          r[i] = layer_role::fold_back;
        else if (i + 1 < layers && kinds[i + 1] == layer_kind::dense)
          r[i] = layer_role::fold_forward;
        else
          r[i] = layer_role::unsupported;
      } else if (k == layer_kind::relu)
        r[i] = i > 0 && (detail::is_op(kinds[i - 1]) || r[i - 1] == layer_role::fold_back)
                   ? layer_role::fused_relu
                   : layer_role::relu;
      else if (k == layer_kind::max_pool)
        r[i] = layer_role::max_pool;
      else if (k == layer_kind::pass)
        r[i] = layer_role::pass;
      else
        r[i] = layer_role::unsupported;
    }
    return r;
  }();

  static constexpr std::size_t first_unsupported = [] {
    for (std::size_t i = 0; i < layers; ++i)
      if (roles[i] == layer_role::unsupported)
        return i;
    return layers;
  }();
  static constexpr bool supported = first_unsupported == layers;

  static constexpr std::size_t op_count = [] {
    std::size_t n = 0;
    for (auto k : kinds)
      n += detail::is_op(k) ? 1 : 0;
    return n;
  }();

  /// Layer index of each op, and of the last layer it absorbs (a folded batch_norm, a relu).
  static constexpr std::array<std::size_t, op_count> op_layer = [] {
    std::array<std::size_t, op_count> a{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < layers; ++i)
      if (detail::is_op(kinds[i]))
        a[n++] = i;
    return a;
  }();
  static constexpr std::array<std::size_t, op_count> op_end = [] {
    std::array<std::size_t, op_count> a{};
    for (std::size_t n = 0; n < op_count; ++n) {
      std::size_t j = op_layer[n];
      if (j + 1 < layers && roles[j + 1] == layer_role::fold_back)
        ++j;
      if (j + 1 < layers && roles[j + 1] == layer_role::fused_relu)
        ++j;
      a[n] = j;
    }
    return a;
  }();
  /// Whether op n clamps at its zero point (a relu follows it).
  static constexpr std::array<bool, op_count> op_relu = [] {
    std::array<bool, op_count> a{};
    for (std::size_t n = 0; n < op_count; ++n)
      a[n] = roles[op_end[n]] == layer_role::fused_relu;
    return a;
  }();
  /// Whether a batch_norm before op n is folded into it.
  static constexpr std::array<bool, op_count> op_folds_input = [] {
    std::array<bool, op_count> a{};
    for (std::size_t n = 0; n < op_count; ++n)
      a[n] = op_layer[n] > 0 && roles[op_layer[n] - 1] == layer_role::fold_forward;
    return a;
  }();
  /// Whether op n's output goes through a fused relu into a batch_norm folded into the dense
  /// after it.  Then bn(relu(z)) = sign(a) relu(|a| z) + c per channel (a, c: the batch_norm's
  /// scale and shift): |a| scales op n's rows, sign(a) and c go into the next op.  So the
  /// tensor between them is already normalised; folding a into the next op's columns instead
  /// would make a channel of low variance (large a) widen that op's weight scale and lose
  /// the other channels' precision.
  static constexpr std::array<bool, op_count> op_scales_output = [] {
    std::array<bool, op_count> a{};
    for (std::size_t n = 0; n < op_count; ++n)
      a[n] = roles[op_end[n]] == layer_role::fused_relu && op_end[n] + 1 < layers &&
             roles[op_end[n] + 1] == layer_role::fold_forward;
    return a;
  }();
  /// The last op writes the network's output as floats when nothing comes after it.
  static constexpr bool float_output = op_count > 0 && op_end[op_count - 1] + 1 == layers;

  /// Quantised tensors: the input, then each op's output.
  static constexpr std::size_t tensor_count = op_count + 1;

private:
  template <std::size_t N>
  using op_layer_t = typename Net::template layer_t<op_layer[N]>;
  template <std::size_t N>
  using op_input_t = typename Net::template layer_input_t<op_layer[N]>;

  template <std::size_t N>
  static constexpr std::size_t outputs_of() {
    if constexpr (kinds[op_layer[N]] == layer_kind::conv)
      return op_layer_t<N>::out_channels;
    else
      return op_layer_t<N>::out_features;
  }
  template <std::size_t N>
  static constexpr std::size_t inputs_of() {
    using In = op_input_t<N>;
    if constexpr (kinds[op_layer[N]] == layer_kind::conv)
      return dim_v<In, 0> * op_layer_t<N>::kernel * op_layer_t<N>::kernel;
    else
      return size_v<In>;
  }
  template <std::size_t N>
  static constexpr std::size_t positions_of() {
    return size_v<typename Net::template layer_output_t<op_layer[N]>> / outputs_of<N>();
  }
  template <class F>
  static constexpr auto per_op(F f) {
    return [&]<std::size_t... N>(std::index_sequence<N...>) {
      return std::array<std::size_t, op_count>{f.template operator()<N>()...};
    }
    (std::make_index_sequence<op_count>{});
  }
  template <std::size_t M>
  static constexpr std::array<std::size_t, M + 1> offsets(std::array<std::size_t, M> const& v) {
    std::array<std::size_t, M + 1> o{};
    for (std::size_t i = 0; i < M; ++i)
      o[i + 1] = o[i] + v[i];
    return o;
  }

public:
  /// Per op: output channels, inputs of one output (patch of a conv), those rounded up to a
  /// multiple of four (the weights' padding is zero), and output positions (1 for dense).
  static constexpr auto outputs = per_op([]<std::size_t N>() { return outputs_of<N>(); });
  static constexpr auto inputs = per_op([]<std::size_t N>() { return inputs_of<N>(); });
  static constexpr auto inputs_padded =
      per_op([]<std::size_t N>() { return quant::detail::round_up(inputs_of<N>(), 4); });
  static constexpr auto positions = per_op([]<std::size_t N>() { return positions_of<N>(); });

  /// Positions rounded up for product_positions.
  static constexpr std::size_t padded_positions(std::size_t p) noexcept {
    return quant::detail::round_up(p, quant::detail::packed_channels);
  }
  /// Whether a conv op puts positions in the registers' lanes (one channel at a time:
  /// product_positions) rather than channels (one position at a time: product): when it has
  /// more positions than channels, as the first layers of an image network.
  static constexpr auto by_positions = [] {
    std::array<bool, op_count> a{};
    for (std::size_t n = 0; n < op_count; ++n)
      a[n] = kinds[op_layer[n]] == layer_kind::conv && positions[n] > outputs[n];
    return a;
  }();

  /// Offsets of each op's packed weights and of its channels in the model's flat arrays.
  static constexpr auto weight_offsets = offsets(per_op([]<std::size_t N>() {
    return quant::detail::packed_outputs(outputs_of<N>()) *
           quant::detail::round_up(inputs_of<N>(), 4);
  }));
  static constexpr auto channel_offsets =
      offsets(per_op([]<std::size_t N>() { return outputs_of<N>(); }));
  static constexpr std::size_t weight_count = weight_offsets[op_count];
  static constexpr std::size_t channel_count = channel_offsets[op_count];

  /// Bytes of the largest quantised tensor (and room for a dense op's padded input).
  static constexpr std::size_t largest_tensor = [] {
    std::size_t m = quant::detail::round_up(size_v<typename Net::input_shape>, 4);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((m = std::max(m,
                     quant::detail::round_up(size_v<typename Net::template layer_output_t<I>>, 4))),
       ...);
    }
    (std::make_index_sequence<layers>{});
    return m;
  }();
  /// Bytes a conv op needs: its input with the padding written out, then one patch, or the
  /// patches of every position and a row of zeros.
  static constexpr std::size_t conv_scratch = [] {
    std::size_t m = 0;
    [&]<std::size_t... N>(std::index_sequence<N...>) {
      (
          [&] {
            if constexpr (kinds[op_layer[N]] == layer_kind::conv) {
              using In = op_input_t<N>;
              constexpr std::size_t p = op_layer_t<N>::pad_v;
              m = std::max(m,
                           quant::detail::round_up(
                               dim_v<In, 0> * (dim_v<In, 1> + 2 * p) * (dim_v<In, 2> + 2 * p), 64) +
                               quant::detail::round_up(inputs_of<N>(), 64) +
                               op_layer_t<N>::stride_v * (dim_v<In, 2> + 2 * p) +
                               (by_positions[N] ? quant::detail::round_up(inputs_of<N>(), 4) *
                                                      padded_positions(positions_of<N>())
                                                : 0));
            }
          }(),
          ...);
    }
    (std::make_index_sequence<op_count>{});
    return m;
  }();
  /// Accumulators of the widest op (or of the most positions of one).
  static constexpr std::size_t largest_outputs = [] {
    std::size_t m = 0;
    for (std::size_t n = 0; n < op_count; ++n)
      m = std::max({m, quant::detail::packed_outputs(outputs[n]),
                    by_positions[n] ? padded_positions(positions[n]) : 0});
    return m;
  }();

  /// Reports the first layer the int8 pass cannot run (true when it can run them all).
  static constexpr bool check() {
    if constexpr (!supported)
      return detail::int8_unsupported_layer<
          first_unsupported, typename Net::template layer_t<first_unsupported>>::value;
    else if constexpr (op_count == 0)
      return detail::int8_needs_a_product<Net>::value;
    else
      return true;
  }
};

}  // namespace ctnn::quant
