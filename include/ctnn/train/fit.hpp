// SPDX-License-Identifier: BSL-1.0
// ctnn::fit, ctnn::evaluate and ctnn::predict over data sets: training and evaluation of any
// network whose loss accepts its output and the data set's targets.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/loss/loss.hpp>
#include <ctnn/train/trainer.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <vector>

namespace ctnn {

/// Trains m on train with opt under loss (e.g. softmax_cross_entropy{} with class labels,
/// mse{} with real targets) as o says, with o.threads threads; inputs are normalised by
/// m.normalization as batches are gathered.  The data set's input shape must be the network's
/// and the loss must accept the network's output and the targets: both are checked at compile
/// time.  Throws training_error (settings, NaN loss) or data_error (data that does not fit).
template <class Net, class T, class Optimizer, class Loss, class In, class Target>
training_report fit(model<Net, T>& m, Optimizer& opt, Loss const& loss,
                    dataset<In, Target> const& train, fit_options const& o = {}) {
  if constexpr (detail::train_checks<Net, Loss, In, Target>::value) {
    trainer<Net, 128, T> tr(o.threads);
    return tr.fit(m, opt, loss, train, o);
  } else {
    return {};
  }
}

/// Mean loss of m on d (and for a classification loss accuracy and confusion matrix), in the
/// eval phase on raw inputs normalised by m.normalization; m is not changed.
template <class Net, class T, class Loss, class In, class Target>
evaluation evaluate(model<Net, T> const& m, Loss const& loss, dataset<In, Target> const& d,
                    std::size_t threads = 1) {
  if constexpr (detail::train_checks<Net, Loss, In, Target>::value) {
    trainer<Net, 128, T> tr(threads);
    return tr.evaluate(m, loss, d);
  } else {
    return {};
  }
}

/// The network's outputs for every sample of d (eval phase, inputs normalised by
/// m.normalization), one array per sample.
template <class Net, class T, class In, class Target>
std::vector<std::array<T, size_v<typename Net::output_shape>>>
predict(model<Net, T> const& m, dataset<In, Target> const& d) {
  static_assert(detail::same_input_v<network_input<typename Net::input_shape>, dataset_input<In>>,
                "ctnn::predict: the data set's input shape differs from the network's; when both "
                "have as many elements, view the data set with "
                "ctnn::reshape<Net::input_shape>(dataset)");
  constexpr std::size_t cap = 64, in = size_v<In>, out = size_v<typename Net::output_shape>;
  std::vector<std::array<T, out>> y(d.size());
  auto ws = make_workspace<Net, T, cap>();
  auto state = std::make_unique<std::array<T, Net::state_count>>(m.state);
  for (std::size_t at = 0; at < d.size(); at += cap) {
    const std::size_t n = std::min(cap, d.size() - at);
    T* x = ws->input();
    std::copy_n(d.inputs.data() + at * in, n * in, x);
    if (!m.normalization.is_identity())
      m.normalization.apply(x, x, n);
    auto z = forward<Net, T, cap>(m.parameters, *state, *ws, x, n, {phase::eval});
    for (std::size_t b = 0; b < n; ++b)
      std::copy_n(z.data() + b * out, out, y[at + b].begin());
  }
  return y;
}

}  // namespace ctnn
