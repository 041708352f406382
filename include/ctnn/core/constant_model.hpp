// SPDX-License-Identifier: BSL-1.0
// ctnn::constant_model: a trained network's parameters, state and normalization held in
// constant arrays (a header written by ctnn::export_header), run without files or heap.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/core/model.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/normalization.hpp>
#include <ctnn/core/predict.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/core/shape.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

namespace ctnn {

/// A view of a model whose values live elsewhere, typically `inline constexpr` arrays of a
/// generated header:
///   inline constexpr ctnn::constant_model<Net> model{parameters, state, normalization};
/// It is itself a constant, so `forward`, `predict` and `classify` read the arrays in place
/// (nothing is copied, loaded or allocated) and can run in a constant expression.  It runs
/// phase::eval only: the state is read, never written.
template <network_type Net, class T = float>
struct constant_model {
  using network_type = Net;
  using value_type = T;
  std::span<const T, Net::parameter_count> parameters;
  std::span<const T, Net::state_count> state;
  ctnn::normalization<typename Net::input_shape, T> const& normalization;

  /// A model<Net, T> with the same values, e.g. to train further or save as a weights file.
  model<Net, T> to_model() const {
    model<Net, T> m(uninitialized);
    std::copy(parameters.begin(), parameters.end(), m.parameters.begin());
    std::copy(state.begin(), state.end(), m.state.begin());
    m.normalization = normalization;
    return m;
  }
};

/// Runs a constant model in phase::eval on n samples in ws; see forward(model const&, ...).
template <class Net, class T, std::size_t Capacity>
constexpr std::span<const T> forward(constant_model<Net, T> const& m,
                                     workspace<Net, T, Capacity>& ws, const T* x, std::size_t n) {
  // phase::eval only reads the state, so the chain's mutable pointer is never written through.
  return detail::run_forward(m.parameters.data(), const_cast<T*>(m.state.data()), ws, x, n,
                             run_context{phase::eval});
}

namespace detail {
template <class Net, class T>
inline constexpr bool is_evaluable_model_v<constant_model<Net, T>> = true;
}  // namespace detail

// predict and classify (core/predict.hpp) take a constant_model as they take a model.

/// The index of the largest output (first on ties), usable in a constant expression where
/// classify's softmax (std::exp) is not.
template <class T, std::size_t N>
constexpr std::size_t argmax(std::array<T, N> const& y) noexcept {
  static_assert(N > 0);
  std::size_t best = 0;
  for (std::size_t i = 1; i < N; ++i)
    if (y[i] > y[best])
      best = i;
  return best;
}

}  // namespace ctnn
