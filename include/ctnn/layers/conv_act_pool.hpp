// SPDX-License-Identifier: BSL-1.0
// ctnn::conv_act_pool: a conv2d, an activation and a max_pool run as one layer.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/leaky_relu.hpp>
#include <ctnn/layers/max_pool.hpp>
#include <ctnn/layers/relu.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

namespace detail {
/// Element-wise activations that never decrease, so that max pooling commutes with them.
template <class Act>
inline constexpr bool nondecreasing = std::is_same_v<Act, relu>;
template <std::size_t Num, std::size_t Den>
inline constexpr bool nondecreasing<leaky_relu<Num, Den>> = true;
}  // namespace detail

/// Conv (a ctnn::conv2d), Act (relu or leaky_relu) and Pool (a ctnn::max_pool) as one layer,
/// what ctnn::inference_network_t makes of that sequence.  One sample in eval takes one pass
/// (conv2d::forward_pooled: the direct convolution, then each window's maximum, the bias and
/// Act once per pooled output: no full-size activation is written or read again); everything
/// else runs the three layers' own passes in the layer's scratch, so it computes what they
/// compute (and trains like them).  Parameters are Conv's.
template <class Conv, class Act, class Pool>
struct conv_act_pool : layer_defaults {
  static_assert(detail::nondecreasing<Act>,
                "ctnn::conv_act_pool<Conv, Act, Pool>: Act must not decrease (relu, leaky_relu)");

  static std::string name() {
    return "conv_act_pool<" + Conv::name() + "," + Act::name() + "," + Pool::name() + ">";
  }

private:
  template <class In>
  using mid = typename Conv::template output_shape_t<In>;
  // The unfused passes' buffers: the convolution's scratch, its output, the activation's
  // output and its delta, and the pooling's scratch.
  template <class In>
  struct scratch_layout {
    std::size_t conv_out, act_out, act_delta, pool, total;
    constexpr explicit scratch_layout(std::size_t capacity) noexcept {
      conv_out = Conv::template scratch_count<In>(capacity);
      act_out = conv_out + capacity * size_v<mid<In>>;
      act_delta = act_out + capacity * size_v<mid<In>>;
      pool = act_delta + capacity * size_v<mid<In>>;
      total = pool + Pool::template scratch_count<mid<In>>(capacity);
    }
  };
  template <class In>
  static bool one_pass(std::size_t n, run_context const& ctx) noexcept {
    if constexpr (Conv::template direct_batch1_v<In>)
      return n == 1 && ctx.phase == phase::eval;
    else
      return false;
  }

public:
  template <class In>
  using check_t = detail::first_reason_t<typename Conv::template check_t<In>,
                                         typename Pool::template check_t<mid<In>>>;
  template <class In>
  using output_shape_t = typename Pool::template output_shape_t<mid<In>>;
  template <class In>
  using filter_shape_t = typename Conv::template filter_shape_t<In>;
  template <class In>
  static constexpr std::size_t param_count_v = Conv::template param_count_v<In>;
  template <class In>
  static constexpr std::size_t flops_v =
      Conv::template flops_v<In> + Act::template flops_v<mid<In>> + Pool::template flops_v<mid<In>>;
  template <class In>
  static constexpr std::size_t backward_flops_v =
      Conv::template backward_flops_v<In> + Act::template backward_flops_v<mid<In>> +
      Pool::template backward_flops_v<mid<In>>;
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return scratch_layout<In>(capacity).total;
  }

  template <class In, class T, class Init>
  static void initialize(T* params, T* state, Init& init) {
    Conv::template initialize<In>(params, state, init);
  }

  template <class In, class T>
  static void forward(forward_io<T> const& io) noexcept {
    if (one_pass<In>(io.n, io.ctx))
      Conv::template forward_pooled<In, Act, Pool>(io);
    else
      apart<In>(io.params, io.scratch, io.capacity, io.x, io.y, io.n, io.ctx);
  }

  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    const scratch_layout<In> at(io.capacity);
    T* act_delta = io.scratch + at.act_delta;
    // The one pass kept none of what backward reads: run the passes apart first (the pooled
    // output goes to the delta buffer, written over below).
    if (one_pass<In>(io.n, io.ctx))
      apart<In>(io.params, io.scratch, io.capacity, io.x, act_delta, io.n, io.ctx);
    Pool::template backward<mid<In>>(backward_io<T>{nullptr, nullptr, nullptr, io.scratch + at.pool,
                                                    io.capacity, io.scratch + at.act_out, nullptr,
                                                    io.dy, act_delta, io.n, io.ctx});
    Conv::template backward_through<In, Act>(
        backward_io<T>{io.params, io.grads, io.state, io.scratch, io.capacity, io.x,
                       io.scratch + at.conv_out, nullptr, io.dx, io.n, io.ctx},
        static_cast<const T*>(io.scratch + at.act_out), static_cast<const T*>(act_delta));
  }

private:
  template <class In, class T>
  static void apart(const T* params, T* scratch, std::size_t capacity, const T* x, T* y,
                    std::size_t n, run_context const& ctx) noexcept {
    const scratch_layout<In> at(capacity);
    Conv::template forward_then<In, Act>(
        forward_io<T>{params, nullptr, scratch, capacity, x, scratch + at.conv_out, n, ctx},
        scratch + at.act_out);
    Pool::template forward<mid<In>>(forward_io<T>{nullptr, nullptr, scratch + at.pool, capacity,
                                                  scratch + at.act_out, y, n, ctx});
  }
};

}  // namespace ctnn
