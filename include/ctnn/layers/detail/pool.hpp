// SPDX-License-Identifier: BSL-1.0
// What max_pool and avg_pool share: options, shape rule, name and the window walk.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/window.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn::detail {

/// A Window x Window pooling over each channel, moving by stride<S> (default: Window), no
/// padding.  in: shape<C, H, W> -> out: shape<C, (H - Window) / S + 1, (W - Window) / S + 1>.
template <std::size_t Window, class... Opts>
struct pool_rule : layer_defaults {
  static constexpr std::size_t window_size = Window;
  static constexpr std::size_t stride_v = option_value<stride, Window, Opts...>();

  static std::string name_with(char const* kind) {
    std::string s = std::string(kind) + "<" + std::to_string(Window);
    if (stride_v != Window)
      s += ",stride<" + std::to_string(stride_v) + ">";
    return s + ">";
  }

  template <class In>
  using geometry = window_geometry<In, Window, stride_v, 0>;

  template <class In>
  using check_t = first_reason_t<options_reason_t<(is_option_v<stride, Opts> && ...), Opts...>,
                                 decltype(window_reason<In, Window, stride_v, 0>())>;
  template <class In>
  using output_shape_t = shape<dim_v<In, 0>, geometry<In>::out_height, geometry<In>::out_width>;
  template <class In>
  static constexpr std::size_t flops_v = size_v<output_shape_t<In>>* Window* Window;
  template <class In>
  static constexpr std::size_t backward_flops_v = size_v<output_shape_t<In>>* Window* Window;

  /// Calls f(out_index, in_offsets...) for every output element of one sample, where the
  /// input offsets of its window are visited through visit(window_base, f2).
  template <class In, class F>
  static constexpr void for_each_window(F&& f) noexcept {
    using g = geometry<In>;
    for (std::size_t c = 0; c < g::channels; ++c)
      for (std::size_t oh = 0; oh < g::out_height; ++oh)
        for (std::size_t ow = 0; ow < g::out_width; ++ow)
          f((c * g::out_height + oh) * g::out_width + ow,
            c * g::in_plane + oh * stride_v * g::width + ow * stride_v);
  }

  /// Offset of element (kh, kw) of a window from its first element.
  template <class In>
  static constexpr std::size_t at(std::size_t kh, std::size_t kw) noexcept {
    return kh * geometry<In>::width + kw;
  }
};

}  // namespace ctnn::detail
