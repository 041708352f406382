// SPDX-License-Identifier: BSL-1.0
// ctnn::shape: a tensor shape whose every dimension is a compile-time constant.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace ctnn {

/// A fully static tensor shape, outermost dimension first (e.g. shape<C, H, W>).
template <std::size_t... Dims>
struct shape {
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  static constexpr std::array<std::size_t, sizeof...(Dims)> dims{Dims...};
};

namespace detail {
template <class S>
inline constexpr bool is_shape_v = false;
template <std::size_t... D>
inline constexpr bool is_shape_v<shape<D...>> = true;
}  // namespace detail

/// True for ctnn::shape<...>.
template <class S>
concept shape_type = detail::is_shape_v<S>;

/// Number of dimensions of a shape.
template <shape_type S>
inline constexpr std::size_t rank_v = S::rank;

/// Number of elements of a shape (the product of its dimensions).
template <shape_type S>
inline constexpr std::size_t size_v = S::size;

/// Dimension I of a shape (0 = outermost).
template <shape_type S, std::size_t I>
requires(I < S::rank) inline constexpr std::size_t dim_v = S::dims[I];

/// "16x7x7": how diagnostics, summaries and fingerprints print a shape.
template <std::size_t... Dims>
std::string to_string(shape<Dims...>) {
  std::string out;
  (
      [&](std::size_t d) {
        if (!out.empty())
          out += 'x';
        out += std::to_string(d);
      }(Dims),
      ...);
  return out;
}

}  // namespace ctnn
