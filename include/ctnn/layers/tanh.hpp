// SPDX-License-Identifier: BSL-1.0
// ctnn::tanh: hyperbolic tangent.
#pragma once

#include <ctnn/layers/detail/elementwise.hpp>

#include <cmath>
#include <string>

namespace ctnn {

/// Hyperbolic tangent.  in: S -> out: S; params: 0.
struct tanh : detail::elementwise<tanh> {
  static constexpr std::size_t flops_per_element = 4;
  static std::string name() { return "tanh"; }
  template <class T>
  static T value(T x) noexcept {
    return std::tanh(x);
  }
  template <class T>
  static constexpr T slope(T, T y) noexcept {
    return T{1} - y * y;
  }
};

}  // namespace ctnn
