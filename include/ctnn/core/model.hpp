// SPDX-License-Identifier: BSL-1.0
// ctnn::model and ctnn::workspace: the fixed-size memory a network runs on.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/core/network.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <span>

namespace ctnn {

/// Every trainable parameter of Net in one contiguous block (layer I's slice starts at
/// Net::parameter_offsets[I]), and every state value (batch_norm running statistics).
/// Optimizers and checkpoints work on these two flat arrays.
template <network_type Net, class T = float>
struct model {
  using network_type = Net;
  using value_type = T;
  std::array<T, Net::parameter_count> parameters{};
  std::array<T, Net::state_count> state{};

  /// Fills parameters and state through an initializer (see ctnn/core/layer.hpp).
  template <initializer_for<T> Init>
  void initialize(Init& init) {
    Net::chain_type::initialize(parameters.data(), state.data(), init);
  }

  /// Layer I's parameters.
  template <std::size_t I>
  std::span<T> layer_parameters() noexcept {
    return std::span<T>(parameters)
        .subspan(Net::parameter_offsets[I],
                 Net::parameter_offsets[I + 1] - Net::parameter_offsets[I]);
  }
};

/// Gradients of every parameter, laid out like model::parameters.
template <network_type Net, class T = float>
using gradients = std::array<T, Net::parameter_count>;

/// Activations, deltas and scratch for up to Capacity samples; a fixed-size object, so it can
/// live on the stack (small Capacity) or be allocated once before training.
template <network_type Net, class T = float, std::size_t Capacity = 1>
struct workspace {
  static_assert(Capacity > 0, "ctnn::workspace<Net, T, Capacity> requires Capacity >= 1");
  using network_type = Net;
  using value_type = T;
  static constexpr std::size_t capacity = Capacity;
  static constexpr std::size_t input_count = Capacity * size_v<typename Net::input_shape>;
  // Left uninitialised: every element is written by a pass before it is read.
  std::array<T, Net::workspace_count(Capacity)> buffer;
  // Samples of the last forward pass run in this workspace (0: none yet); backward refuses
  // to run over activations no forward wrote.
  std::size_t forward_samples = 0;

  T* input() noexcept { return buffer.data(); }
  T* region() noexcept { return buffer.data() + input_count; }
};

namespace detail {
template <std::size_t Bytes, std::size_t Limit>
struct stack_object_check {
  static_assert(Bytes <= Limit, "ctnn::require_stack<Object, Limit>: the object (left, bytes) is "
                                "larger than the stack limit (right); allocate it with "
                                "ctnn::make_model or ctnn::make_workspace instead");
  static constexpr bool value = true;  // the assertion above is the report
};
}  // namespace detail

/// Whether an object of type Object may live on the stack: sizeof(Object) <= Limit
/// (default CTNN_STACK_LIMIT_BYTES, 1 MiB; a thread's stack is often 512 KiB to 8 MiB).
template <class Object, std::size_t Limit = std::size_t{CTNN_STACK_LIMIT_BYTES}>
inline constexpr bool fits_on_stack_v = sizeof(Object) <= Limit;

/// The guard for stack objects: `static_assert(ctnn::require_stack<workspace<Net, float, 32>>);`
/// before declaring one as a local.  When it does not fit, the diagnostic shows both sizes
/// in bytes and names the heap alternative (make_model, make_workspace).
template <class Object, std::size_t Limit = std::size_t{CTNN_STACK_LIMIT_BYTES}>
inline constexpr bool require_stack = detail::stack_object_check<sizeof(Object), Limit>::value;

/// A model on the heap, zero-initialised like a value-initialised model.
template <network_type Net, class T = float>
std::unique_ptr<model<Net, T>> make_model() {
  return std::make_unique<model<Net, T>>();
}

/// A workspace on the heap, left uninitialised (a pass writes what it reads), so memory for
/// samples never used is never touched.
template <network_type Net, class T = float, std::size_t Capacity = 1>
std::unique_ptr<workspace<Net, T, Capacity>> make_workspace() {
  return std::make_unique_for_overwrite<workspace<Net, T, Capacity>>();
}

}  // namespace ctnn
