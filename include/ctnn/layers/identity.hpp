// SPDX-License-Identifier: BSL-1.0
// ctnn::identity: passes its input through (the default skip path of ctnn::residual).
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>

#include <algorithm>
#include <cstddef>
#include <string>

namespace ctnn {

/// y = x.  in: S -> out: S; params: 0.
struct identity : layer_defaults {
  static std::string name() { return "identity"; }
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t flops_v = 0;
  template <class In>
  static constexpr std::size_t backward_flops_v = 0;

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    std::copy_n(io.x, io.n * size_v<In>, io.y);
  }
  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    if (io.dx != nullptr)
      std::copy_n(io.dy, io.n * size_v<In>, io.dx);
  }
};

}  // namespace ctnn
