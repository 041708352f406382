// SPDX-License-Identifier: BSL-1.0
// Shape inference: the single walk that threads each layer's output shape into the next.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/type_list.hpp>

#include <cstddef>
#include <utility>

namespace ctnn {
namespace detail {

// The walk is a left fold of `>>` over step<I, L> tags.  Its state is either
// trace<Last, type_list<Shapes...>> (the latest shape, and every shape so far, input first) or
// failed<Error>.  A failed state absorbs later steps without touching their layers, so the
// user sees the first error and only that one.  The list is one opaque argument of the state,
// so a step deduces two types, not a pack of every shape so far (that made compile time
// quadratic in depth).
template <class Last, class Shapes>
struct trace {};
template <class Error>
struct failed {};
template <std::size_t I, class L>
struct step {};

template <std::size_t I, class L, class In, class Reason>
struct verdict {
  using type = failed<layer_error<layer_index<I>, L, input_shape<In>, Reason>>;
};
template <std::size_t I, class L, class In>
struct verdict<I, L, In, ok> {
  using out = typename L::template output_shape_t<In>;
  using type = std::conditional_t<
      size_v<out> == 0,
      failed<layer_error<layer_index<I>, L, input_shape<In>, produces_empty_output<out>>>, out>;
};

// Whether L conforms to the layer protocol on In and accepts it: ok or the first reason not
// to (the layer's own check_t<In>, or a protocol member it lacks).  The network's value type
// is not known here; float, the library's default, stands in for it.
template <class L, class In>
struct check_of {
  using type = layer_reason_t<L, In, float>;
};

// The state the walk starts from: the input shape, or the reason it cannot be one.
template <class In>
struct start {
  using type = trace<In, type_list<In>>;
};
template <std::size_t... D>
requires(sizeof...(D) == 0) struct start<shape<D...>> {
  using type = failed<input_error<input_shape<shape<D...>>, needs_at_least_one_dimension>>;
};
template <std::size_t... D>
requires(sizeof...(D) > 0 && ((D == 0) || ...)) struct start<shape<D...>> {
  using type = failed<input_error<input_shape<shape<D...>>, every_dimension_must_be_positive>>;
};

template <class Next, class Shapes>
struct append;
template <class Next, class... Shapes>
struct append<Next, type_list<Shapes...>> {
  using type = trace<Next, type_list<Shapes..., Next>>;
};
template <class Error, class... Shapes>
struct append<failed<Error>, type_list<Shapes...>> {
  using type = failed<Error>;
};

template <class Last, class Shapes, std::size_t I, class L>
auto operator>>(trace<Last, Shapes>, step<I, L>) ->
    typename append<typename verdict<I, L, Last, typename check_of<L, Last>::type>::type,
                    Shapes>::type;

template <class Error, std::size_t I, class L>
auto operator>>(failed<Error>, step<I, L>) -> failed<Error>;

template <class In, class... Layers, std::size_t... I>
auto walk(std::index_sequence<I...>)
    -> decltype((typename start<In>::type{} >> ... >> step<I, Layers>{}));

template <class Walk>
struct walk_result;
template <class Last, class Shapes>
struct walk_result<trace<Last, Shapes>> {
  using error = ok;
  using shapes = Shapes;
};
template <class Error>
struct walk_result<failed<Error>> {
  using error = Error;
  using shapes = void;
};

}  // namespace detail

/// Result of running shape inference on Layers from input shape In: `error` is ok, the
/// input_error of an input with no elements, or the layer_error of the first layer that
/// rejects its input or lacks a member of the layer protocol (ctnn::layer_for); `shapes` lists the
/// input and every layer's output shape (void on error).  This never fails to compile: it is the
/// substitution-friendly twin of the checks in ctnn::network.
template <class In, class... Layers>
using infer_t = detail::walk_result<decltype(detail::walk<In, Layers...>(
    std::index_sequence_for<Layers...>{}))>;

/// Whether Layers accept input shape In, one after another.
template <class In, class... Layers>
inline constexpr bool is_valid_chain_v = std::is_same_v<typename infer_t<In, Layers...>::error, ok>;

}  // namespace ctnn
