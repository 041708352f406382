// SPDX-License-Identifier: BSL-1.0
// Layer options (stride, pad, no_bias) and the helpers that read them from a pack.
#pragma once

#include <cstddef>
#include <type_traits>

namespace ctnn {

/// Step of a sliding window, in elements (both spatial axes).
template <std::size_t S>
struct stride {
  static constexpr std::size_t value = S;
};

/// Zero padding added on every side (both spatial axes).
template <std::size_t P>
struct pad {
  static constexpr std::size_t value = P;
};

/// Drops the bias term of dense or conv2d.
struct no_bias {};

namespace detail {

template <template <std::size_t> class Tag, class O>
inline constexpr bool is_option_v = false;
template <template <std::size_t> class Tag, std::size_t V>
inline constexpr bool is_option_v<Tag, Tag<V>> = true;

/// How many options of kind Tag (stride<> or pad<>) a layer was given.
template <template <std::size_t> class Tag, class... Opts>
inline constexpr std::size_t option_count_v = (std::size_t{0} + ... +
                                               (is_option_v<Tag, Opts> ? 1 : 0));

template <std::size_t Count, class... Opts>
struct option_given_once {
  static_assert(Count <= 1, "ctnn: a layer option (stride<> or pad<>) is given more than once "
                            "(left: how many times; the options are in the type above); give "
                            "each option once");
  static constexpr bool value = true;  // the assertion above is the report
};

/// Value of option Tag<V> in Opts, or Default when absent; giving one twice does not compile.
template <template <std::size_t> class Tag, std::size_t Default, class... Opts>
consteval std::size_t option_value() {
  static_assert(option_given_once<option_count_v<Tag, Opts...>, Opts...>::value);
  std::size_t value = Default;
  (
      [&]<class O>() {
        if constexpr (is_option_v<Tag, O>)
          value = O::value;
      }.template operator()<Opts>(),
      ...);
  return value;
}

template <class Flag, class... Opts>
inline constexpr bool has_flag_v = (std::is_same_v<Flag, Opts> || ...);

}  // namespace detail
}  // namespace ctnn
