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

}  // namespace ctnn
