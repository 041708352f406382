// SPDX-License-Identifier: BSL-1.0
// ctnn::conv2d: multi-channel 2-D convolution (cross-correlation) with stride and padding.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/direct_conv.hpp>
#include <ctnn/layers/detail/elementwise.hpp>
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
  template <class In>
  static constexpr std::size_t positions = geometry<In>::positions;
  // Samples per block of work: the block's im2col matrix (about 256 KB of float) is still in
  // cache when the products read it, and makes their rows long.
  template <class In>
  static constexpr std::size_t
      block_samples = std::max<std::size_t>(1, 65536 / (patch<In> * positions<In>));
  // With fewer filters than a vector has lanes, dW is better formed as dot products along
  // the positions than as rows of Out lanes.
  static constexpr bool weight_grad_by_dots = Out < detail::simd::lanes<float>;
  template <class In, class T>
  static constexpr T bias(const T* params, std::size_t o) noexcept {
    if constexpr (has_bias)
      return params[Out * patch<In> + o];
    else
      return T{0};
  }

  // The scratch: every sample's im2col matrix (built by forward, reused by backward: rebuilding
  // it cost more than keeping it), then a block's outputs or deltas in both layouts, a block's
  // matrix delta, the weight gradient transposed, and the input padded and split by phase.
  // The matrices come first, at offset 0.
  template <class In>
  struct scratch_layout {
    std::size_t outputs, deltas_t, matrix_delta, weight_grad_t, phases, padded, total;
    constexpr explicit scratch_layout(std::size_t capacity) noexcept {
      const std::size_t block = std::min(block_samples<In>, capacity);
      outputs = capacity * patch<In> * positions<In>;
      // A block's outputs, or the direct path's wide rows.
      deltas_t = outputs + std::max(Out * block * positions<In>, Out * direct_wide<In>);
      matrix_delta = deltas_t + block * positions<In> * Out;
      weight_grad_t = matrix_delta + block * positions<In> * patch<In>;
      phases = weight_grad_t + (weight_grad_by_dots ? 0 : patch<In> * Out);
      padded = phases + phased_size<In>;
      total = padded + padded_size<In>;
    }
  };

public:
  template <class In>
  using check_t =
      detail::first_reason_t<detail::options_reason_t<(known_option<Opts> && ...), Opts...>,
                             decltype(detail::window_reason<In, K, stride_v, pad_v>())>;

  template <class In>
  using output_shape_t = shape<Out, geometry<In>::out_height, geometry<In>::out_width>;
  template <class In>
  static constexpr std::size_t param_count_v = Out* patch<In> + (has_bias ? Out : 0);
  /// The parameters begin with the filters, [Out][C][K][K] (then the bias): what a report
  /// draws as pictures of the filters.
  template <class In>
  using filter_shape_t = shape<Out, dim_v<In, 0>, K, K>;
  template <class In>
  static constexpr std::size_t
      flops_v = (2 * patch<In> + (has_bias ? 1 : 0)) * Out* geometry<In>::positions;
  template <class In>
  static constexpr std::size_t
      backward_flops_v = (4 * patch<In> + (has_bias ? 1 : 0)) * Out* geometry<In>::positions;

  template <class In>
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return scratch_layout<In>(capacity).total;
  }

  template <class In, class T, class Init>
  static void initialize(T* params, T*, Init& init) {
    init.weights(params, Out * patch<In>, patch<In>, Out * K * K);
    if constexpr (has_bias)
      init.constant(params + Out * patch<In>, Out, T{0});
  }

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    run_forward<In, void>(io, static_cast<T*>(nullptr));
  }
  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    run_backward<In, void>(io, static_cast<const T*>(nullptr), static_cast<const T*>(nullptr));
  }

  /// Fused with a following element-wise activation Act (see core/chain.hpp): forward also
  /// writes Act's output, act_y; backward takes Act's output delta, act_dy, instead of io.dy.
  static constexpr bool fuses_activation = true;
  template <class In, class Act, class T>
  static constexpr void forward_then(forward_io<T> const& io, T* act_y) noexcept {
    run_forward<In, Act>(io, act_y);
  }
  template <class In, class Act, class T>
  static constexpr void backward_through(backward_io<T> const& io, const T* act_y,
                                         const T* act_dy) noexcept {
    run_backward<In, Act>(io, act_y, act_dy);
  }

private:
  // Samples go in blocks; a block's im2col matrices sit side by side, [patch][block *
  // positions], so that one product covers the block: Y = W col.  The bias (and a fused
  // activation) are applied as the block's product is copied out.
  template <class In, class Act, class T>
  static constexpr void run_forward(forward_io<T> const& io, T* act_y) noexcept {
    constexpr std::size_t rows = patch<In>, cols = positions<In>;
    const scratch_layout<In> at(io.capacity);
    if (takes_direct_path<In>(io.n, io.ctx)) {
      run_direct<In, Act>(io, act_y, at);
      return;
    }
    T* y_block = io.scratch + at.outputs;
    for (std::size_t b0 = 0; b0 < io.n; b0 += block_samples<In>) {
      const std::size_t count = std::min(block_samples<In>, io.n - b0), ld = count * cols;
      T* col = io.scratch + b0 * rows * cols;
      for (std::size_t b = 0; b < count; ++b)
        im2col<In>(io.x + (b0 + b) * size_v<In>, col + b * cols, ld, io.scratch + at.phases);
      detail::gemm_nn<false>(Out, ld, rows,
                             detail::nn_operands<T>{io.params, rows, 1, col, ld, y_block, ld});
      for (std::size_t b = 0; b < count; ++b) {
        const std::size_t sample = (b0 + b) * Out * cols;
        for (std::size_t o = 0; o < Out; ++o) {
          const T* from = y_block + o * ld + b * cols;
          T* to = io.y + sample + o * cols;
          const T bo = bias<In>(io.params, o);
          for (std::size_t p = 0; p < cols; ++p)
            to[p] = from[p] + bo;
        }
        // The sample's output is still in cache: the activation reads it from there, in one
        // loop (a loop per row cost more than the pass it saves at batch 1).
        if constexpr (!std::is_void_v<Act>)
          detail::activation_values<Act>(Out * cols, static_cast<const T*>(io.y + sample),
                                         act_y + sample);
      }
    }
  }

  // dW += dY col^T, dcol = W^T dY and dX = col2im(dcol), a block of samples at a time.  With
  // a fused activation, dY = act_dy * Act's slope, formed a row at a time as it is read.
  template <class In, class Act, class T>
  static constexpr void run_backward(backward_io<T> const& io, const T* act_y,
                                     const T* act_dy) noexcept {
    constexpr std::size_t rows = patch<In>, cols = positions<In>;
    const scratch_layout<In> at(io.capacity);
    T* dy_block = io.scratch + at.outputs;     // [Out][block * positions]
    T* dy_t = io.scratch + at.deltas_t;        // [block * positions][Out]
    T* dcol_t = io.scratch + at.matrix_delta;  // [block * positions][patch]
    T* dw_t = io.scratch + at.weight_grad_t;   // [patch][Out]
    T* dw = io.grads;
    if constexpr (!weight_grad_by_dots)
      std::fill_n(dw_t, rows * Out, T{0});
    // The direct path left no im2col matrix behind: build it (a backward pass after a batch-1
    // evaluation is rare: gradient checks, input saliency).
    if (takes_direct_path<In>(io.n, io.ctx))
      im2col<In>(io.x, io.scratch, cols, io.scratch + at.phases);
    const bool need_t = !weight_grad_by_dots || io.dx != nullptr;
    for (std::size_t b0 = 0; b0 < io.n; b0 += block_samples<In>) {
      const std::size_t count = std::min(block_samples<In>, io.n - b0), ld = count * cols;
      const T* col = io.scratch + b0 * rows * cols;  // built by forward
      for (std::size_t b = 0; b < count; ++b)
        for (std::size_t o = 0; o < Out; ++o) {
          const std::size_t off = ((b0 + b) * Out + o) * cols;
          T row[std::is_void_v<Act> ? 1 : cols];
          // Fused, io.dy is null: no offset may be added to it (undefined behaviour, which
          // constant evaluation refuses).
          const T* from = row;
          if constexpr (std::is_void_v<Act>)
            from = io.dy + off;
          else
            detail::activation_deltas<Act>(cols, act_dy + off, io.y + off, act_y + off, row);
          if constexpr (has_bias)
            io.grads[Out * rows + o] += detail::sum<cols>(from);
          if constexpr (weight_grad_by_dots)
            std::copy_n(from, cols, dy_block + o * ld + b * cols);
          if (need_t)
            for (std::size_t p = 0; p < cols; ++p)
              dy_t[(b * cols + p) * Out + o] = from[p];
        }
      if constexpr (weight_grad_by_dots)
        detail::gemm_nt<true>(Out, rows, ld, dy_block, ld, col, ld, dw, rows);
      else
        detail::gemm_nn<true>(rows, Out, ld,
                              detail::nn_operands<T>{col, ld, 1, dy_t, Out, dw_t, Out});
      if (io.dx == nullptr)
        continue;
      detail::gemm_nn<false>(ld, rows, Out,
                             detail::nn_operands<T>{dy_t, Out, 1, io.params, rows, dcol_t, rows});
      for (std::size_t b = 0; b < count; ++b)
        col2im<In>(dcol_t + b * cols * rows, io.dx + (b0 + b) * size_v<In>, io.scratch + at.padded);
    }
    if constexpr (!weight_grad_by_dots)
      for (std::size_t o = 0; o < Out; ++o)
        for (std::size_t r = 0; r < rows; ++r)
          dw[o * rows + r] += dw_t[r * Out + o];
  }

  // The input with its zero padding written out: [C][H + 2P][W + 2P].
  template <class In>
  static constexpr std::size_t padded_width = dim_v<In, 2> + 2 * pad_v;
  template <class In>
  static constexpr std::size_t padded_height = dim_v<In, 1> + 2 * pad_v;
  template <class In>
  static constexpr std::size_t padded_plane = padded_height<In>* padded_width<In>;
  template <class In>
  static constexpr std::size_t padded_size = dim_v<In, 0>* padded_plane<In>;
  // The padded input split into stride x stride phases, [phase row][phase column][C][H'][W'],
  // where phase (a, b) holds the rows a, a + S, ... and columns b, b + S, ...: in it, the
  // input a kernel tap sees from one row of output positions is contiguous, whatever the
  // stride.
  template <class In>
  static constexpr std::size_t phased_height = (padded_height<In> + stride_v - 1) / stride_v;
  template <class In>
  static constexpr std::size_t phased_width = (padded_width<In> + stride_v - 1) / stride_v;
  template <class In>
  static constexpr std::size_t phased_plane = phased_height<In>* phased_width<In>;
  template <class In>
  static constexpr std::size_t phased_size = stride_v* stride_v* dim_v<In, 0>* phased_plane<In>;

  // The batch-1 inference path (layers/detail/direct_conv.hpp): the product reads the taps in
  // place from the phase-split input (from x itself without padding and stride), over "wide"
  // positions oh * row + ow, row the width of that layout; the positions past the output
  // width are computed and dropped.  It replaces an im2col copy of patch x positions with
  // (wide - positions) x patch x Out more multiply-adds, so a layer takes it where the copy
  // costs more (direct_batch1_v).
  template <class In>
  static constexpr bool in_place = stride_v == 1 && pad_v == 0;
  template <class In>
  static constexpr std::size_t direct_row = in_place<In> ? dim_v<In, 2> : phased_width<In>;
  template <class In>
  static constexpr std::size_t
      direct_wide = (geometry<In>::out_height - 1) * direct_row<In> + geometry<In>::out_width;
  template <class In>
  static constexpr std::array<std::uint32_t, patch<In>> direct_taps = [] {
    using g = geometry<In>;
    std::array<std::uint32_t, patch<In>> t{};
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t kh = 0; kh < K; ++kh)
        for (std::size_t kw = 0; kw < K; ++kw)
          t[(c * K + kh) * K + kw] = static_cast<std::uint32_t>(
              in_place<In> ? (c * g::height + kh) * g::width + kw
                           : (((kh % stride_v) * stride_v + kw % stride_v) * g::channels + c) *
                                     phased_plane<In> +
                                 (kh / stride_v) * phased_width<In> + kw / stride_v);
    return t;
  }();

public:
  /// Whether a single sample in eval takes the direct path: a rough count of cycles per
  /// tap, multiply-adds at two vectors a cycle against im2col's multiply-adds and its copy
  /// (a load and a store per vector of each output row's run).  Measured on the seed
  /// networks' layers (benchmarks/layers, layer_forward1): right for all five, e.g. N1's
  /// second convolution (4 x 4 outputs from 7 x 7 rows) stays with im2col, where the wide
  /// rows would double its multiply-adds.
  template <class In>
  static constexpr bool direct_batch1_v = [] {
    using g = geometry<In>;
    constexpr std::size_t w = detail::simd::lanes<float>;
    constexpr auto vectors = [](std::size_t count) { return (count + w - 1) / w; };
    return Out * vectors(direct_wide<In>) <=
           Out * vectors(positions<In>) + 2 * g::out_height * (1 + vectors(g::out_width));
  }();

private:
  template <class In>
  static constexpr bool takes_direct_path(std::size_t n, run_context const& ctx) noexcept {
    if (std::is_constant_evaluated())  // the direct kernel is vector code
      return false;
    if constexpr (direct_batch1_v<In>)
      return n == 1 && ctx.phase == phase::eval;
    else
      return false;
  }

public:
  /// One sample in eval through the direct path, then max pooling with Pool (a
  /// ctnn::max_pool) and Act, an element-wise activation that never decreases, in one pass
  /// over the output: Act(max(window) + bias) = max over the window of Act(conv + bias), to
  /// the bit (rounding an addition and such an Act keep the order of values), with Act and
  /// the bias applied once per pooled output.  io.y receives the pooled output.  What
  /// ctnn::conv_act_pool runs at batch 1 in eval.
  template <class In, class Act, class Pool, class T>
  static void forward_pooled(forward_io<T> const& io) noexcept {
    using g = geometry<In>;
    using pooled = typename Pool::template output_shape_t<shape<Out, g::out_height, g::out_width>>;
    constexpr std::size_t wide = direct_wide<In>, row = direct_row<In>, P = Pool::window_size,
                          S = Pool::stride_v, ph_count = dim_v<pooled, 1>,
                          pw_count = dim_v<pooled, 2>;
    const scratch_layout<In> at(io.capacity);
    const T* y_wide = direct_wide_outputs<In>(io, at);  // [Out][wide]
    for (std::size_t o = 0; o < Out; ++o) {
      const T bo = bias<In>(io.params, o);
      T* to = io.y + o * ph_count * pw_count;
      for (std::size_t ph = 0; ph < ph_count; ++ph)
        for (std::size_t pw = 0; pw < pw_count; ++pw) {
          const T* from = y_wide + o * wide + ph * S * row + pw * S;
          T m = from[0];
          for (std::size_t i = 0; i < P; ++i)
            for (std::size_t j = 0; j < P; ++j)
              m = std::max(m, from[i * row + j]);
          to[ph * pw_count + pw] = Act::value(static_cast<T>(m + bo));
        }
    }
  }

private:
  // The direct path's product, without bias: [Out][wide] in the scratch, each output row
  // followed by the padded columns past the output width (computed and dropped).
  template <class In, class T>
  static const T* direct_wide_outputs(forward_io<T> const& io,
                                      scratch_layout<In> const& at) noexcept {
    constexpr std::size_t wide = direct_wide<In>;
    const T* src = io.x;
    if constexpr (!in_place<In>) {
      split_phases<In>(io.x, io.scratch + at.phases);
      src = io.scratch + at.phases;
    }
    T* y_wide = io.scratch + at.outputs;
    detail::direct_conv(Out, wide,
                        detail::direct_operands<T>{io.params, patch<In>, src,
                                                   direct_taps<In>.data(), y_wide, wide});
    return y_wide;
  }

  template <class In, class Act, class T>
  static void run_direct(forward_io<T> const& io, T* act_y, scratch_layout<In> const& at) noexcept {
    using g = geometry<In>;
    constexpr std::size_t cols = positions<In>, wide = direct_wide<In>, row = direct_row<In>;
    const T* y_wide = direct_wide_outputs<In>(io, at);  // [Out][wide]
    for (std::size_t o = 0; o < Out; ++o) {
      const T bo = bias<In>(io.params, o);
      for (std::size_t oh = 0; oh < g::out_height; ++oh) {
        const T* from = y_wide + o * wide + oh * row;
        T* to = io.y + o * cols + oh * g::out_width;
        for (std::size_t ow = 0; ow < g::out_width; ++ow)
          to[ow] = from[ow] + bo;
      }
    }
    if constexpr (!std::is_void_v<Act>)
      detail::activation_values<Act>(Out * cols, static_cast<const T*>(io.y), act_y);
  }

  // col[(c, kh, kw)][(oh, ow)] = the input tap (kh, kw) of channel c sees from output position
  // (oh, ow), or 0 in the padding; rows are ld apart.  Copied as runs of one output row.
  template <class In, class T>
  static constexpr void split_phases(const T* __restrict x, T* __restrict phased) noexcept {
    using g = geometry<In>;
    std::fill_n(phased, phased_size<In>, T{0});
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t h = 0; h < g::height; ++h)
        for (std::size_t w = 0; w < g::width; ++w) {
          const std::size_t ph = h + pad_v, pw = w + pad_v;
          phased[(((ph % stride_v) * stride_v + pw % stride_v) * g::channels + c) *
                     phased_plane<In> +
                 (ph / stride_v) * phased_width<In> + pw / stride_v] =
              x[(c * g::height + h) * g::width + w];
        }
  }

  template <class In, class T>
  static constexpr void im2col(const T* __restrict x, T* __restrict col, std::size_t ld,
                               T* __restrict phased) noexcept {
    using g = geometry<In>;
    split_phases<In>(x, phased);
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t kh = 0; kh < K; ++kh)
        for (std::size_t kw = 0; kw < K; ++kw) {
          const T* plane =
              phased +
              (((kh % stride_v) * stride_v + kw % stride_v) * g::channels + c) * phased_plane<In> +
              kw / stride_v;
          T* row = col + ((c * K + kh) * K + kw) * ld;
          for (std::size_t oh = 0; oh < g::out_height; ++oh)
            detail::copy_run<g::out_width>(plane + (oh + kh / stride_v) * phased_width<In>,
                                           row + oh * g::out_width);
        }
  }

  // The adjoint of im2col, from the matrix delta stored position-major, [(oh, ow)][(c, kh,
  // kw)]: every entry adds back into the element it came from, a kernel row at a time; the
  // padding's share is dropped with the border.
  template <class In, class T>
  static constexpr void col2im(const T* __restrict dcol_t, T* __restrict dx,
                               T* __restrict padded) noexcept {
    using g = geometry<In>;
    std::fill_n(padded, padded_size<In>, T{0});
    // Rows that follow one another are different image rows, so the additions of one do not
    // wait for the stores of the one before.
    for (std::size_t oh = 0; oh < g::out_height; ++oh)
      for (std::size_t ow = 0; ow < g::out_width; ++ow) {
        const T* from = dcol_t + (oh * g::out_width + ow) * patch<In>;
        for (std::size_t c = 0; c < g::channels; ++c)
          for (std::size_t kh = 0; kh < K; ++kh) {
            T* to = padded + c * padded_plane<In> + (oh * stride_v + kh) * padded_width<In> +
                    ow * stride_v;
            detail::add_run<K>(from + (c * K + kh) * K, to);
          }
      }
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t h = 0; h < g::height; ++h)
        std::copy_n(padded + c * padded_plane<In> + (h + pad_v) * padded_width<In> + pad_v,
                    g::width, dx + (c * g::height + h) * g::width);
  }
};

}  // namespace ctnn
