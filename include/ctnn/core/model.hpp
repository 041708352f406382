// SPDX-License-Identifier: BSL-1.0
// ctnn::model and ctnn::workspace: the fixed-size memory a network runs on.
#pragma once

#include <ctnn/core/init.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/normalization.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>

namespace ctnn {

/// The tag of model's constructor that leaves parameters and state unset, for loaders that
/// overwrite all of them: `ctnn::model<Net> m(ctnn::uninitialized);`.
struct uninitialized_t {
  explicit uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

/// The tag of the constructors of a model that is not a local variable: in static storage, or a
/// member of an object already on the heap (`ctnn::model<Net> m(ctnn::off_stack);`).  Without
/// it a constructor refuses, at compile time, a model larger than CTNN_STACK_LIMIT_BYTES, which
/// as a local would overflow the stack.  make_model passes it.  (A workspace is guarded where
/// it is declared with `static_assert(ctnn::require_stack<...>)`: make_unique of one is common.)
struct off_stack_t {
  explicit off_stack_t() = default;
};
inline constexpr off_stack_t off_stack{};

namespace detail {
// A consteval function rather than a class: after its assertion fails, clang 14 would treat
// a class's `value` as unusable and report the user's static_assert a second time.
template <std::size_t Bytes, std::size_t Limit>
consteval bool model_placement_check() {
  static_assert(Bytes <= Limit,
                "ctnn::model<Net>: the model (left, bytes) is larger than the stack limit (right, "
                "CTNN_STACK_LIMIT_BYTES), and a local model lives on the stack: make it with "
                "ctnn::make_model<Net>(...) (on the heap); for a model in static storage or in an "
                "object already on the heap, pass ctnn::off_stack first "
                "(model<Net> m(ctnn::off_stack, ...)); or define CTNN_STACK_LIMIT_BYTES larger "
                "before including ctnn if the thread's stack is");
  return true;  // the assertion above is the report
}
}  // namespace detail

/// Every trainable parameter of Net in one contiguous block (layer I's slice starts at
/// Net::parameter_offsets[I]), every state value (batch_norm running statistics), and the
/// normalisation applied to raw inputs.  Optimizers and checkpoints work on the flat arrays.
/// A model is initialised when it is made (He normal, seed 1, unless an initializer is
/// given), so it cannot be trained or run from all-zero weights by accident.
template <network_type Net, class T = float>
struct model {
  using network_type = Net;
  using value_type = T;
  std::array<T, Net::parameter_count> parameters;
  std::array<T, Net::state_count> state;
  ctnn::normalization<typename Net::input_shape, T> normalization{};

  /// He-normal weights from seed 1: `ctnn::model<Net> m;` is ready to train.  These three
  /// constructors are for locals: they refuse to compile for a model larger than
  /// CTNN_STACK_LIMIT_BYTES (make_model, or the off_stack ones below, place any size).
  model() : model(off_stack, initializer{}) {
    static_assert(detail::model_placement_check<sizeof(model), CTNN_STACK_LIMIT_BYTES>());
  }

  /// Parameters and state from an initializer, e.g. `model<Net> m(initializer(scheme, seed));`.
  template <class Init>
  requires initializer_for<std::remove_cvref_t<Init>, T>
  explicit model(Init&& init) : model(off_stack, std::forward<Init>(init)) {
    static_assert(detail::model_placement_check<sizeof(model), CTNN_STACK_LIMIT_BYTES>());
  }

  /// Parameters and state left unset: only for code that overwrites all of them next.
  explicit model(uninitialized_t) noexcept {
    static_assert(detail::model_placement_check<sizeof(model), CTNN_STACK_LIMIT_BYTES>());
  }

  /// The same three, for a model that is not a local (see ctnn::off_stack): no size limit.
  explicit model(off_stack_t) : model(off_stack, initializer{}) {}
  template <class Init>
  requires initializer_for<std::remove_cvref_t<Init>, T> model(off_stack_t, Init&& init) {
    parameters.fill(T{0});  // a layer's initialize need not write what it does not use
    state.fill(T{0});
    initialize(init);
  }
  model(off_stack_t, uninitialized_t) noexcept {}

  /// Fills parameters and state afresh through an initializer (see ctnn/core/layer.hpp).
  template <class Init>
  requires initializer_for<std::remove_cvref_t<Init>, T>
  void initialize(Init&& init) {
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
  // The context of that pass: backward runs in it (batch statistics or running ones, the same
  // dropout masks) and refuses a different one.
  run_context context{};

  constexpr T* input() noexcept { return buffer.data(); }
  constexpr T* region() noexcept { return buffer.data() + input_count; }
};

namespace detail {
// A consteval function rather than a class: after its assertion fails, clang 14 would treat
// a class's `value` as unusable and report the user's static_assert a second time.
template <std::size_t Bytes, std::size_t Limit>
consteval bool stack_object_check() {
  static_assert(Bytes <= Limit,
                "ctnn::require_stack<Object, Limit>: the object (left, bytes) is larger than the "
                "stack limit (right, default CTNN_STACK_LIMIT_BYTES); put it on the heap with "
                "ctnn::make_model<Net>() or ctnn::make_workspace<Net, T, Capacity>(), or define "
                "CTNN_STACK_LIMIT_BYTES larger before including ctnn if the thread's stack is");
  return true;  // the assertion above is the report
}
}  // namespace detail

/// Whether an object of type Object may live on the stack: sizeof(Object) <= Limit
/// (default CTNN_STACK_LIMIT_BYTES, 1 MiB; a thread's stack is often 512 KiB to 8 MiB).
template <class Object, std::size_t Limit = std::size_t{CTNN_STACK_LIMIT_BYTES}>
inline constexpr bool fits_on_stack_v = sizeof(Object) <= Limit;

/// The guard for stack objects: `static_assert(ctnn::require_stack<model<Net>>);` before
/// declaring a model or workspace as a local.  When it does not fit, the diagnostic shows both
/// sizes in bytes, the macro that sets the limit and the heap alternative (make_model,
/// make_workspace).
template <class Object, std::size_t Limit = std::size_t{CTNN_STACK_LIMIT_BYTES}>
inline constexpr bool require_stack = detail::stack_object_check<sizeof(Object), Limit>();

/// The one-line heap placement of a model: `auto m = ctnn::make_model<Net>();` for a model of
/// any size (a local `model<Net>` lives on the stack, which is small).  Arguments go to the
/// constructor: none (He normal, seed 1), an initializer, or ctnn::uninitialized.
template <network_type Net, class T = float, class... Args>
std::unique_ptr<model<Net, T>> make_model(Args&&... args) {
  return std::make_unique<model<Net, T>>(off_stack, std::forward<Args>(args)...);
}

/// The one-line heap placement of a workspace: `auto ws = ctnn::make_workspace<Net, float,
/// 256>();`, allocated once before training; the passes then allocate nothing.  Left
/// uninitialised (a pass writes what it reads), so memory for samples never used is never
/// touched.
template <network_type Net, class T = float, std::size_t Capacity = 1>
std::unique_ptr<workspace<Net, T, Capacity>> make_workspace() {
  return std::make_unique_for_overwrite<workspace<Net, T, Capacity>>();
}

}  // namespace ctnn
