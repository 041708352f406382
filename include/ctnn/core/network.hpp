// SPDX-License-Identifier: BSL-1.0
// ctnn::network: an input shape followed by a list of layers, validated at compile time.
#pragma once

#include <ctnn/core/chain.hpp>
#include <ctnn/core/error.hpp>
#include <ctnn/core/infer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/type_list.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

/// Largest per-sample workspace, in bytes of float, that ctnn::network accepts (activations,
/// deltas and layer scratch of one sample).  Define it before including ctnn to change it.
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

template <std::size_t Bytes, std::size_t Limit>
struct stack_check {
  static_assert(Bytes <= Limit, "ctnn::network: per-sample workspace (left, bytes) exceeds "
                                "CTNN_STACK_LIMIT_BYTES (right); shrink the network or define a "
                                "larger limit");
  static constexpr bool value = true;  // the assertion above is the report
};

// What a network is built on once it is known to be valid; before that, a stand-in with the
// same members, so that a reported error is not followed by errors about its consequences.
struct no_chain {
  template <std::size_t I>
  using layer_t = void;
  template <std::size_t I>
  using input_t = shape<1>;
  template <std::size_t I>
  using output_t = shape<1>;
  using output_shape = shape<1>;
  static constexpr std::size_t size = 0, param_count = 0, state_count = 0, activation_count = 0,
                               largest_shape = 1, flops = 0, backward_flops = 0;
  static constexpr std::array<std::size_t, 1> param_offsets{}, state_offsets{};
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

// The error a network reports, or ok: no input, no layers, or the first layer that fails.
template <class Input, class... Layers>
struct network_error {
  using type = typename infer_t<typename shape_of_input<Input>::type, Layers...>::error;
};

}  // namespace detail

/// A neural network as a type: Input = ctnn::input<Dims...>, then the layers in order.
/// Every shape after the input is inferred; an invalid network fails to compile with one
/// diagnostic whose condition names the first bad layer's index, kind and input shape.
template <class Input, class... Layers>
struct network {
  static_assert(detail::is_input_v<Input>,
                "ctnn::network<Input, Layers...> requires Input to be ctnn::input<Dims...> "
                "(the network's input shape comes first)");
  static_assert(sizeof...(Layers) > 0,
                "ctnn::network<Input, Layers...> requires at least one layer after the input");

  using input_shape = typename detail::shape_of_input<Input>::type;
  using error = typename detail::network_error<Input, Layers...>::type;

  static_assert(
      std::is_same_v<error, ok>,
      "ctnn::network: a layer does not accept the shape it is given (the layer's index, "
      "kind, input shape and reason are in the ctnn::layer_error type of this condition)");

  static constexpr bool valid =
      detail::is_input_v<Input> && sizeof...(Layers) > 0 && std::is_same_v<error, ok>;

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

  static constexpr std::size_t layer_count = sizeof...(Layers);
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
  /// Bytes of workspace per sample in float, checked against CTNN_STACK_LIMIT_BYTES.
  static constexpr std::size_t stack_bytes_per_sample = sizeof(float) * workspace_count(1);

  // Checked through a template so that both compilers print the two numbers.
  static_assert(
      detail::stack_check<stack_bytes_per_sample, std::size_t{CTNN_STACK_LIMIT_BYTES}>::value);
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

/// Whether a network has at most Budget trainable parameters.
template <class Net, std::size_t Budget>
concept within_budget = network_type<Net> &&(Net::parameter_count <= Budget);

namespace detail {
template <std::size_t Parameters, std::size_t Budget>
struct budget_check {
  static_assert(Parameters <= Budget,
                "ctnn::require_budget<Net, Budget>: the network has more trainable parameters "
                "(left) than the budget allows (right)");
  // True once instantiated: the assertion above is the report, and a second, vaguer error
  // from the caller's own static_assert would only repeat it.
  static constexpr bool value = true;
};
}  // namespace detail

/// A hard budget: `static_assert(ctnn::require_budget<Net, 202'620>)` fails to compile with
/// both numbers in the diagnostic when Net has too many parameters (and is true otherwise).
template <network_type Net, std::size_t Budget>
inline constexpr bool require_budget = detail::budget_check<Net::parameter_count, Budget>::value;

}  // namespace ctnn
