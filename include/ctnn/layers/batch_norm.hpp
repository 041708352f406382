// SPDX-License-Identifier: BSL-1.0
// ctnn::batch_norm: batch normalisation per feature (after dense) or per channel (after conv).
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/detail/scalar_kernels.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

/// batch_norm normalises each feature of shape<F> or each channel of shape<C, H, W>; any
/// other rank has no axis it could normalise along.
struct expects_features_or_channels_height_width_input {};

/// Batch normalisation, y = gamma (x - mean) / sqrt(var + eps) + beta, as in PyTorch:
/// eps = 1e-5, running statistics updated with momentum 0.1 (unbiased variance).
/// In phase::train mean and var are the batch's (over samples, and over H x W for
/// shape<C, H, W>); in phase::eval they are the running ones.
/// in: shape<F> or shape<C, H, W> -> out: same; params: 2F or 2C (gamma, beta);
/// state: 2F or 2C (running mean, running variance).
struct batch_norm : layer_defaults {
  static constexpr double epsilon = 1e-5;
  static constexpr double momentum = 0.1;

  static std::string name() { return "batch_norm"; }

  template <class In>
  using check_t = std::conditional_t<rank_v<In> == 1 || rank_v<In> == 3, ok,
                                     expects_features_or_channels_height_width_input>;
  template <class In>
  using output_shape_t = In;

private:
  template <class In>
  static constexpr std::size_t channels = dim_v<In, 0>;
  template <class In>
  static constexpr std::size_t inner = size_v<In> / dim_v<In, 0>;

public:
  template <class In>
  static constexpr std::size_t param_count_v = 2 * channels<In>;
  template <class In>
  static constexpr std::size_t state_count_v = 2 * channels<In>;
  template <class In>
  static constexpr std::size_t flops_v = 6 * size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = 8 * size_v<In>;
  // The mean and 1/sqrt(var + eps) this pass used, per channel.
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t) noexcept {
    return 2 * channels<In>;
  }

  template <class In, class T, class Init>
  static void initialize(T* params, T* state, Init& init) {
    constexpr std::size_t c = channels<In>;
    init.constant(params, c, T{1});
    init.constant(params + c, c, T{0});
    init.constant(state, c, T{0});
    init.constant(state + c, c, T{1});
  }

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    constexpr std::size_t C = channels<In>, I = inner<In>;
    const T* gamma = io.params;
    const T* beta = io.params + C;
    T* mean = io.scratch;
    T* inv_std = io.scratch + C;
    const std::size_t count = io.n * I;
    for (std::size_t c = 0; c < C; ++c) {
      T m, v;
      if (io.ctx.phase == phase::train) {
        T s{};
        for (std::size_t b = 0; b < io.n; ++b)
          for (std::size_t i = 0; i < I; ++i)
            s += io.x[(b * C + c) * I + i];
        m = s / static_cast<T>(count);
        T q{};
        for (std::size_t b = 0; b < io.n; ++b)
          for (std::size_t i = 0; i < I; ++i) {
            T d = io.x[(b * C + c) * I + i] - m;
            q += d * d;
          }
        v = q / static_cast<T>(count);
        const T mom = static_cast<T>(momentum);
        const T unbiased = count > 1 ? v * static_cast<T>(count) / static_cast<T>(count - 1) : v;
        io.state[c] = (T{1} - mom) * io.state[c] + mom * m;
        io.state[C + c] = (T{1} - mom) * io.state[C + c] + mom * unbiased;
      } else {
        m = io.state[c];
        v = io.state[C + c];
      }
      mean[c] = m;
      const T var = v + static_cast<T>(epsilon);
      inv_std[c] =
          T{1} / (std::is_constant_evaluated() ? detail::scalar::sqrt(var) : std::sqrt(var));
      const T scale = gamma[c] * inv_std[c];
      const T shift = beta[c] - m * scale;
      for (std::size_t b = 0; b < io.n; ++b)
        for (std::size_t i = 0; i < I; ++i)
          io.y[(b * C + c) * I + i] = io.x[(b * C + c) * I + i] * scale + shift;
    }
  }

  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    constexpr std::size_t C = channels<In>, I = inner<In>;
    const T* gamma = io.params;
    const T* mean = io.scratch;
    const T* inv_std = io.scratch + C;
    const T count = static_cast<T>(io.n * I);
    for (std::size_t c = 0; c < C; ++c) {
      T dgamma{}, dbeta{};
      for (std::size_t b = 0; b < io.n; ++b)
        for (std::size_t i = 0; i < I; ++i) {
          const std::size_t k = (b * C + c) * I + i;
          dbeta += io.dy[k];
          dgamma += io.dy[k] * (io.x[k] - mean[c]) * inv_std[c];
        }
      io.grads[c] += dgamma;
      io.grads[C + c] += dbeta;
      if (io.dx == nullptr)
        continue;
      const T g = gamma[c] * inv_std[c];
      for (std::size_t b = 0; b < io.n; ++b)
        for (std::size_t i = 0; i < I; ++i) {
          const std::size_t k = (b * C + c) * I + i;
          if (io.ctx.phase == phase::train) {
            // The batch statistics depend on every x, hence the two correction terms.
            const T x_hat = (io.x[k] - mean[c]) * inv_std[c];
            io.dx[k] = g * (io.dy[k] - dbeta / count - x_hat * dgamma / count);
          } else {
            io.dx[k] = g * io.dy[k];
          }
        }
    }
  }
};

}  // namespace ctnn
