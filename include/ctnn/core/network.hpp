// SPDX-License-Identifier: BSL-1.0
// ctnn::network: an input shape followed by a list of layers, validated at compile time.
#pragma once

#include <ctnn/core/chain.hpp>
#include <ctnn/core/error.hpp>
#include <ctnn/core/infer.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/type_list.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

/// The largest object, in bytes, that ctnn::require_stack (core/model.hpp) lets a program
/// declare on the stack: a model or workspace declared as a local.  A network is a type and
/// never on the stack, so it has no limit of its own.  Define it before including ctnn to
/// change it; ctnn::make_model and ctnn::make_workspace put the same objects on the heap.
#ifndef CTNN_STACK_LIMIT_BYTES
#define CTNN_STACK_LIMIT_BYTES (1024 * 1024)
#endif

namespace ctnn {

/// The network's input: its shape, written once (e.g. input<1, 28, 28> for a grey image).
template <std::size_t... Dims>
struct input {
  using shape_type = shape<Dims...>;
};

namespace detail {

template <class T>
inline constexpr bool is_input_v = false;
template <std::size_t... D>
inline constexpr bool is_input_v<input<D...>> = true;

template <class T>
struct shape_of_input {
  using type = shape<1>;  // placeholder after a reported error
};
template <std::size_t... D>
struct shape_of_input<input<D...>> {
  using type = shape<D...>;
};

// The one report of a bad network: a class template whose only argument is the error record,
// so that g++ names the culprit in its first line ("In instantiation of
// 'struct ctnn::detail::report_network_error<ctnn::layer_error<...>>'"), before the long
// network type, and clang in the condition it prints.  The failed assertion belongs to this
// class, not to the network, whose own check of `value` (true) passes: the network stays a
// valid class whose members read detail::no_chain, so nothing downstream reports again.
template <class Error>
struct report_network_error {
  static constexpr bool value = true;
};
template <class Index, class Layer, class Input, class Reason>
struct report_network_error<layer_error<Index, Layer, Input, Reason>> {
  static_assert(std::is_same_v<layer_error<Index, Layer, Input, Reason>, ok>,
                "ctnn::network: a layer does not accept the shape it is given or lacks a member "
                "of the layer protocol (the layer's index, kind, input shape and reason are in "
                "the ctnn::layer_error type of this condition)");
  static constexpr bool value = true;  // the assertion above is the report
};
template <class Input, class Reason>
struct report_network_error<input_error<Input, Reason>> {
  static_assert(std::is_same_v<input_error<Input, Reason>, ok>,
                "ctnn::network: the input shape has no elements (the shape and the reason are "
                "in the ctnn::input_error type of this condition)");
  static constexpr bool value = true;  // the assertion above is the report
};
template <class First>
struct report_network_error<first_type_is_not_an_input<First>> {
  static_assert(std::is_same_v<first_type_is_not_an_input<First>, ok>,
                "ctnn::network<Input, Layers...> requires Input to be ctnn::input<Dims...> "
                "(the network's input shape comes first)");
  static constexpr bool value = true;  // the assertion above is the report
};
template <class Input>
struct report_network_error<no_layers_after<Input>> {
  static_assert(std::is_same_v<no_layers_after<Input>, ok>,
                "ctnn::network<Input, Layers...> requires at least one layer after the input");
  static constexpr bool value = true;  // the assertion above is the report
};

// Stands in for every layer of a network that has reported an error: it has every member
// of the layer protocol, so code that walks the layers compiles quietly.
struct no_layer : layer_defaults {
  static std::string name() { return "(invalid network)"; }
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = shape<1>;
  template <class In>
  static constexpr std::size_t flops_v = 0;
  template <class In>
  static constexpr std::size_t backward_flops_v = 0;
  template <class In, class T>
  static void forward(forward_io<T> const&) noexcept {}
  template <class In, class T>
  static void backward(backward_io<T> const&) noexcept {}
};

// What a network is built on once it is known to be valid; before that, a stand-in with the
// same members, so that a reported error is not followed by errors about its consequences.
struct no_chain {
  template <std::size_t I>
  using layer_t = no_layer;
  template <std::size_t I>
  using input_t = shape<1>;
  template <std::size_t I>
  using output_t = shape<1>;
  using output_shape = shape<1>;
  static constexpr std::size_t size = 0, param_count = 0, state_count = 0, activation_count = 0,
                               largest_shape = 1, flops = 0, backward_flops = 0;
  static constexpr std::array<std::size_t, 1> param_offsets{}, state_offsets{}, output_offsets{};
  static constexpr std::size_t scratch_count(std::size_t) noexcept { return 0; }
  template <class T, class... Args>
  static const T* forward(const T*, T*, T*, std::size_t, const T* x, Args&&...) noexcept {
    return x;
  }
  template <class... Args>
  static void backward(Args&&...) noexcept {}
  template <class... Args>
  static void initialize(Args&&...) noexcept {}
};

// The error a network reports, or ok: no input, no layers, an input without elements, or the
// first layer that fails.
template <class Input, class... Layers>
struct network_error {
  using type = typename infer_t<typename shape_of_input<Input>::type, Layers...>::error;
};
template <class Input, class... Layers>
requires(!is_input_v<Input>) struct network_error<Input, Layers...> {
  using type = first_type_is_not_an_input<Input>;
};
template <class Input>
requires is_input_v<Input>
struct network_error<Input> {
  using type = no_layers_after<Input>;
};

}  // namespace detail

/// A neural network as a type: Input = ctnn::input<Dims...>, then the layers in order.
/// Every shape after the input is inferred; an invalid network fails to compile with one
/// diagnostic whose condition names the first bad layer's index, kind and input shape.
template <class Input, class... Layers>
struct network {
  using input_shape = typename detail::shape_of_input<Input>::type;
  /// ok, or the record of what is wrong: the first bad layer (ctnn::layer_error), an input
  /// without elements (ctnn::input_error), no input or no layers.
  using error = typename detail::network_error<Input, Layers...>::type;
  static constexpr bool valid = std::is_same_v<error, ok>;

  // The one diagnostic of an invalid network; everything below then reads detail::no_chain.
  static_assert(detail::report_network_error<error>::value);

  using chain_type =
      typename std::conditional_t<valid, std::type_identity<chain<input_shape, Layers...>>,
                                  std::type_identity<detail::no_chain>>::type;

  using output_shape = typename chain_type::output_shape;
  using layers = type_list<Layers...>;

  template <std::size_t I>
  using layer_t = typename chain_type::template layer_t<I>;
  template <std::size_t I>
  using layer_input_t = typename chain_type::template input_t<I>;
  template <std::size_t I>
  using layer_output_t = typename chain_type::template output_t<I>;

  /// Layers of the network (0 once an error is reported, so that loops over them are empty).
  static constexpr std::size_t layer_count = valid ? sizeof...(Layers) : 0;
  /// Trainable parameters (batch_norm running statistics are state, not parameters).
  static constexpr std::size_t parameter_count = chain_type::param_count;
  /// Non-trainable values that a checkpoint must keep (batch_norm running statistics).
  static constexpr std::size_t state_count = chain_type::state_count;
  static constexpr auto parameter_offsets = chain_type::param_offsets;
  static constexpr auto state_offsets = chain_type::state_offsets;
  /// FLOPs of one sample's forward pass, and of one training step (forward + backward).
  static constexpr std::size_t forward_flops = chain_type::flops;
  static constexpr std::size_t training_flops = chain_type::flops + chain_type::backward_flops;
  /// Values a workspace holds per sample: the input, every activation, two delta buffers
  /// and the layers' scratch.
  static constexpr std::size_t workspace_count(std::size_t capacity) noexcept {
    return capacity * size_v<input_shape> + chain_type::scratch_count(capacity);
  }
  /// Bytes of activations (input and every layer's output) of one sample.
  template <class T = float>
  static constexpr std::size_t activation_bytes = sizeof(T) * (size_v<input_shape> +
                                                               chain_type::activation_count);
  /// Bytes of the trainable parameters and of the state, as stored in ctnn::model<Net, T>.
  template <class T = float>
  static constexpr std::size_t parameter_bytes = sizeof(T) * parameter_count;
  template <class T = float>
  static constexpr std::size_t state_bytes = sizeof(T) * state_count;
  /// Bytes of a one-sample workspace (ctnn::workspace<Net, T, 1>'s buffer): input,
  /// activations, deltas and scratch.  A Capacity-sample workspace holds about Capacity
  /// times as much.
  template <class T = float>
  static constexpr std::size_t workspace_bytes_per_sample = sizeof(T) * workspace_count(1);
  /// workspace_bytes_per_sample<float>.
  static constexpr std::size_t stack_bytes_per_sample = workspace_bytes_per_sample<float>;
};

namespace detail {
template <class T>
inline constexpr bool is_network_v = false;
template <class I, class... L>
inline constexpr bool is_network_v<network<I, L...>> = true;
}  // namespace detail

/// True for ctnn::network<...>.
template <class N>
concept network_type = detail::is_network_v<N>;

/// Trainable parameters of a network.
template <network_type Net>
inline constexpr std::size_t parameter_count_v = Net::parameter_count;

/// Shape of a network's output.
template <network_type Net>
using output_shape_t = typename Net::output_shape;

/// Shape of a network's input.
template <network_type Net>
using input_shape_t = typename Net::input_shape;

namespace detail {
// The count as a type: both compilers then print it as a number when the concept is not
// satisfied ("[with Budget = 150; Count = ctnn::detail::parameters<200>]").
template <std::size_t N>
struct parameters {
  static constexpr std::size_t value = N;
};
template <class Count, std::size_t Budget>
concept parameters_within_budget = Count::value <= Budget;
}  // namespace detail

/// Whether a network has at most Budget trainable parameters; when it has more, the
/// diagnostic shows both counts.
template <class Net, std::size_t Budget>
concept within_budget = network_type<Net> &&
    detail::parameters_within_budget<detail::parameters<Net::parameter_count>, Budget>;

namespace detail {
// A consteval function rather than a class: after its assertion fails, clang 14 would treat
// a class's `value` as unusable and report the user's static_assert a second time.
template <std::size_t Parameters, std::size_t Budget>
consteval bool budget_check() {
  static_assert(Parameters <= Budget,
                "ctnn::require_budget<Net, Budget>: the network has more trainable parameters "
                "(left) than the budget allows (right)");
  return true;  // the assertion above is the report
}
}  // namespace detail

/// A hard budget: `static_assert(ctnn::require_budget<Net, 202'620>)` fails to compile with
/// both numbers in the diagnostic when Net has too many parameters (and is true otherwise).
template <network_type Net, std::size_t Budget>
inline constexpr bool require_budget = detail::budget_check<Net::parameter_count, Budget>();

}  // namespace ctnn
