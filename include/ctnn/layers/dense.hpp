// SPDX-License-Identifier: BSL-1.0
// ctnn::dense: fully connected layer, y = W x + b.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/elementwise.hpp>
#include <ctnn/layers/detail/gemm.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

/// Fully connected layer.  in: shape<N> -> out: shape<Out>; params: N*Out + Out (N*Out with
/// no_bias).  Weights are row-major [Out][N], then the bias.
template <std::size_t Out, class... Opts>
struct dense : layer_defaults {
  static constexpr std::size_t out_features = Out;
  static constexpr bool has_bias = !detail::has_flag_v<no_bias, Opts...>;

  static std::string name() {
    return "dense<" + std::to_string(Out) + (has_bias ? "" : ",no_bias") + ">";
  }

  template <class In>
  using check_t = detail::first_reason_t<
      detail::options_reason_t<(std::is_same_v<Opts, no_bias> && ...), Opts...>,
      std::conditional_t<rank_v<In> != 1, expects_flat_input_add_flatten, ok>>;

  template <class In>
  using output_shape_t = shape<Out>;
  template <class In>
  static constexpr std::size_t param_count_v = size_v<In>* Out + (has_bias ? Out : 0);
  template <class In>
  static constexpr std::size_t flops_v = 2 * size_v<In>* Out + (has_bias ? Out : 0);
  template <class In>
  static constexpr std::size_t backward_flops_v = 4 * size_v<In>* Out + (has_bias ? Out : 0);

  template <class In, class T, class Init>
  static void initialize(T* params, T*, Init& init) {
    constexpr std::size_t n = size_v<In>;
    init.weights(params, n * Out, n, Out);
    if constexpr (has_bias)
      init.constant(params + n * Out, Out, T{0});
  }

  // The batch is a matrix X [n][N]: Y = X W^T, dW += dY^T X, dX = dY W.
  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    run_forward<In, void>(io, static_cast<T*>(nullptr));
  }
  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    run_backward<In>(io, io.dy);
  }

  /// Fused with a following element-wise activation Act (see core/chain.hpp): forward also
  /// writes Act's output, act_y; backward takes Act's output delta, act_dy, and forms its own
  /// delta in the scratch (both products read it).  After it, for batches of
  /// detail::nt_pack_rows and more, W transposed for the forward product.
  static constexpr bool fuses_activation = true;
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return capacity * Out + (capacity >= detail::nt_pack_rows ? size_v<In> * Out : 0);
  }
  template <class In, class Act, class T>
  static constexpr void forward_then(forward_io<T> const& io, T* act_y) noexcept {
    run_forward<In, Act>(io, act_y);
  }
  template <class In, class Act, class T>
  static constexpr void backward_through(backward_io<T> const& io, const T* act_y,
                                         const T* act_dy) noexcept {
    detail::activation_deltas<Act>(io.n * Out, act_dy, static_cast<const T*>(io.y), act_y,
                                   io.scratch);
    run_backward<In>(io, io.scratch);
  }

private:
  template <class In, class Act, class T>
  static constexpr void run_forward(forward_io<T> const& io, T* act_y) noexcept {
    constexpr std::size_t n = size_v<In>;
    // Dot products reduce each output's partial sums across lanes, which rows of a few
    // hundred inputs do not amortise; from nt_pack_rows samples on, W transposed once feeds
    // gemm_nn's register tiles instead (2.2x with AVX-512 and 1.8x with AVX2 at a batch of
    // 128; see nt_pack_rows).
    if (!std::is_constant_evaluated() && io.n >= detail::nt_pack_rows)
      detail::gemm_nt_packed<false>(io.n, Out, n, io.x, n, io.params, n, io.y, Out,
                                    io.scratch + io.capacity * Out);
    else
      detail::gemm_nt<false>(io.n, Out, n, io.x, n, io.params, n, io.y, Out);
    if constexpr (has_bias)
      for (std::size_t b = 0; b < io.n; ++b)
        for (std::size_t o = 0; o < Out; ++o)
          io.y[b * Out + o] += io.params[n * Out + o];
    if constexpr (!std::is_void_v<Act>)
      detail::activation_values<Act>(io.n * Out, static_cast<const T*>(io.y), act_y);
  }

  template <class In, class T>
  static constexpr void run_backward(backward_io<T> const& io, const T* dy) noexcept {
    constexpr std::size_t n = size_v<In>;
    detail::gemm_nn<true, true>(Out, n, io.n,
                                detail::nn_operands<T>{dy, 1, Out, io.x, n, io.grads, n});
    if constexpr (has_bias)
      for (std::size_t b = 0; b < io.n; ++b)
        for (std::size_t o = 0; o < Out; ++o)
          io.grads[n * Out + o] += dy[b * Out + o];
    if (io.dx != nullptr)
      detail::gemm_nn<false>(io.n, n, Out,
                             detail::nn_operands<T>{dy, Out, 1, io.params, n, io.dx, n});
  }
};

}  // namespace ctnn
