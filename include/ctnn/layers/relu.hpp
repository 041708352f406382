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
};

}  // namespace ctnn
