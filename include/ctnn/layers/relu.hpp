// SPDX-License-Identifier: BSL-1.0
// ctnn::relu: max(x, 0).
#pragma once

#include <ctnn/layers/detail/elementwise.hpp>

#include <string>

namespace ctnn {

/// Rectified linear unit, max(x, 0).  in: S -> out: S; params: 0.
struct relu : detail::elementwise<relu> {
  static constexpr std::size_t flops_per_element = 1;
  static std::string name() { return "relu"; }
  template <class T>
  static constexpr T value(T x) noexcept {
    return x > T{0} ? x : T{0};
  }
  template <class T>
  static constexpr T slope(T x, T) noexcept {
    return x > T{0} ? T{1} : T{0};
  }
  // dy * slope as a choice of values, which vectorises for every target (GCC 12 turned the
  // product into a branch per element for AVX2: a 35x slower backward on random signs).
  template <class T>
  static constexpr T delta(T dy, T x, T) noexcept {
    return x > T{0} ? dy : T{0};
  }
};

}  // namespace ctnn
