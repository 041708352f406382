// SPDX-License-Identifier: BSL-1.0
// ctnn::conv2d: multi-channel 2-D convolution (cross-correlation) with stride and padding.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/gemm.hpp>
#include <ctnn/layers/detail/kernels.hpp>
#include <ctnn/layers/detail/window.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace ctnn {

/// 2-D convolution with Out filters of K x K, options stride<S> (default 1), pad<P>
/// (default 0) and no_bias.
/// in: shape<C, H, W> -> out: shape<Out, (H + 2P - K) / S + 1, (W + 2P - K) / S + 1>;
/// params: Out*C*K*K + Out.  Weights are [Out][C][K][K], then the bias.
template <std::size_t Out, std::size_t K, class... Opts>
struct conv2d : layer_defaults {
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
  template <class In>
  using geometry = detail::window_geometry<In, K, stride_v, pad_v>;
  // Rows of the im2col matrix: one per (input channel, kernel row, kernel column).
  template <class In>
  static constexpr std::size_t patch = K* K* dim_v<In, 0>;
  // The im2col matrix is stored with its long side contiguous, so that every product runs
  // along it (an axpy, or a long dot) rather than along a short side that vectorises badly:
  // row-major [patch][positions] or position-major [positions][patch].
  template <class In>
  static constexpr bool position_major = patch<In> >= geometry<In>::positions;
  template <class In>
  static constexpr std::size_t col_index(std::size_t r, std::size_t p) noexcept {
    if constexpr (position_major<In>)
      return p * patch<In> + r;
    else
      return r * geometry<In>::positions + p;
  }
  template <class In, class IO>
  static auto padded_scratch(IO const& io) noexcept {
    return io.scratch + (io.capacity + 1) * patch<In> * geometry<In>::positions;
  }
  template <class In, class T>
  static T bias(const T* params, std::size_t o) noexcept {
    if constexpr (has_bias)
      return params[Out * patch<In> + o];
    else
      return T{0};
  }

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

  // Every sample's im2col matrix, built by forward and reused by backward (rebuilding it
  // cost more than keeping it), then one sample's matrix delta, then one zero-padded input.
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return (capacity + 1) * patch<In> * geometry<In>::positions + padded_size<In>;
  }

  template <class In, class T, class Init>
  static void initialize(T* params, T*, Init& init) {
    init.weights(params, Out * patch<In>, patch<In>, Out * K * K);
    if constexpr (has_bias)
      init.constant(params + Out * patch<In>, Out, T{0});
  }

  template <class In, class T>
  static void forward(forward_io<T> const& io) noexcept {
    constexpr std::size_t rows = patch<In>, cols = geometry<In>::positions;
    const T* w = io.params;
    for (std::size_t b = 0; b < io.n; ++b) {
      T* col = io.scratch + b * rows * cols;
      im2col<In>(io.x + b * size_v<In>, col, padded_scratch<In>(io));
      T* y = io.y + b * Out * cols;
      if constexpr (position_major<In>)
        detail::gemm_nt<false>(Out, cols, rows, w, col, y, cols);
      else
        detail::gemm_nn<false>(Out, cols, rows, w, rows, 1, col, y);
      if constexpr (has_bias)
        for (std::size_t o = 0; o < Out; ++o)
          for (std::size_t p = 0; p < cols; ++p)
            y[o * cols + p] += bias<In>(io.params, o);
    }
  }

  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    constexpr std::size_t rows = patch<In>, cols = geometry<In>::positions;
    T* dcol = io.scratch + io.capacity * rows * cols;
    const T* w = io.params;
    T* dw = io.grads;
    for (std::size_t b = 0; b < io.n; ++b) {
      const T* dy = io.dy + b * Out * cols;
      const T* col = io.scratch + b * rows * cols;  // built by forward
      if constexpr (has_bias)
        for (std::size_t o = 0; o < Out; ++o)
          io.grads[Out * rows + o] += detail::sum<cols>(dy + o * cols);
      // dW += dY col^T and dcol = W^T dY, in whichever layout the matrix has.
      if constexpr (position_major<In>) {
        detail::gemm_nn<true>(Out, rows, cols, dy, cols, 1, col, dw);
        if (io.dx != nullptr)
          detail::gemm_nn<false>(cols, rows, Out, dy, 1, cols, w, dcol);
      } else {
        detail::gemm_nt<true>(Out, rows, cols, dy, col, dw, rows);
        if (io.dx != nullptr)
          detail::gemm_nn<false>(rows, cols, Out, w, 1, rows, dy, dcol);
      }
      if (io.dx != nullptr)
        col2im<In>(dcol, io.dx + b * size_v<In>, padded_scratch<In>(io));
    }
  }

private:
  // The input with its zero padding written out: [C][H + 2P][W + 2P].
  template <class In>
  static constexpr std::size_t padded_width = dim_v<In, 2> + 2 * pad_v;
  template <class In>
  static constexpr std::size_t padded_plane = (dim_v<In, 1> + 2 * pad_v) * padded_width<In>;
  template <class In>
  static constexpr std::size_t padded_size = dim_v<In, 0>* padded_plane<In>;

  // For every entry of the im2col matrix, the element of the padded input it copies.  A
  // compile-time table: building the matrix becomes one gather without a branch, and its
  // adjoint one scatter whose padding entries land in the border (distinct addresses, so the
  // additions do not wait on one another).
  template <class In>
  static constexpr auto gather_table = [] {
    using g = geometry<In>;
    std::array<std::int32_t, patch<In> * g::positions> table{};
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t kh = 0; kh < K; ++kh)
        for (std::size_t kw = 0; kw < K; ++kw)
          for (std::size_t oh = 0; oh < g::out_height; ++oh)
            for (std::size_t ow = 0; ow < g::out_width; ++ow) {
              const std::size_t ih = oh * stride_v + kh, iw = ow * stride_v + kw;  // padded
              table[col_index<In>((c * K + kh) * K + kw, oh * g::out_width + ow)] =
                  static_cast<std::int32_t>(c * padded_plane<In> + ih * padded_width<In> + iw);
            }
    return table;
  }();

  // Visits the rows of the padded image that hold input: f(input row, padded row).
  template <class In, class F>
  static void for_each_input_row(F&& f) noexcept {
    for (std::size_t c = 0; c < dim_v<In, 0>; ++c)
      for (std::size_t h = 0; h < dim_v<In, 1>; ++h)
        f((c * dim_v<In, 1> + h) * dim_v<In, 2>,
          c * padded_plane<In> + (h + pad_v) * padded_width<In> + pad_v);
  }

  // col[r][p] = x at the input position that kernel tap r sees from output position p, or 0
  // in the padding; `padded` is padded_size<In> elements of scratch.
  template <class In, class T>
  static void im2col(const T* __restrict x, T* __restrict col, T* __restrict padded) noexcept {
    constexpr auto const& table = gather_table<In>;
    const T* source = x;
    if constexpr (pad_v != 0) {
      std::fill_n(padded, padded_size<In>, T{0});
      for_each_input_row<In>([&](std::size_t from, std::size_t to) {
        std::copy_n(x + from, dim_v<In, 2>, padded + to);
      });
      source = padded;
    }
    for (std::size_t i = 0; i < table.size(); ++i)
      col[i] = source[table[i]];
  }

  // The adjoint of im2col: every matrix entry adds back into the element it came from; the
  // padding's share is dropped with the border.
  template <class In, class T>
  static void col2im(const T* __restrict dcol, T* __restrict dx, T* __restrict padded) noexcept {
    constexpr auto const& table = gather_table<In>;
    T* target = pad_v != 0 ? padded : dx;
    std::fill_n(target, padded_size<In>, T{0});
    for (std::size_t i = 0; i < table.size(); ++i)
      target[table[i]] += dcol[i];
    if constexpr (pad_v != 0)
      for_each_input_row<In>([&](std::size_t to, std::size_t from) {
        std::copy_n(padded + from, dim_v<In, 2>, dx + to);
      });
  }
};

}  // namespace ctnn
