// SPDX-License-Identifier: BSL-1.0
// ctnn::normalization: the affine map a model applies to raw inputs, saved with its weights.
#pragma once

#include <ctnn/core/shape.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

/// How many groups of inputs share one mean and deviation: a channel of an image
/// ([C, H, W] -> C), the whole image for [H, W], and each feature of a vector ([N] -> N).
template <shape_type In>
inline constexpr std::size_t normalization_groups_v = [] {
  if constexpr (rank_v<In> == 1)
    return size_v<In>;
  else if constexpr (rank_v<In> == 3)
    return In::dims[0];
  else
    return std::size_t{1};
}();

/// x' = (x - mean[g]) / stddev[g] for every input element x of group g.  A model carries one,
/// so that a saved model predicts from raw inputs without the training set's statistics.
/// The default (mean 0, deviation 1) leaves inputs as they are.
template <shape_type In, class T = float>
struct normalization {
  static constexpr std::size_t groups = normalization_groups_v<In>;
  static constexpr std::size_t group_size = size_v<In> / groups;  // consecutive elements
  std::array<T, groups> mean = [] {
    std::array<T, groups> a{};
    a.fill(T{0});
    return a;
  }();
  std::array<T, groups> stddev = [] {
    std::array<T, groups> a{};
    a.fill(T{1});
    return a;
  }();

  bool is_identity() const noexcept {
    for (std::size_t g = 0; g < groups; ++g)
      if (mean[g] != T{0} || stddev[g] != T{1})
        return false;
    return true;
  }

  /// Writes n normalised samples ([n][size_v<In>]) from raw ones; out may equal raw.
  constexpr void apply(const T* raw, T* out, std::size_t n) const noexcept {
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t g = 0; g < groups; ++g) {
        const T m = mean[g], inv = T{1} / stddev[g];
        const std::size_t at = s * size_v<In> + g * group_size;
        for (std::size_t i = 0; i < group_size; ++i)
          out[at + i] = (raw[at + i] - m) * inv;
      }
  }
};

}  // namespace ctnn
