// SPDX-License-Identifier: BSL-1.0
// ctnn::class_label and ctnn::target_kind: what a data set's targets are, per sample.
#pragma once

#include <ctnn/core/shape.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace ctnn {

/// Target kind: one class index per sample (classification).
struct class_label {
  using value_type = std::uint32_t;  // wide enough for any number of classes
};

/// What a sample's target may be: ctnn::class_label or a shape (real values, regression).
template <class Target>
concept target_kind = std::same_as<Target, class_label> || shape_type<Target>;

namespace detail {
template <class Target>
struct target_traits;
template <>
struct target_traits<class_label> {
  using value_type = class_label::value_type;
  static constexpr std::size_t size = 1;
  static constexpr bool labelled = true;
};
template <std::size_t... Dims>
struct target_traits<shape<Dims...>> {
  using value_type = float;
  static constexpr std::size_t size = size_v<shape<Dims...>>;
  static constexpr bool labelled = false;
};
}  // namespace detail

/// The type of one stored target value: class_label::value_type or float.
template <target_kind Target>
using target_value_t = typename detail::target_traits<Target>::value_type;

/// Values stored per sample: 1 for a class label, size_v<Target> for a shape.
template <target_kind Target>
inline constexpr std::size_t target_size_v = detail::target_traits<Target>::size;

}  // namespace ctnn
