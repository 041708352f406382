// SPDX-License-Identifier: BSL-1.0
// The vocabulary of ctnn's diagnostics: error records that name a layer, its input and why.
#pragma once

#include <ctnn/core/shape.hpp>

#include <cstddef>

namespace ctnn {

/// A layer accepts its input: the result of every successful check.
struct ok {};

/// Position of a layer in its network (0 = first layer after the input).
template <std::size_t I>
struct layer_index {};

/// The shape a layer was given.
template <class Shape>
struct input_shape {};

/// Why layer Index of kind Layer rejected its Input shape.  Printed by the compiler in full,
/// this type is the body of every "bad network" diagnostic.
template <class Index, class Layer, class Input, class Reason>
struct layer_error {};

// Reasons shared by several layers; layer-specific reasons live with their layer.

/// dense and friends take a rank-1 input; a spatial input needs ctnn::flatten first.
struct expects_flat_input_add_flatten {};
/// conv2d and pooling take [channels, height, width].
struct expects_channels_height_width_input {};
/// A stride of 0 would never move the window.
struct stride_must_be_positive {};
/// A kernel or window of size 0 sees nothing.
struct window_must_be_positive {};
/// The layer's output would have no elements.
template <class Output>
struct produces_empty_output {};
/// The options given include one the layer does not understand (e.g. pad<> on max_pool).
template <class... Options>
struct unknown_option_among {};
/// The type in the list is not a ctnn layer at all.
struct not_a_layer {};
/// A layer option (stride<>, pad<>, no_bias) appears more than once among Options.
template <class... Options>
struct option_given_more_than_once {};

// A type that looks like a layer but lacks a member of the layer protocol (ctnn::layer_for):
// the reason names the member (see docs/writing-a-layer.md).

/// `static std::string name()` is missing.
struct missing_member_name {};
/// `template <class In> using check_t = ...` (ok, or why In is rejected) is missing.
struct missing_member_check_t {};
/// `template <class In> using output_shape_t = ctnn::shape<...>` is missing.
struct missing_member_output_shape_t {};
/// output_shape_t<In> names a type that is not a ctnn::shape<...>.
template <class Type>
struct output_shape_t_is_not_a_shape {};
/// `template <class In> static constexpr std::size_t param_count_v` is missing (derive from
/// ctnn::layer_defaults for 0).
struct missing_member_param_count_v {};
/// `state_count_v<In>` is missing (ctnn::layer_defaults gives 0).
struct missing_member_state_count_v {};
/// `static constexpr std::size_t scratch_count<In>(std::size_t capacity)` is missing
/// (ctnn::layer_defaults gives 0).
struct missing_member_scratch_count {};
/// `template <class In> static constexpr std::size_t flops_v` is missing.
struct missing_member_flops_v {};
/// `template <class In> static constexpr std::size_t backward_flops_v` is missing.
struct missing_member_backward_flops_v {};
/// `template <class In, class T> static void forward(ctnn::forward_io<T> const&)` is missing.
struct missing_member_forward {};
/// `template <class In, class T> static void backward(ctnn::backward_io<T> const&)` is missing.
struct missing_member_backward {};
/// `template <class In, class T, class Init> static void initialize(T*, T*, Init&)` is missing
/// (ctnn::layer_defaults gives one that does nothing).
struct missing_member_initialize {};

/// Why a network's input shape is refused; printed as input_error<input_shape<S>, Reason>.
template <class Input, class Reason>
struct input_error {};
/// input<0, 28, 28>: a dimension of 0 leaves no element to compute with.
struct every_dimension_must_be_positive {};
/// input<>: a network's input has at least one dimension.
struct needs_at_least_one_dimension {};

/// A network's first type must be its input shape, ctnn::input<Dims...>.
template <class First>
struct first_type_is_not_an_input {};
/// A network has at least one layer after its input.
template <class Input>
struct no_layers_after {};

}  // namespace ctnn
