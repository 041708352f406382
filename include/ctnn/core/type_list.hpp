// SPDX-License-Identifier: BSL-1.0
// ctnn::type_list and the type-level queries the library needs over it (via Boost.Hana).
#pragma once

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <cstddef>
#include <type_traits>

namespace ctnn {

/// A flat list of types; the only list type in ctnn's public interface.
template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

namespace detail {

// The one place where ctnn lists meet Hana: indexing is O(1) in instantiation depth here,
// where a hand-written recursion would be O(N) and slow to compile for deep networks.
template <std::size_t I, class List>
struct at_impl;
template <std::size_t I, class... Ts>
struct at_impl<I, type_list<Ts...>> {
  using type = typename decltype(+boost::hana::at_c<I>(boost::hana::tuple_t<Ts...>))::type;
};

}  // namespace detail

/// The I-th type of a type_list.
template <std::size_t I, class List>
using at_t = typename detail::at_impl<I, List>::type;

/// The last type of a non-empty pack, found by a comma fold (no recursion).
template <class... Ts>
requires(sizeof...(Ts) > 0) using last_t = typename decltype((std::type_identity<Ts>{}, ...))::type;

}  // namespace ctnn
