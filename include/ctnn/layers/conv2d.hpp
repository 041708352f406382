// SPDX-License-Identifier: BSL-1.0
// ctnn::conv2d: multi-channel 2-D convolution (cross-correlation) with stride and padding.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/kernels.hpp>
#include <ctnn/layers/detail/window.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

/// 2-D convolution with Out filters of K x K, options stride<S> (default 1), pad<P>
/// (default 0) and no_bias.
/// in: shape<C, H, W> -> out: shape<Out, (H + 2P - K) / S + 1, (W + 2P - K) / S + 1>;
/// params: Out*C*K*K + Out.  Weights are [Out][C][K][K], then the bias.
template <std::size_t Out, std::size_t K, class... Opts> struct conv2d : layer_defaults {
  static constexpr std::size_t out_channels = Out;
  static constexpr std::size_t kernel = K;
  static constexpr std::size_t stride_v = detail::option_value<stride, 1, Opts...>();
  static constexpr std::size_t pad_v = detail::option_value<pad, 0, Opts...>();
  static constexpr bool has_bias = !detail::has_flag_v<no_bias, Opts...>;

  static std::string name() {
    std::string s = "conv2d<" + std::to_string(Out) + "," + std::to_string(K);
    if (stride_v != 1)
      s += ",stride<" + std::to_string(stride_v) + ">";
    if (pad_v != 0)
      s += ",pad<" + std::to_string(pad_v) + ">";
    return s + (has_bias ? ">" : ",no_bias>");
  }

private:
  template <class O>
  static constexpr bool known_option =
      detail::is_option_v<stride, O> || detail::is_option_v<pad, O> || std::is_same_v<O, no_bias>;
  template <class In> using geometry = detail::window_geometry<In, K, stride_v, pad_v>;
  template <class In>
  static constexpr std::size_t patch = dim_v<In, 0>* K* K; // rows of the im2col matrix

public:
  template <class In>
  using check_t = std::conditional_t<!(known_option<Opts> && ...), unknown_option_among<Opts...>,
                                     decltype(detail::window_reason<In, K, stride_v, pad_v>())>;

  template <class In>
  using output_shape_t = shape<Out, geometry<In>::out_height, geometry<In>::out_width>;
  template <class In>
  static constexpr std::size_t param_count_v = Out* patch<In> + (has_bias ? Out : 0);
  template <class In>
  static constexpr std::size_t
      flops_v = (2 * patch<In> + (has_bias ? 1 : 0)) * Out* geometry<In>::positions;
  template <class In>
  static constexpr std::size_t
      backward_flops_v = (4 * patch<In> + (has_bias ? 1 : 0)) * Out* geometry<In>::positions;

  // One sample's im2col matrix and its delta, rebuilt per sample: the batch never needs
  // them all at once, and rebuilding is cheaper than keeping capacity copies in cache.
  template <class In> static constexpr std::size_t scratch_count(std::size_t) noexcept {
    return 2 * patch<In> * geometry<In>::positions;
  }

  template <class In, class T, class Init> static void initialize(T* params, T*, Init& init) {
    init.weights(params, Out * patch<In>, patch<In>, Out * K * K);
    if constexpr (has_bias)
      init.constant(params + Out * patch<In>, Out, T{0});
  }

  template <class In, class T> static void forward(forward_io<T> const& io) noexcept {
    using g = geometry<In>;
    constexpr std::size_t rows = patch<In>, cols = g::positions;
    T* col = io.scratch;
    for (std::size_t b = 0; b < io.n; ++b) {
      im2col<In>(io.x + b * size_v<In>, col);
      T* y = io.y + b * Out * cols;
      for (std::size_t o = 0; o < Out; ++o)
        std::fill_n(y + o * cols, cols, has_bias ? io.params[Out * rows + o] : T{0});
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < Out; ++o)
          detail::axpy<cols>(io.params[o * rows + r], col + r * cols, y + o * cols);
    }
  }

  template <class In, class T> static void backward(backward_io<T> const& io) noexcept {
    using g = geometry<In>;
    constexpr std::size_t rows = patch<In>, cols = g::positions;
    T* col = io.scratch;
    T* dcol = io.scratch + rows * cols;
    for (std::size_t b = 0; b < io.n; ++b) {
      const T* dy = io.dy + b * Out * cols;
      im2col<In>(io.x + b * size_v<In>, col);
      for (std::size_t o = 0; o < Out; ++o) {
        if constexpr (has_bias)
          io.grads[Out * rows + o] += detail::sum<cols>(dy + o * cols);
        for (std::size_t r = 0; r < rows; ++r)
          io.grads[o * rows + r] += detail::dot<cols>(dy + o * cols, col + r * cols);
      }
      if (io.dx == nullptr)
        continue;
      std::fill_n(dcol, rows * cols, T{0});
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < Out; ++o)
          detail::axpy<cols>(io.params[o * rows + r], dy + o * cols, dcol + r * cols);
      col2im<In>(dcol, io.dx + b * size_v<In>);
    }
  }

private:
  // col[(c*K + kh)*K + kw][oh*OW + ow] = x[c][oh*S + kh - P][ow*S + kw - P], 0 in the padding.
  template <class In, class T>
  static void im2col(const T* __restrict x, T* __restrict col) noexcept {
    using g = geometry<In>;
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t kh = 0; kh < K; ++kh)
        for (std::size_t kw = 0; kw < K; ++kw) {
          T* row = col + ((c * K + kh) * K + kw) * g::positions;
          for (std::size_t oh = 0; oh < g::out_height; ++oh) {
            const std::size_t ih = oh * stride_v + kh; // shifted by pad_v
            T* dst = row + oh * g::out_width;
            if (ih < pad_v || ih - pad_v >= g::height) {
              std::fill_n(dst, g::out_width, T{0});
              continue;
            }
            const T* src = x + c * g::in_plane + (ih - pad_v) * g::width;
            for (std::size_t ow = 0; ow < g::out_width; ++ow) {
              const std::size_t iw = ow * stride_v + kw;
              dst[ow] = (iw < pad_v || iw - pad_v >= g::width) ? T{0} : src[iw - pad_v];
            }
          }
        }
  }

  // The adjoint of im2col: every column entry adds back into the input element it came from.
  template <class In, class T>
  static void col2im(const T* __restrict dcol, T* __restrict dx) noexcept {
    using g = geometry<In>;
    std::fill_n(dx, size_v<In>, T{0});
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t kh = 0; kh < K; ++kh)
        for (std::size_t kw = 0; kw < K; ++kw) {
          const T* row = dcol + ((c * K + kh) * K + kw) * g::positions;
          for (std::size_t oh = 0; oh < g::out_height; ++oh) {
            const std::size_t ih = oh * stride_v + kh;
            if (ih < pad_v || ih - pad_v >= g::height)
              continue;
            T* dst = dx + c * g::in_plane + (ih - pad_v) * g::width;
            for (std::size_t ow = 0; ow < g::out_width; ++ow) {
              const std::size_t iw = ow * stride_v + kw;
              if (iw >= pad_v && iw - pad_v < g::width)
                dst[iw - pad_v] += row[oh * g::out_width + ow];
            }
          }
        }
  }
};

} // namespace ctnn
