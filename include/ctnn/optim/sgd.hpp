// SPDX-License-Identifier: BSL-1.0
// ctnn::sgd: stochastic gradient descent with optional momentum, Nesterov and weight decay.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>

namespace ctnn {

/// Settings of sgd; the defaults are plain SGD.
struct sgd_options {
  double momentum = 0;      // 0 = no velocity
  bool nesterov = false;    // look-ahead momentum (needs momentum > 0)
  double weight_decay = 0;  // L2 penalty: adds weight_decay * p to the gradient
};

/// SGD over a flat block of N parameters, as PyTorch's torch.optim.SGD (dampening 0):
///   g = grad + wd p;  v = mu v + g;  p -= lr (nesterov ? g + mu v : v)   (v = g if mu = 0)
template <std::size_t N, class T = float>
struct sgd {
  static constexpr std::size_t parameter_count = N;
  sgd_options options;
  std::array<T, N> velocity{};

  explicit sgd(sgd_options o = {}) : options(o) {}

  static std::string kind() { return "sgd"; }

  void step(std::span<T, N> params, std::span<const T, N> grads, T lr) noexcept {
    const T mu = static_cast<T>(options.momentum), wd = static_cast<T>(options.weight_decay);
    for (std::size_t i = 0; i < N; ++i) {
      T g = grads[i] + wd * params[i];
      if (options.momentum != 0) {
        velocity[i] = mu * velocity[i] + g;
        g = options.nesterov ? g + mu * velocity[i] : velocity[i];
      }
      params[i] -= lr * g;
    }
  }

  /// The values a checkpoint keeps (the velocity).
  std::span<T> state() noexcept { return velocity; }
  std::span<const T> state() const noexcept { return velocity; }
  std::size_t steps() const noexcept { return 0; }
  void set_steps(std::size_t) noexcept {}
};

}  // namespace ctnn
