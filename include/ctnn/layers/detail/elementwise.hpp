// SPDX-License-Identifier: BSL-1.0
// What the element-wise activations share: shape rule, passes over value() and slope().
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>

#include <cstddef>

namespace ctnn::detail {

/// An activation applied to every element.  in: S -> out: S; params: 0.  Derived provides
/// value(x) and slope(x, y) = dy/dx, which may use either the input or the output.
template <class Derived>
struct elementwise : layer_defaults {
  /// Marks an element-wise activation: a producer layer may apply it as it writes its output
  /// (see detail::fuses_activation in core/chain.hpp).
  using elementwise_activation = Derived;
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t flops_v = Derived::flops_per_element* size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = 2 * size_v<In>;

  template <class In, class T>
  static void forward(forward_io<T> const& io) noexcept {
    const std::size_t count = io.n * size_v<In>;
    for (std::size_t i = 0; i < count; ++i)
      io.y[i] = Derived::value(io.x[i]);
  }

  template <class In, class T>
  static void backward(backward_io<T> const& io) noexcept {
    if (io.dx == nullptr)
      return;
    const std::size_t count = io.n * size_v<In>;
    for (std::size_t i = 0; i < count; ++i)
      io.dx[i] = io.dy[i] * Derived::slope(io.x[i], io.y[i]);
  }
};

}  // namespace ctnn::detail
