// SPDX-License-Identifier: BSL-1.0
// The layer protocol: what every layer type provides, and the arguments its passes receive.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/shape.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

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

namespace detail {

/// The least an initializer provides; a layer's initialize<In> must accept it.
struct initializer_archetype {
  template <class T>
  void weights(T*, std::size_t, std::size_t, std::size_t);
  template <class T>
  void constant(T*, std::size_t, T);
};

// One concept per member of the protocol, so that the fold (core/infer.hpp) can name the
// first one a type lacks.
template <class L, class In>
concept has_check = requires {
  typename L::template check_t<In>;
};
template <class L, class In>
concept has_output_shape = requires {
  typename L::template output_shape_t<In>;
};
template <class L, class In>
concept has_param_count = requires {
  { L::template param_count_v<In> } -> std::convertible_to<std::size_t>;
};
template <class L, class In>
concept has_state_count = requires {
  { L::template state_count_v<In> } -> std::convertible_to<std::size_t>;
};
template <class L, class In>
concept has_scratch_count = requires(std::size_t capacity) {
  { L::template scratch_count<In>(capacity) } -> std::convertible_to<std::size_t>;
};
template <class L, class In>
concept has_flops = requires {
  { L::template flops_v<In> } -> std::convertible_to<std::size_t>;
};
template <class L, class In>
concept has_backward_flops = requires {
  { L::template backward_flops_v<In> } -> std::convertible_to<std::size_t>;
};
template <class L, class In, class T>
concept has_forward = requires(forward_io<T> const& io) {
  L::template forward<In>(io);
};
template <class L, class In, class T>
concept has_backward = requires(backward_io<T> const& io) {
  L::template backward<In>(io);
};
template <class L, class In, class T>
concept has_initialize = requires(T* p, initializer_archetype& init) {
  L::template initialize<In>(p, p, init);
};

/// The first thing wrong with L as a layer on In with values of type T, as a reason type
/// (wrapped in std::type_identity), or ok.  The layer's own check_t<In> runs before the
/// members that depend on In, which need not exist for an input the layer rejects.
template <class L, class In, class T>
consteval auto protocol_reason() {
  // Each condition is a concept evaluated when its branch is instantiated, not before: the
  // members after check_t may not be formed for an input the layer rejects.
  if constexpr (!std::is_class_v<L> || (!layer<L> && !has_check<L, In>))
    return std::type_identity<not_a_layer>{};
  else if constexpr (!layer<L>)
    return std::type_identity<missing_member_name>{};
  else if constexpr (!has_check<L, In>)
    return std::type_identity<missing_member_check_t>{};
  else if constexpr (!std::is_same_v<typename L::template check_t<In>, ok>)
    return std::type_identity<typename L::template check_t<In>>{};
  else if constexpr (!has_output_shape<L, In>)
    return std::type_identity<missing_member_output_shape_t>{};
  else if constexpr (!shape_type<typename L::template output_shape_t<In>>)
    return std::type_identity<
        output_shape_t_is_not_a_shape<typename L::template output_shape_t<In>>>{};
  else if constexpr (!has_param_count<L, In>)
    return std::type_identity<missing_member_param_count_v>{};
  else if constexpr (!has_state_count<L, In>)
    return std::type_identity<missing_member_state_count_v>{};
  else if constexpr (!has_scratch_count<L, In>)
    return std::type_identity<missing_member_scratch_count>{};
  else if constexpr (!has_flops<L, In>)
    return std::type_identity<missing_member_flops_v>{};
  else if constexpr (!has_backward_flops<L, In>)
    return std::type_identity<missing_member_backward_flops_v>{};
  else if constexpr (!has_forward<L, In, T>)
    return std::type_identity<missing_member_forward>{};
  else if constexpr (!has_backward<L, In, T>)
    return std::type_identity<missing_member_backward>{};
  else if constexpr (!has_initialize<L, In, T>)
    return std::type_identity<missing_member_initialize>{};
  else
    return std::type_identity<ok>{};
}

}  // namespace detail

/// Why L is not a layer that runs on input shape In with values of type T (a reason type,
/// such as missing_member_forward or the layer's own check_t<In>), or ok.
template <class L, class In, class T = float>
using layer_reason_t = typename decltype(detail::protocol_reason<L, In, T>())::type;

/// The whole layer protocol: L is a layer that accepts input shape In and runs on values of
/// type T.  It provides
///   static std::string name();
///   template <class In> using check_t = ok (or a reason type saying why In is rejected);
///   template <class In> using output_shape_t = shape<...>;
///   template <class In> static constexpr std::size_t param_count_v, state_count_v,
///                                                    flops_v, backward_flops_v;
///   template <class In> static constexpr std::size_t scratch_count(std::size_t capacity);
///   template <class In, class T> static void forward(forward_io<T> const&);
///   template <class In, class T> static void backward(backward_io<T> const&);
///   template <class In, class T, class Init> static void initialize(T* params, T* state, Init&);
/// ctnn::layer_defaults supplies param_count_v, state_count_v, scratch_count and initialize
/// for a layer that has no parameters, state or scratch.  A network checks every layer
/// against this protocol (with T = float) as it infers the shapes, and reports the first
/// missing member by name (missing_member_forward, ...).
template <class L, class In, class T = float>
concept layer_for = shape_type<In> && std::is_same_v<layer_reason_t<L, In, T>, ok>;

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
