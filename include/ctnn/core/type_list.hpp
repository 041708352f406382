// SPDX-License-Identifier: BSL-1.0
// ctnn::type_list and the type-level queries the library needs over it.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn {

/// A flat list of types; the only list type in ctnn's public interface.
template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

namespace detail {

// Indexing by overload resolution against one class that derives from indexed<I, T> for every
// element: the class is built once per list, and each lookup deduces T from the one base whose
// index matches, instantiating nothing whose size grows with the list.  (Boost.Hana's at_c
// instantiated functions over the whole tuple type per index: memory quadratic in depth.)
template <std::size_t I, class T>
struct indexed {
  using type = T;
};
template <class Sequence, class... Ts>
struct index_table;
template <std::size_t... I, class... Ts>
struct index_table<std::index_sequence<I...>, Ts...> : indexed<I, Ts>... {};

template <std::size_t I, class T>
indexed<I, T> pick(indexed<I, T> const*);

template <std::size_t I, class List>
struct at_impl;
template <std::size_t I, class... Ts>
struct at_impl<I, type_list<Ts...>> {
  static_assert(I < sizeof...(Ts), "ctnn::at_t<I, List>: index out of range");
  using type = typename decltype(pick<I>(
      static_cast<index_table<std::index_sequence_for<Ts...>, Ts...> const*>(nullptr)))::type;
};

}  // namespace detail

/// The I-th type of a type_list.
template <std::size_t I, class List>
using at_t = typename detail::at_impl<I, List>::type;

/// The last type of a non-empty pack, found by a comma fold (no recursion).
template <class... Ts>
requires(sizeof...(Ts) > 0) using last_t = typename decltype((std::type_identity<Ts>{}, ...))::type;

}  // namespace ctnn
