// SPDX-License-Identifier: BSL-1.0
// Geometry shared by the sliding-window layers (conv2d, max_pool, avg_pool).
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/shape.hpp>

#include <cstddef>

namespace ctnn {

/// Size of a convolution kernel or pooling window, as printed in diagnostics.
template <std::size_t K>
struct window {};
/// Height and width a window slides over, padding included.
template <std::size_t H, std::size_t W>
struct height_width {};

/// The window does not fit in its (padded) input, so there is no output position.
template <class Window, class Input>
struct window_exceeds_input {};

namespace detail {

/// A K x K window moving by S over a [C, H, W] input padded by P on each side.
template <class In, std::size_t K, std::size_t S, std::size_t P>
struct window_geometry {
  static constexpr std::size_t channels = dim_v<In, 0>;
  static constexpr std::size_t height = dim_v<In, 1>;
  static constexpr std::size_t width = dim_v<In, 2>;
  static constexpr std::size_t out_height = (height + 2 * P - K) / S + 1;
  static constexpr std::size_t out_width = (width + 2 * P - K) / S + 1;
  static constexpr std::size_t positions = out_height * out_width;
  static constexpr std::size_t in_plane = height * width;
};

template <class In, std::size_t K, std::size_t S, std::size_t P>
consteval auto window_reason() {
  if constexpr (rank_v<In> != 3)
    return expects_channels_height_width_input{};
  else if constexpr (S == 0)
    return stride_must_be_positive{};
  else if constexpr (K == 0)
    return window_must_be_positive{};
  else if constexpr (K > dim_v<In, 1> + 2 * P || K > dim_v<In, 2> + 2 * P)
    return window_exceeds_input<window<K>,
                                height_width<dim_v<In, 1> + 2 * P, dim_v<In, 2> + 2 * P>>{};
  else
    return ok{};
}

}  // namespace detail
}  // namespace ctnn
