// SPDX-License-Identifier: BSL-1.0
// ctnn::dropout: zeroes a random Percent of the elements while training.
#pragma once

#include <ctnn/core/error.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/core/shape.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

/// dropout<Percent> needs Percent < 100: dropping everything leaves nothing to learn from.
template <std::size_t Percent>
struct drop_percent_must_be_below_100 {};

/// Inverted dropout: in phase::train each element is zeroed with probability Percent/100 and
/// the rest are scaled by 1 / (1 - Percent/100); in phase::eval it is the identity.  The mask
/// is a hash of (run_context seed, step, sample, element), so backward recomputes it and
/// it does not depend on how samples are split between threads.
/// in: S -> out: S; params: 0.
template <std::size_t Percent>
struct dropout : layer_defaults {
  static std::string name() { return "dropout<" + std::to_string(Percent) + "%>"; }
  template <class In>
  using check_t = std::conditional_t<(Percent < 100), ok, drop_percent_must_be_below_100<Percent>>;
  template <class In>
  using output_shape_t = In;
  template <class In>
  static constexpr std::size_t flops_v = size_v<In>;
  template <class In>
  static constexpr std::size_t backward_flops_v = size_v<In>;

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    apply<In>(io.x, io.y, io.n, io.ctx);
  }
  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    if (io.dx != nullptr)
      apply<In>(io.dy, io.dx, io.n, io.ctx);
  }

private:
  // y = mask * x / keep, the same linear map in both directions.
  template <class In, class T>
  static constexpr void apply(const T* x, T* y, std::size_t n, const run_context& ctx) noexcept {
    constexpr std::size_t size = size_v<In>;
    if (ctx.phase != phase::train || Percent == 0) {
      std::copy_n(x, n * size, y);
      return;
    }
    const T drop = static_cast<T>(Percent) / T{100};
    const T scale = T{1} / (T{1} - drop);
    for (std::size_t b = 0; b < n; ++b)
      for (std::size_t i = 0; i < size; ++i) {
        const bool keep = uniform01<T>(ctx.seed, ctx.step, ctx.first_sample + b, i) >= drop;
        y[b * size + i] = keep ? x[b * size + i] * scale : T{0};
      }
  }
};

}  // namespace ctnn
