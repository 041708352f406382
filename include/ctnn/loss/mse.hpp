// SPDX-License-Identifier: BSL-1.0
// ctnn::mse: mean squared error against real-valued targets.
#pragma once

#include <cstddef>

namespace ctnn {

/// Sum over outputs of (y - t)^2, per sample; d/dy = 2 (y - t) * scale.
struct mse {
  /// Returns the loss summed over the n samples.
  template <std::size_t Outputs, class T>
  static T forward_backward(const T* y, const T* target, std::size_t n, T* dy, T scale) noexcept {
    T total{};
    for (std::size_t i = 0; i < n * Outputs; ++i) {
      const T d = y[i] - target[i];
      total += d * d;
      if (dy != nullptr)
        dy[i] = T{2} * d * scale;
    }
    return total;
  }
};

}  // namespace ctnn
