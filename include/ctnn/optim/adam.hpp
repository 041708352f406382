// SPDX-License-Identifier: BSL-1.0
// ctnn::adam: Adam with bias correction and optional (coupled or decoupled) weight decay.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>

namespace ctnn {

/// Settings of adam; the defaults are PyTorch's.
struct adam_options {
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double weight_decay = 0;  // L2 added to the gradient (torch.optim.Adam) ...
  bool decoupled = false;   // ... or applied to the weights directly (AdamW)
};

/// Adam over a flat block of N parameters, as torch.optim.Adam:
///   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
///   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
template <std::size_t N, class T = float>
struct adam {
  static constexpr std::size_t parameter_count = N;
  adam_options options;
  std::size_t t = 0;
  std::array<T, 2 * N> moments{};  // first moments, then second moments

  explicit adam(adam_options o = {}) : options(o) {}

  static std::string kind() { return "adam"; }

  void step(std::span<T, N> params, std::span<const T, N> grads, T lr) noexcept {
    ++t;
    const double b1 = options.beta1, b2 = options.beta2;
    const T step_size =
        static_cast<T>(static_cast<double>(lr) / (1 - std::pow(b1, static_cast<double>(t))));
    const T inv_sqrt_bias2 =
        static_cast<T>(1 / std::sqrt(1 - std::pow(b2, static_cast<double>(t))));
    const T c1 = static_cast<T>(1 - b1), c2 = static_cast<T>(1 - b2);
    const T tb1 = static_cast<T>(b1), tb2 = static_cast<T>(b2);
    const T eps = static_cast<T>(options.epsilon), wd = static_cast<T>(options.weight_decay);
    T* m = moments.data();
    T* v = moments.data() + N;
    for (std::size_t i = 0; i < N; ++i) {
      T g = grads[i];
      if (options.decoupled)
        params[i] -= lr * wd * params[i];
      else
        g += wd * params[i];
      m[i] = tb1 * m[i] + c1 * g;
      v[i] = tb2 * v[i] + c2 * g * g;
      params[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bias2 + eps);
    }
  }

  /// The values a checkpoint keeps (both moments; the step count separately).
  std::span<T> state() noexcept { return moments; }
  std::span<const T> state() const noexcept { return moments; }
  std::size_t steps() const noexcept { return t; }
  void set_steps(std::size_t s) noexcept { t = s; }
};

}  // namespace ctnn
