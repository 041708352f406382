// SPDX-License-Identifier: BSL-1.0
// Layer options (stride, pad, no_bias) and the helpers that read them from a pack.
#pragma once

#include <ctnn/core/error.hpp>

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

/// Value of option Tag<V> in Opts, or Default when absent.  An option given twice is
/// reported by the layer's check_t (see options_reason_t), not here: a layer type is named
/// (and these values computed) before the network reports its first error.
template <template <std::size_t> class Tag, std::size_t Default, class... Opts>
consteval std::size_t option_value() {
  std::size_t value = Default;
  (
      [&]<class O>() {
        if constexpr (is_option_v<Tag, O>)
          value = O::value;
      }.template operator()<Opts>(),
      ...);
  return value;
}

// Options of the same kind: stride<1> and stride<2> are, no_bias and no_bias are.
template <class A, class B>
inline constexpr bool same_kind_v = std::is_same_v<A, B>;
template <std::size_t A, std::size_t B>
inline constexpr bool same_kind_v<stride<A>, stride<B>> = true;
template <std::size_t A, std::size_t B>
inline constexpr bool same_kind_v<pad<A>, pad<B>> = true;

template <class O, class... Opts>
inline constexpr std::size_t kind_count_v = (std::size_t{0} + ... + (same_kind_v<O, Opts> ? 1 : 0));

/// What a layer's check_t says about its options: unknown_option_among<Opts...> unless
/// AllKnown, option_given_more_than_once<Opts...> when one kind appears twice, else ok.
template <bool AllKnown, class... Opts>
using options_reason_t =
    std::conditional_t<!AllKnown, unknown_option_among<Opts...>,
                       std::conditional_t<((kind_count_v<Opts, Opts...> <= 1) && ...), ok,
                                          option_given_more_than_once<Opts...>>>;

/// Reason, unless it is ok; then Otherwise.
template <class Reason, class Otherwise>
using first_reason_t = std::conditional_t<std::is_same_v<Reason, ok>, Otherwise, Reason>;

template <class Flag, class... Opts>
inline constexpr bool has_flag_v = (std::is_same_v<Flag, Opts> || ...);

}  // namespace detail
}  // namespace ctnn
