// SPDX-License-Identifier: BSL-1.0
// ctnn::mse: squared error against real-valued targets.
#pragma once

#include <ctnn/loss/loss.hpp>

#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace detail {
template <class Target, std::size_t Size>
inline constexpr bool real_target_of_size_v = false;
template <std::size_t... Dims, std::size_t Size>
inline constexpr bool real_target_of_size_v<shape<Dims...>, Size> = size_v<shape<Dims...>> == Size;
}  // namespace detail

/// Sum over outputs of (y - t)^2, per sample; d/dy = 2 (y - t) * scale.
/// Output: any shape; targets: a shape with as many values as the output.
struct mse {
  static constexpr bool classifies = false;

  template <class Out, class Target>
  using check_t = std::conditional_t<detail::real_target_of_size_v<Target, size_v<Out>>, void,
                                     loss_error<mse, network_output<Out>, dataset_target<Target>,
                                                expects_shape_target_of_the_output_size>>;

  template <class Out, class Target, class T, class Value>
  static loss_result<T> compute(const T* y, const Value* target, std::size_t n, T* dy,
                                T scale) noexcept {
    return {forward_backward<size_v<Out>>(y, target, n, dy, scale), 0};
  }

  /// The kernel: Outputs values per sample.  Returns the loss summed over the n samples.
  template <std::size_t Outputs, class T, class Value>
  static T forward_backward(const T* y, const Value* target, std::size_t n, T* dy,
                            T scale) noexcept {
    T total{};
    for (std::size_t i = 0; i < n * Outputs; ++i) {
      const T d = y[i] - static_cast<T>(target[i]);
      total += d * d;
      if (dy != nullptr)
        dy[i] = T{2} * d * scale;
    }
    return total;
  }
};

}  // namespace ctnn
