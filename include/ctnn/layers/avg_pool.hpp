// SPDX-License-Identifier: BSL-1.0
// ctnn::avg_pool: the mean of each window, per channel.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/layers/detail/pool.hpp>

#include <algorithm>
#include <cstddef>
#include <string>

namespace ctnn {

/// Average pooling over Window x Window, option stride<S> (default Window), no padding.
/// in: shape<C, H, W> -> out: shape<C, (H - Window) / S + 1, (W - Window) / S + 1>; params: 0.
template <std::size_t Window, class... Opts>
struct avg_pool : detail::pool_rule<Window, Opts...> {
  using rule = detail::pool_rule<Window, Opts...>;
  static std::string name() { return rule::name_with("avg_pool"); }

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    using out = typename rule::template output_shape_t<In>;
    constexpr T scale = T{1} / static_cast<T>(Window * Window);
    for (std::size_t b = 0; b < io.n; ++b) {
      const T* x = io.x + b * size_v<In>;
      T* y = io.y + b * size_v<out>;
      rule::template for_each_window<In>([&](std::size_t o, std::size_t base) {
        T s{};
        for (std::size_t kh = 0; kh < Window; ++kh)
          for (std::size_t kw = 0; kw < Window; ++kw)
            s += x[base + rule::template at<In>(kh, kw)];
        y[o] = s * scale;
      });
    }
  }

  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    using out = typename rule::template output_shape_t<In>;
    constexpr T scale = T{1} / static_cast<T>(Window * Window);
    if (io.dx == nullptr)
      return;
    for (std::size_t b = 0; b < io.n; ++b) {
      const T* dy = io.dy + b * size_v<out>;
      T* dx = io.dx + b * size_v<In>;
      std::fill_n(dx, size_v<In>, T{0});
      rule::template for_each_window<In>([&](std::size_t o, std::size_t base) {
        for (std::size_t kh = 0; kh < Window; ++kh)
          for (std::size_t kw = 0; kw < Window; ++kw)
            dx[base + rule::template at<In>(kh, kw)] += dy[o] * scale;
      });
    }
  }
};

}  // namespace ctnn
