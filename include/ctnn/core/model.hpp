// SPDX-License-Identifier: BSL-1.0
// ctnn::model and ctnn::workspace: the fixed-size memory a network runs on.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/core/network.hpp>

#include <array>
#include <cstddef>
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

  T* input() noexcept { return buffer.data(); }
  T* region() noexcept { return buffer.data() + input_count; }
};

}  // namespace ctnn
