// SPDX-License-Identifier: BSL-1.0
// ctnn::predict and ctnn::classify: one raw sample through a const model.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/core/shape.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

namespace ctnn {

/// The most likely class of one sample and its softmax probability.
template <class T = float>
struct classification {
  std::size_t label = 0;
  T confidence = 0;
};

/// The largest of one sample's outputs (class scores, logits) and its softmax probability;
/// logits must not be empty.
template <class T>
classification<T> top_class(std::span<const T> logits) {
  const auto top = std::max_element(logits.begin(), logits.end());
  // exp(z - max) cannot overflow; the top class contributes exp(0) = 1.
  double sum = 0;
  for (T v : logits)
    sum += std::exp(static_cast<double>(v) - static_cast<double>(*top));
  return {static_cast<std::size_t>(top - logits.begin()), static_cast<T>(1 / sum)};
}

namespace detail {
template <std::size_t Bytes, std::size_t Limit>
struct predict_stack_check {
  static_assert(Bytes <= Limit,
                "ctnn::predict(m, raw): a one-sample workspace (left, bytes) is larger than "
                "CTNN_STACK_LIMIT_BYTES (right); make one on the heap once with "
                "ctnn::make_workspace<Net>() and call ctnn::predict(m, *ws, raw)");
  static constexpr bool value = true;  // the assertion above is the report
};

template <class T, std::size_t N>
classification<T> softmax_top(std::array<T, N> const& z) {
  static_assert(N > 0);
  return top_class(std::span<const T>(z));
}
}  // namespace detail

namespace detail {
// The model types predict and classify run: model, and constant_model (which specialises this
// in core/constant_model.hpp); each has a forward(m const&, ws, x, n) that runs phase::eval.
template <class M>
inline constexpr bool is_evaluable_model_v = false;
template <class Net, class T>
inline constexpr bool is_evaluable_model_v<model<Net, T>> = true;
}  // namespace detail

/// A model that predict and classify accept: ctnn::model or ctnn::constant_model.
template <class M>
concept evaluable_model = detail::is_evaluable_model_v<M>;

namespace detail {
// One raw sample of M's input, and M's outputs for one sample.
template <evaluable_model M>
using raw_sample_t =
    std::span<const typename M::value_type, size_v<typename M::network_type::input_shape>>;
template <evaluable_model M>
using outputs_t =
    std::array<typename M::value_type, size_v<typename M::network_type::output_shape>>;
}  // namespace detail

/// The outputs of m for one raw sample: applies m.normalization, then a phase::eval forward
/// pass in ws (sample 0 of it).  For a workspace made once on the heap (make_workspace), so
/// that repeated predictions allocate nothing.
template <evaluable_model M, std::size_t Capacity>
constexpr detail::outputs_t<M>
predict(M const& m, workspace<typename M::network_type, typename M::value_type, Capacity>& ws,
        std::type_identity_t<detail::raw_sample_t<M>> raw) {
  m.normalization.apply(raw.data(), ws.input(), 1);  // normalised in place, nothing copied
  const auto y = forward(m, ws, ws.input(), 1);
  detail::outputs_t<M> out{};
  std::copy(y.begin(), y.end(), out.begin());
  return out;
}

/// The outputs of m for one raw sample, in a one-sample workspace on the stack: no heap
/// allocation (and for a constant_model of a small network, usable in a constant expression).
/// A network whose workspace exceeds CTNN_STACK_LIMIT_BYTES fails to compile here, naming the
/// overload with a heap workspace.
template <evaluable_model M>
constexpr detail::outputs_t<M> predict(M const& m,
                                       std::type_identity_t<detail::raw_sample_t<M>> raw) {
  using ws_type = workspace<typename M::network_type, typename M::value_type, 1>;
  static_assert(
      detail::predict_stack_check<sizeof(ws_type), std::size_t{CTNN_STACK_LIMIT_BYTES}>::value);
  ws_type ws;
  return predict(m, ws, raw);
}

/// The class of one raw sample (the largest output) and its softmax probability, for a
/// network whose outputs are class scores (logits).
template <evaluable_model M>
classification<typename M::value_type> classify(M const& m,
                                                std::type_identity_t<detail::raw_sample_t<M>> raw) {
  return detail::softmax_top(predict(m, raw));
}

/// classify in a given workspace (see predict(m, ws, raw)).
template <evaluable_model M, std::size_t Capacity>
classification<typename M::value_type>
classify(M const& m, workspace<typename M::network_type, typename M::value_type, Capacity>& ws,
         std::type_identity_t<detail::raw_sample_t<M>> raw) {
  return detail::softmax_top(predict(m, ws, raw));
}

}  // namespace ctnn
