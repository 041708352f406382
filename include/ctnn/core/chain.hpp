// SPDX-License-Identifier: BSL-1.0
// ctnn::chain: forward and backward passes generated over a validated list of layers.
#pragma once

#include <ctnn/core/infer.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/type_list.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

/// Define CTNN_PROFILE_LAYERS to keep each layer's pass a function of its own, so that a
/// profiler attributes time to layers (it costs a call per layer and pass).
#ifdef CTNN_PROFILE_LAYERS
#define CTNN_LAYER_PASS [[gnu::noinline]]
#else
#define CTNN_LAYER_PASS
#endif

namespace ctnn {

namespace detail {
/// Layer L can apply the element-wise activation A to its output as it writes it
/// (forward_then) and take A's output delta instead of its own (backward_through): the pair
/// then makes one pass over the output instead of three (write, read, write) forward and
/// one instead of two backward.  The activation's output is still written, so every
/// layer_output stays available.
template <class L, class A>
concept fuses_activation = requires {
  requires L::fuses_activation;
  requires std::is_same_v<typename A::elementwise_activation, A>;
};

template <std::size_t N>
constexpr std::array<std::size_t, N + 1> prefix_sums(std::array<std::size_t, N> const& v) {
  std::array<std::size_t, N + 1> out{};
  for (std::size_t i = 0; i < N; ++i)
    out[i + 1] = out[i] + v[i];
  return out;
}
}  // namespace detail

/// The layers of a network (or of a residual branch) run one after another on input shape In.
/// Requires is_valid_chain_v<In, Layers...>; ctnn::network checks that first and reports.
///
/// A chain owns one region of memory of scratch_count(capacity) elements laid out as
///   [outputs of every layer: capacity x sum of output sizes]
///   [two delta buffers:      2 x capacity x largest shape]
///   [each layer's scratch]
/// so backward finds every activation it needs and nothing is allocated during a pass.
template <class In, class... Layers>
struct chain {
  using walk = infer_t<In, Layers...>;
  static_assert(std::is_same_v<typename walk::error, ok>,
                "ctnn::chain<In, Layers...> requires layers that accept their inputs");

  using layers = type_list<Layers...>;
  using shapes = typename walk::shapes;
  static constexpr std::size_t size = sizeof...(Layers);

  template <std::size_t I>
  using layer_t = at_t<I, layers>;
  template <std::size_t I>
  using input_t = at_t<I, shapes>;
  template <std::size_t I>
  using output_t = at_t<I + 1, shapes>;

  using input_shape = In;
  using output_shape = at_t<size, shapes>;

private:
  template <class F>
  static constexpr auto per_layer(F f) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<std::size_t, size>{f.template operator()<I>()...};
    }
    (std::make_index_sequence<size>{});
  }

public:
  /// Offsets of each layer's parameters (and state) in the chain's flat blocks; last = total.
  static constexpr auto param_offsets = detail::prefix_sums(
      per_layer([]<std::size_t I>() { return layer_t<I>::template param_count_v<input_t<I>>; }));
  static constexpr auto state_offsets = detail::prefix_sums(
      per_layer([]<std::size_t I>() { return layer_t<I>::template state_count_v<input_t<I>>; }));
  /// Per-sample offsets of each layer's output inside the outputs area.
  static constexpr auto output_offsets =
      detail::prefix_sums(per_layer([]<std::size_t I>() { return size_v<output_t<I>>; }));

  static constexpr std::size_t param_count = param_offsets[size];
  static constexpr std::size_t state_count = state_offsets[size];
  static constexpr std::size_t activation_count = output_offsets[size];  // per sample
  static constexpr std::size_t largest_shape = [] {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return std::max({size_v<at_t<I, shapes>>...});
    }
    (std::make_index_sequence<size + 1>{});
  }();
  static constexpr std::size_t flops = [] {
    auto f = per_layer([]<std::size_t I>() { return layer_t<I>::template flops_v<input_t<I>>; });
    std::size_t s = 0;
    for (auto v : f)
      s += v;
    return s;
  }();
  static constexpr std::size_t backward_flops = [] {
    auto f = per_layer(
        []<std::size_t I>() { return layer_t<I>::template backward_flops_v<input_t<I>>; });
    std::size_t s = 0;
    for (auto v : f)
      s += v;
    return s;
  }();

  /// Offsets of every layer's scratch inside the region for a given capacity, and last the
  /// region's end.  One walk over the layers: the passes compute it once and hand each layer
  /// its entry (a fold per layer made compile time quadratic in depth).
  static constexpr std::array<std::size_t, size + 1>
  scratch_offsets(std::size_t capacity) noexcept {
    std::array<std::size_t, size + 1> off{};
    off[0] = capacity * (activation_count + 2 * largest_shape);
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((off[J + 1] = off[J] + layer_t<J>::template scratch_count<input_t<J>>(capacity)), ...);
    }
    (std::make_index_sequence<size>{});
    return off;
  }

  /// Offset of layer I's scratch inside the region, for a given capacity.
  template <std::size_t I>
  static constexpr std::size_t scratch_offset(std::size_t capacity) noexcept {
    return scratch_offsets(capacity)[I];
  }

  /// Elements of the region a chain needs for `capacity` samples.
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return scratch_offsets(capacity)[size];
  }

  /// Layer I applies layer I + 1, an element-wise activation, in its own passes.
  template <std::size_t I>
  static constexpr bool fused_with_next = [] {
    if constexpr (I + 1 < size)
      return detail::fuses_activation<layer_t<I>, layer_t<I + 1>>;
    else
      return false;
  }();
  template <std::size_t I>
  static constexpr bool fused_into_previous = [] {
    if constexpr (I > 0)
      return fused_with_next<I - 1>;
    else
      return false;
  }();

  /// Runs every layer on x ([n][size_v<In>]); returns the last layer's output, [n][size_v<Out>].
  template <class T>
  static const T* forward(const T* params, T* state, T* region, std::size_t capacity, const T* x,
                          std::size_t n, const run_context& ctx) noexcept {
    const auto scratch = scratch_offsets(capacity);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (forward_layer<I>(params, state, region, region + scratch[I], capacity, x, n, ctx), ...);
    }
    (std::make_index_sequence<size>{});
    return output<size - 1>(region, capacity);
  }

  /// Back-propagates dy (delta of the last output) through every layer, newest first; adds
  /// parameter gradients into grads and writes the input delta into dx unless it is null.
  template <class T>
  static void backward(const T* params, T* grads, const T* state, T* region, std::size_t capacity,
                       const T* x, const T* dy, T* dx, std::size_t n,
                       const run_context& ctx) noexcept {
    const auto scratch = scratch_offsets(capacity);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (backward_layer<size - 1 - I>(params, grads, state, region, region + scratch[size - 1 - I],
                                    capacity, x, dy, dx, n, ctx),
       ...);
    }
    (std::make_index_sequence<size>{});
  }

  /// Lets every layer fill its parameters and state through the initializer.
  template <class T, class Init>
  static void initialize(T* params, T* state, Init& init) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (layer_t<I>::template initialize<input_t<I>>(params + param_offsets[I],
                                                   state + state_offsets[I], init),
       ...);
    }
    (std::make_index_sequence<size>{});
  }

  /// Output of layer I inside a region ([capacity][size_v<output_t<I>>] reserved).
  template <std::size_t I, class T>
  static T* output(T* region, std::size_t capacity) noexcept {
    return region + capacity * output_offsets[I];
  }

private:
  template <class T>
  static T* delta_buffer(T* region, std::size_t capacity, std::size_t which) noexcept {
    return region + capacity * (activation_count + which * largest_shape);
  }

  // Which of the two delta buffers receives the delta of layer J's input (-1: none, the
  // caller's dx).  Walking back from the caller's dy, a layer writes into the buffer it does
  // not read; an activation fused into the layer before it has no delta of its own, and that
  // layer reads the delta the activation would have read.
  static constexpr std::array<int, size> input_delta_slot = [] {
    std::array<int, size> in{};
    bool fused[size + 1] = {};
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((fused[J] = fused_into_previous<J>), ...);
    }
    (std::make_index_sequence<size>{});
    int out = -1;  // the buffer layer J reads its output delta from; -1: the caller's dy
    for (std::size_t j = size; j-- > 0;) {
      if (fused[j]) {
        in[j] = out;
        continue;
      }
      in[j] = j == 0 ? -1 : (out == 0 ? 1 : 0);
      out = in[j];
    }
    return in;
  }();

  template <std::size_t J, class T>
  static const T* output_delta(T* region, std::size_t capacity, const T* dy) noexcept {
    if constexpr (J + 1 == size)
      return dy;
    else
      return delta_buffer(region, capacity, static_cast<std::size_t>(input_delta_slot[J + 1]));
  }

  // Layer I's input: the chain's own for the first layer, else the output before it.
  template <std::size_t I, class T>
  static const T* layer_input(T* region, std::size_t capacity, const T* x) noexcept {
    if constexpr (I == 0)
      return x;
    else
      return output<I - 1>(region, capacity);
  }

  template <std::size_t I, class T>
  CTNN_LAYER_PASS static void forward_layer(const T* params, T* state, T* region, T* scratch,
                                            std::size_t capacity, const T* x, std::size_t n,
                                            const run_context& ctx) noexcept {
    if constexpr (fused_into_previous<I>) {
      return;  // layer I - 1 wrote this activation's output
    } else {
      const T* in = layer_input<I>(region, capacity, x);
      const forward_io<T> io{params + param_offsets[I],
                             state + state_offsets[I],
                             scratch,
                             capacity,
                             in,
                             output<I>(region, capacity),
                             n,
                             ctx};
      if constexpr (fused_with_next<I>)
        layer_t<I>::template forward_then<input_t<I>, layer_t<I + 1>>(
            io, output<I + 1>(region, capacity));
      else
        layer_t<I>::template forward<input_t<I>>(io);
    }
  }

  template <std::size_t I, class T>
  CTNN_LAYER_PASS static void backward_layer(const T* params, T* grads, const T* state, T* region,
                                             T* scratch, std::size_t capacity, const T* x,
                                             const T* dy, T* dx, std::size_t n,
                                             const run_context& ctx) noexcept {
    if constexpr (fused_into_previous<I>) {
      return;  // layer I - 1 takes this activation's output delta
    } else {
      const T* in = layer_input<I>(region, capacity, x);
      T* d_in = [&] {
        if constexpr (I == 0)
          return dx;
        else
          return delta_buffer(region, capacity, static_cast<std::size_t>(input_delta_slot[I]));
      }();
      if constexpr (fused_with_next<I>) {
        const backward_io<T> io{params + param_offsets[I],
                                grads + param_offsets[I],
                                state + state_offsets[I],
                                scratch,
                                capacity,
                                in,
                                output<I>(region, capacity),
                                nullptr,
                                d_in,
                                n,
                                ctx};
        layer_t<I>::template backward_through<input_t<I>, layer_t<I + 1>>(
            io, static_cast<const T*>(output<I + 1>(region, capacity)),
            output_delta<I + 1>(region, capacity, dy));
      } else {
        layer_t<I>::template backward<input_t<I>>(backward_io<T>{
            params + param_offsets[I], grads + param_offsets[I], state + state_offsets[I], scratch,
            capacity, in, output<I>(region, capacity), output_delta<I>(region, capacity, dy), d_in,
            n, ctx});
      }
    }
  }
};

}  // namespace ctnn
