// SPDX-License-Identifier: BSL-1.0
// ctnn::leaky_relu: x for x > 0, else (Num / Den) x.
#pragma once

#include <ctnn/layers/detail/elementwise.hpp>

#include <cstddef>
#include <string>

namespace ctnn {

/// Leaky ReLU with negative slope Num / Den (default 1/100).  in: S -> out: S; params: 0.
template <std::size_t Num = 1, std::size_t Den = 100>
struct leaky_relu : detail::elementwise<leaky_relu<Num, Den>> {
  static_assert(Den > 0, "ctnn::leaky_relu<Num, Den> requires Den >= 1");
  static constexpr std::size_t flops_per_element = 1;
  static std::string name() {
    return "leaky_relu<" + std::to_string(Num) + "/" + std::to_string(Den) + ">";
  }
  template <class T>
  static constexpr T negative_slope = static_cast<T>(Num) / static_cast<T>(Den);
  template <class T>
  static constexpr T value(T x) noexcept {
    return x > T{0} ? x : negative_slope<T> * x;
  }
  template <class T>
  static constexpr T slope(T x, T) noexcept {
    return x > T{0} ? T{1} : negative_slope<T>;
  }
  // The same over whole vectors (see detail::activation_values).
  template <class T>
  static detail::simd::vec<T> vector_value(detail::simd::vec<T> x) noexcept {
    const detail::simd::vec<T> negative = x * negative_slope<T>;
    return x > T{0} ? x : negative;
  }
  template <class T>
  static detail::simd::vec<T> vector_delta(detail::simd::vec<T> dy, detail::simd::vec<T> x,
                                           detail::simd::vec<T>) noexcept {
    const detail::simd::vec<T> negative = dy * negative_slope<T>;
    return x > T{0} ? dy : negative;
  }
};

}  // namespace ctnn
