// SPDX-License-Identifier: BSL-1.0
// Finite-difference gradient checks of whole networks (and so of every layer inside them).
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/testing/layer_laws.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <random>
#include <vector>

namespace ctnn::test {

/// The library's gradient-check initializer (ctnn/testing/layer_laws.hpp).
using random_init = ctnn::testing::random_initializer;

/// The largest relative error |analytic - numeric| / max(|analytic|, |numeric|, floor) over
/// every parameter and every input element, and how many values were compared.  The floor
/// (1e-3 by default; typical gradients here are 0.1 to 1) turns the bar into an absolute
/// one for gradients so small that rounding in the loss, about 1e-16 |loss| / h, is a
/// visible part of them.
struct gradient_report {
  double max_param_error = 0;
  double max_input_error = 0;
  std::size_t compared = 0;
  std::size_t kinks = 0;  // points left out because the difference straddled a kink
  double worst() const { return std::max(max_param_error, max_input_error); }
};

/// Checks d(loss)/d(parameters) and d(loss)/d(input) of Net on a random batch of Batch samples,
/// loss = sum_i r_i * y_i for a fixed random r (so every output element matters), against
/// central differences with step h.  Every input element is checked, and every parameter of
/// layers with at most per_layer parameters; larger layers are sampled (per_layer evenly
/// spaced indices, first and last included), which keeps whole-network checks fast.  Runs in
/// double.  In phase::train the whole batch is one function (batch_norm couples the samples) and
/// dropout keeps one mask (fixed context).
template <class Net, std::size_t Batch = 3>
gradient_report check_gradients(ctnn::phase ph = ctnn::phase::train, std::uint64_t seed = 1,
                                std::size_t per_layer = 400, double h = 1e-4, double floor = 1e-3) {
  using T = double;
  constexpr std::size_t in_size = size_v<typename Net::input_shape>;
  constexpr std::size_t out_size = size_v<typename Net::output_shape>;
  auto m = std::make_unique<model<Net, T>>();
  random_init init(seed);
  m->initialize(init);
  // Running statistics that differ from the batch's, so eval mode is a distinct function.
  for (auto& s : m->state)
    s = std::abs(s) + 0.25;
  auto ws = std::make_unique<workspace<Net, T, Batch>>();
  std::vector<T> x(Batch * in_size), r(Batch * out_size), dx(Batch * in_size);
  std::normal_distribution<double> d(0.0, 1.0);
  for (auto& v : x)
    v = d(init.rng);
  for (auto& v : r)
    v = d(init.rng);
  const run_context ctx{ph, seed, 7, 0};
  const auto state0 = m->state;

  auto loss = [&]() {
    m->state = state0;  // train-mode passes update running statistics; keep them fixed
    auto y = forward(*m, *ws, x.data(), Batch, ctx);
    T s{};
    for (std::size_t i = 0; i < y.size(); ++i)
      s += r[i] * y[i];
    return s;
  };

  auto grads = std::make_unique<gradients<Net, T>>();
  grads->fill(T{0});
  loss();
  backward(*m, *grads, *ws, r.data(), dx.data(), Batch, ctx);

  gradient_report rep;
  auto rel = [&](T a, T n) {
    return std::abs(a - n) / std::max({std::abs(a), std::abs(n), floor});
  };
  std::vector<std::size_t> checked;
  for (std::size_t l = 0; l < Net::layer_count; ++l) {
    const std::size_t first = Net::parameter_offsets[l],
                      count = Net::parameter_offsets[l + 1] - first;
    if (count <= per_layer) {
      for (std::size_t i = 0; i < count; ++i)
        checked.push_back(first + i);
    } else {
      for (std::size_t k = 0; k < per_layer; ++k)
        checked.push_back(first + k * (count - 1) / (per_layer - 1));
    }
  }
  // A central difference that straddles a kink (relu at 0, a max_pool tie) measures a
  // slope that no derivative has.  Such a point shows itself as a disagreement between the
  // differences at steps h and h/2; it is counted in `kinks` and left out.  A wrong backward
  // pass cannot hide there: both steps then agree with each other, not with it.
  auto numeric = [&](T& v, T step) {
    // Fourth-order central difference: truncation error O(step^4), so a step large enough to
    // keep rounding noise (about 1e-16 |loss| / step) small is still accurate.
    const T keep = v;
    auto at = [&](T offset) {
      v = keep + offset;
      return loss();
    };
    const T d1 = at(step) - at(-step), d2 = at(2 * step) - at(-2 * step);
    v = keep;
    return (8 * d1 - d2) / (12 * step);
  };
  auto compare = [&](T analytic, T& v, double& worst) {
    const T n1 = numeric(v, h), n2 = numeric(v, h / 2);
    ++rep.compared;
    if (rel(n1, n2) > 1e-7) {
      ++rep.kinks;
      return;
    }
    worst = std::max(worst, rel(analytic, n1));
  };
  for (std::size_t i : checked)
    compare((*grads)[i], m->parameters[i], rep.max_param_error);
  for (std::size_t i = 0; i < x.size(); ++i)
    compare(dx[i], x[i], rep.max_input_error);
  return rep;
}

/// The bar every backward pass meets in double.
inline constexpr double gradient_tolerance = 1e-6;

}  // namespace ctnn::test
