// SPDX-License-Identifier: BSL-1.0
// Shape inference: the single walk that threads each layer's output shape into
// the next.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/type_list.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn {
namespace detail {

/// Layer L can apply the element-wise activation A to its output as it writes
/// it (forward_then) and take A's output delta instead of its own
/// (backward_through): the pair then makes one pass over the output instead of
/// three (write, read, write) forward and one instead of two backward.  The
/// activation's output is still written, so every layer_output stays available.
template <class L, class A>
concept fuses_activation = requires {
  requires L::fuses_activation;
  requires std::is_same_v<typename A::elementwise_activation, A>;
};

// Whether layer L, an activation, runs inside the passes of Prev (void: no
// layer before).
template <class Prev, class L>
consteval bool fused_pair() {
  if constexpr (std::is_void_v<Prev> || std::is_void_v<L>)
    return false;
  else
    return fuses_activation<Prev, L>;
}

// What the walk knows of layer I once it accepted its input: the layer, its
// input and output shapes, the layer before it (void for the first) with that
// layer's input, and where its values go: its offsets in the flat parameter and
// state blocks and in the outputs area (per sample), and how many of the layers
// 0..I run passes of their own (an activation that the layer before it applies
// runs none).  A pass over these records needs no lookup by index: each lookup
// costs the compiler time and memory that grow with the list, which over all
// layers made compile time quadratic in depth.
template <std::size_t I, class L, class In, class Out, class Prev, class PrevIn, std::size_t P,
          std::size_t S, std::size_t O, std::size_t U>
struct walk_entry {
  static constexpr std::size_t index = I;
  using layer = L;
  using input = In;
  using output = Out;
  using previous = Prev;
  using previous_input = PrevIn;
  static constexpr std::size_t param_offset = P, state_offset = S, output_offset = O;
  static constexpr std::size_t param_count = L::template param_count_v<In>;
  static constexpr std::size_t state_count = L::template state_count_v<In>;
  static constexpr std::size_t runs_through = U;
  static constexpr bool fused_into_previous = fused_pair<Prev, L>();
};

/// One layer of a valid chain as the shape walk saw it (a walk_entry), and the
/// layer after it (void for the last).
template <class Entry, class Next>
struct layer_record : Entry {
  using next = Next;
  static constexpr bool fused_with_next = fused_pair<typename Entry::layer, Next>();
};

// The walk is a left fold of `>>` over step<I, L> tags.  Its state is either
// trace<Last, Entry, type_list<Records...>> (the latest shape, the entry of the
// layer that made it, and the records of the layers before that one) or
// failed<Error>.  A failed state absorbs later steps without touching their
// layers, so the user sees the first error and only that one.  The list is one
// opaque argument of the state, so a step deduces three types, not a pack of
// every record so far.
template <class Last, class Entry, class Records>
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

// Whether L conforms to the layer protocol on In and accepts it: ok or the
// first reason not to (the layer's own check_t<In>, or a protocol member it
// lacks).  The network's value type is not known here; float, the library's
// default, stands in for it.
template <class L, class In>
struct check_of {
  using type = layer_reason_t<L, In, float>;
};

// The state the walk starts from: the input shape, or the reason it cannot be
// one.
template <class In>
struct start {
  using type = trace<In, void, type_list<>>;
};
template <std::size_t... D>
requires(sizeof...(D) == 0) struct start<shape<D...>> {
  using type = failed<input_error<input_shape<shape<D...>>, needs_at_least_one_dimension>>;
};
template <std::size_t... D>
requires(sizeof...(D) > 0 && ((D == 0) || ...)) struct start<shape<D...>> {
  using type = failed<input_error<input_shape<shape<D...>>, every_dimension_must_be_positive>>;
};

// The state after layer I (L, on input In) produced Out, given the entry of the
// layer before.
template <std::size_t I, class L, class In, class Out, class Entry, class Records>
struct advance;
template <std::size_t I, class L, class In, class Out>
struct advance<I, L, In, Out, void, type_list<>> {
  using type = trace<Out, walk_entry<I, L, In, Out, void, void, 0, 0, 0, 1>, type_list<>>;
};
template <std::size_t I, class L, class In, class Out, class E, class... Records>
struct advance<I, L, In, Out, E, type_list<Records...>> {
  using entry = walk_entry<I, L, In, Out, typename E::layer, typename E::input,
                           E::param_offset + E::param_count, E::state_offset + E::state_count,
                           E::output_offset + size_v<In>,
                           E::runs_through + (fused_pair<typename E::layer, L>() ? 0 : 1)>;
  using type = trace<Out, entry, type_list<Records..., layer_record<E, L>>>;
};
template <std::size_t I, class L, class In, class Error, class E, class... Records>
struct advance<I, L, In, failed<Error>, E, type_list<Records...>> {
  using type = failed<Error>;
};
template <std::size_t I, class L, class In, class Error>
struct advance<I, L, In, failed<Error>, void, type_list<>> {
  using type = failed<Error>;
};

template <class Last, class Entry, class Records, std::size_t I, class L>
auto operator>>(trace<Last, Entry, Records>, step<I, L>) ->
    typename advance<I, L, Last,
                     typename verdict<I, L, Last, typename check_of<L, Last>::type>::type, Entry,
                     Records>::type;

template <class Error, std::size_t I, class L>
auto operator>>(failed<Error>, step<I, L>) -> failed<Error>;

template <class In, class... Layers, std::size_t... I>
auto walk(std::index_sequence<I...>)
    -> decltype((typename start<In>::type{} >> ... >> step<I, Layers>{}));

template <class In, class Walk>
struct walk_result;
template <class In>
struct walk_result<In, trace<In, void, type_list<>>> {
  using error = ok;
  using records = type_list<>;
  using shapes = type_list<In>;
  using output = In;
};
template <class In, class Last, class Entry, class... Records>
struct walk_result<In, trace<Last, Entry, type_list<Records...>>> {
  using error = ok;
  using records = type_list<Records..., layer_record<Entry, void>>;
  using shapes = type_list<In, typename Records::output..., Last>;
  using output = Last;
};
template <class In, class Error>
struct walk_result<In, failed<Error>> {
  using error = Error;
  using records = void;
  using shapes = void;
  using output = void;
};

}  // namespace detail

/// Result of running shape inference on Layers from input shape In: `error` is
/// ok, the input_error of an input with no elements, or the layer_error of the
/// first layer that rejects its input or lacks a member of the layer protocol
/// (ctnn::layer_for); `shapes` lists the input and every layer's output shape,
/// `output` is the last, and `records` holds a detail::layer_record per layer
/// (all void on error).  This never fails to compile: it is the
/// substitution-friendly twin of the checks in ctnn::network.
template <class In, class... Layers>
using infer_t = detail::walk_result<In, decltype(detail::walk<In, Layers...>(
                                            std::index_sequence_for<Layers...>{}))>;

/// Whether Layers accept input shape In, one after another.
template <class In, class... Layers>
inline constexpr bool is_valid_chain_v = std::is_same_v<typename infer_t<In, Layers...>::error, ok>;

}  // namespace ctnn
