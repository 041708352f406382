// SPDX-License-Identifier: BSL-1.0
// The layer protocol: what every layer type provides, and the arguments its passes receive.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/shape.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ctnn {

/// Training uses batch statistics and dropout; evaluation uses running statistics.
enum class phase : std::uint8_t { train, eval };

/// What a pass needs besides tensors: the phase, and the counters from which dropout derives
/// its masks (counter-based, so forward and backward agree without storing a mask and the
/// masks do not depend on how a batch is split between threads).
struct run_context {
  ctnn::phase phase = phase::eval;
  std::uint64_t seed = 0;
  std::uint64_t step = 0;
  std::size_t first_sample = 0;  // index of sample 0 of this call within the mini-batch
};

/// Arguments of a layer's forward pass over n samples laid out [n][size].
template <class T>
struct forward_io {
  const T* params;       // this layer's slice of the network's parameter block
  T* state;              // this layer's non-trainable state (batch_norm running statistics)
  T* scratch;            // scratch_count(capacity) elements, kept until backward
  std::size_t capacity;  // most samples the workspace holds
  const T* x;            // [n][size_v<In>]
  T* y;                  // [n][size_v<Out>]
  std::size_t n;
  const run_context& ctx;
};

/// Arguments of a layer's backward pass: reads x, y and dy; adds parameter gradients into
/// grads; writes dx unless it is null (the first layer of a network has no input delta).
template <class T>
struct backward_io {
  const T* params;
  T* grads;
  const T* state;
  T* scratch;
  std::size_t capacity;
  const T* x;
  const T* y;
  const T* dy;
  T* dx;
  std::size_t n;
  const run_context& ctx;
};

/// Where a layer asks an initializer for values.  Weights get fan-in/fan-out so that He and
/// Xavier schemes can scale them; everything else gets a constant.
template <class I, class T>
concept initializer_for = requires(I& init, T* p, std::size_t n) {
  init.weights(p, n, n, n);
  init.constant(p, n, T{});
};

/// Members every layer L has, whatever its input.
template <class L>
concept layer = requires {
  { L::name() } -> std::convertible_to<std::string>;
};

/// L is a layer that accepts input shape In: ok is the result of its check.
template <class L, class In>
concept layer_for =
    layer<L> && shape_type<In> && std::same_as<typename L::template check_t<In>, ok> && requires {
  typename L::template output_shape_t<In>;
  { L::template param_count_v<In> } -> std::convertible_to<std::size_t>;
};

/// Defaults for the parts of the protocol most layers do not need.
struct layer_defaults {
  template <class In>
  static constexpr std::size_t param_count_v = 0;
  template <class In>
  static constexpr std::size_t state_count_v = 0;
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t) noexcept {
    return 0;
  }
  template <class In, class T, class Init>
  static void initialize(T*, T*, Init&) {}
};

}  // namespace ctnn
