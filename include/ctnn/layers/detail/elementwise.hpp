// SPDX-License-Identifier: BSL-1.0
// What the element-wise activations share: shape rule, passes over value() and slope().
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/simd.hpp>

#include <cstddef>
#include <type_traits>

namespace ctnn::detail {

/// dy * Act::slope(x, y): the delta an element-wise activation passes back.  An activation
/// may give it directly as Act::delta(dy, x, y), when that form compiles better.
template <class Act, class T>
constexpr T activation_delta(T dy, T x, T y) noexcept {
  if constexpr (requires { Act::delta(dy, x, y); })
    return Act::delta(dy, x, y);
  else
    return dy * Act::slope(x, y);
}

// An activation whose value or delta is a choice between x and a product (leaky_relu) or a
// product with a chosen constant may give a form over whole target vectors too
// (vector_value<T>(v), vector_delta<T>(dy, x, y)): GCC 12 will not compute a product it
// might not need (it could trap), so on targets without masked operations (AVX2) its scalar
// loop became a branch per element, 30x slower on random signs.
template <class Act, class T>
concept has_vector_value = requires(simd::vec<T> v) {
  Act::template vector_value<T>(v);
};
template <class Act, class T>
concept has_vector_delta = requires(simd::vec<T> v) {
  Act::template vector_delta<T>(v, v, v);
};

/// y[i] = Act::value(x[i]) for i < count; x and y do not overlap.
template <class Act, class T>
constexpr void activation_values(std::size_t count, const T* __restrict x,
                                 T* __restrict y) noexcept {
  std::size_t body = 0;
  if constexpr (has_vector_value<Act, T>)
    if (!std::is_constant_evaluated()) {
      constexpr std::size_t w = simd::lanes<T>;
      body = count - count % w;
      for (std::size_t i = 0; i < body; i += w)
        simd::store(y + i, Act::template vector_value<T>(simd::load(x + i)));
    }
  for (std::size_t i = body; i < count; ++i)
    y[i] = Act::value(x[i]);
}

/// dx[i] = dy[i] * Act::slope(x[i], y[i]) for i < count; dx overlaps none of the others.
template <class Act, class T>
constexpr void activation_deltas(std::size_t count, const T* __restrict dy, const T* __restrict x,
                                 const T* __restrict y, T* __restrict dx) noexcept {
  std::size_t body = 0;
  if constexpr (has_vector_delta<Act, T>)
    if (!std::is_constant_evaluated()) {
      constexpr std::size_t w = simd::lanes<T>;
      body = count - count % w;
      for (std::size_t i = 0; i < body; i += w)
        simd::store(dx + i, Act::template vector_delta<T>(simd::load(dy + i), simd::load(x + i),
                                                          simd::load(y + i)));
    }
  for (std::size_t i = body; i < count; ++i)
    dx[i] = activation_delta<Act>(dy[i], x[i], y[i]);
}

/// An activation applied to every element.  in: S -> out: S; params: 0.  Derived provides
/// value(x) and slope(x, y) = dy/dx, which may use either the input or the output (and may
/// provide delta(dy, x, y), see activation_delta).
template <class Derived>
struct elementwise : layer_defaults {
  /// Marks an element-wise activation: a producer layer may apply it as it writes its output
  /// (see detail::fuses_activation in core/chain.hpp).
  using elementwise_activation = Derived;
  template <class In>
  using check_t = ok;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t flops_v = Derived::flops_per_element* size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = 2 * size_v<In>;

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    activation_values<Derived>(io.n * size_v<In>, io.x, io.y);
  }

  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    if (io.dx == nullptr)
      return;
    activation_deltas<Derived>(io.n * size_v<In>, io.dy, io.x, io.y, io.dx);
  }
};

}  // namespace ctnn::detail
