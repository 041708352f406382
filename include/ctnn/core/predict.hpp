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

/// The outputs of m for one raw sample: applies m.normalization, then a phase::eval forward
/// pass in ws (sample 0 of it).  For a workspace made once on the heap (make_workspace), so
/// that repeated predictions allocate nothing.
template <class Net, class T, std::size_t Capacity>
std::array<T, size_v<typename Net::output_shape>>
predict(model<Net, T> const& m, workspace<Net, T, Capacity>& ws,
        std::type_identity_t<std::span<const T, size_v<typename Net::input_shape>>> raw) {
  m.normalization.apply(raw.data(), ws.input(), 1);  // normalised in place, nothing copied
  const auto y = forward(m, ws, ws.input(), 1);
  std::array<T, size_v<typename Net::output_shape>> out;
  std::copy(y.begin(), y.end(), out.begin());
  return out;
}

/// The outputs of m for one raw sample, in a one-sample workspace on the stack: no heap
/// allocation.  A network whose workspace exceeds CTNN_STACK_LIMIT_BYTES fails to compile
/// here, naming the overload with a heap workspace.
template <class Net, class T>
std::array<T, size_v<typename Net::output_shape>>
predict(model<Net, T> const& m,
        std::type_identity_t<std::span<const T, size_v<typename Net::input_shape>>> raw) {
  static_assert(detail::predict_stack_check<sizeof(workspace<Net, T, 1>),
                                            std::size_t{CTNN_STACK_LIMIT_BYTES}>::value);
  workspace<Net, T, 1> ws;
  return predict(m, ws, raw);
}

/// The class of one raw sample (the largest output) and its softmax probability, for a
/// network whose outputs are class scores (logits).
template <class Net, class T>
classification<T>
classify(model<Net, T> const& m,
         std::type_identity_t<std::span<const T, size_v<typename Net::input_shape>>> raw) {
  return detail::softmax_top(predict(m, raw));
}

/// classify in a given workspace (see predict(m, ws, raw)).
template <class Net, class T, std::size_t Capacity>
classification<T>
classify(model<Net, T> const& m, workspace<Net, T, Capacity>& ws,
         std::type_identity_t<std::span<const T, size_v<typename Net::input_shape>>> raw) {
  return detail::softmax_top(predict(m, ws, raw));
}

}  // namespace ctnn
