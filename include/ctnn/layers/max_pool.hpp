// SPDX-License-Identifier: BSL-1.0
// ctnn::max_pool: the largest value of each window, per channel.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/layers/detail/pool.hpp>

#include <algorithm>
#include <cstddef>
#include <string>

namespace ctnn {

/// Max pooling over Window x Window, option stride<S> (default Window), no padding.
/// in: shape<C, H, W> -> out: shape<C, (H - Window) / S + 1, (W - Window) / S + 1>; params: 0.
/// The gradient goes to the first maximum of each window (row-major), as in PyTorch; the
/// layer keeps the position of each maximum between the passes.
template <std::size_t Window, class... Opts>
struct max_pool : detail::pool_rule<Window, Opts...> {
  using rule = detail::pool_rule<Window, Opts...>;
  static std::string name() { return rule::name_with("max_pool"); }

  // The input offset of each output's maximum, kept from forward for backward (stored as T).
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return capacity * size_v<typename rule::template output_shape_t<In>>;
  }

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    using out = typename rule::template output_shape_t<In>;
    for (std::size_t b = 0; b < io.n; ++b) {
      const T* x = io.x + b * size_v<In>;
      T* y = io.y + b * size_v<out>;
      T* arg = io.scratch + b * size_v<out>;
      rule::template for_each_window<In>([&](std::size_t o, std::size_t base) {
        // Arithmetic, not branches: which element wins does not predict on real data.
        T m = x[base];
        std::size_t best = base;
        for (std::size_t kh = 0; kh < Window; ++kh)
          for (std::size_t kw = 0; kw < Window; ++kw) {
            const std::size_t i = base + rule::template at<In>(kh, kw);
            const auto larger = static_cast<std::size_t>(x[i] > m);  // first maximum wins ties
            best += larger * (i - best);
            m = std::max(m, x[i]);
          }
        y[o] = m;
        arg[o] = static_cast<T>(best);
      });
    }
  }

  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    using out = typename rule::template output_shape_t<In>;
    if (io.dx == nullptr)
      return;
    for (std::size_t b = 0; b < io.n; ++b) {
      const T* dy = io.dy + b * size_v<out>;
      const T* arg = io.scratch + b * size_v<out>;
      T* dx = io.dx + b * size_v<In>;
      std::fill_n(dx, size_v<In>, T{0});
      for (std::size_t o = 0; o < size_v<out>; ++o)
        dx[static_cast<std::size_t>(arg[o])] += dy[o];
    }
  }
};

}  // namespace ctnn
