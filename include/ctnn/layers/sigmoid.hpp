// SPDX-License-Identifier: BSL-1.0
// ctnn::sigmoid: 1 / (1 + exp(-x)).
#pragma once

#include <ctnn/layers/detail/elementwise.hpp>

#include <cmath>
#include <string>

namespace ctnn {

/// Logistic sigmoid.  in: S -> out: S; params: 0.
struct sigmoid : detail::elementwise<sigmoid> {
  static constexpr std::size_t flops_per_element = 4;
  static std::string name() { return "sigmoid"; }
  template <class T>
  static T value(T x) noexcept {
    // Written on the side where exp cannot overflow.
    if (x >= T{0})
      return T{1} / (T{1} + std::exp(-x));
    T e = std::exp(x);
    return e / (T{1} + e);
  }
  template <class T>
  static constexpr T slope(T, T y) noexcept {
    return y * (T{1} - y);
  }
};

}  // namespace ctnn
