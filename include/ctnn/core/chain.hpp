// SPDX-License-Identifier: BSL-1.0
// ctnn::chain: forward and backward passes generated over a validated list of
// layers.
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

/// Define CTNN_PROFILE_LAYERS to keep each layer's pass a function of its own,
/// so that a profiler attributes time to layers (it costs a call per layer and
/// pass).
#ifdef CTNN_PROFILE_LAYERS
#define CTNN_LAYER_PASS [[gnu::noinline]]
#else
#define CTNN_LAYER_PASS
#endif

namespace ctnn {

template <class Records>
struct chain_records {};  // Records is void: chain's own assertion reports the invalid layers

/// The layers of a network (or of a residual branch) run one after another on
/// input shape In. Requires is_valid_chain_v<In, Layers...>; ctnn::network
/// checks that first and reports.
///
/// A chain owns one region of memory of scratch_count(capacity) elements laid
/// out as
///   [outputs of every layer: capacity x sum of output sizes]
///   [two delta buffers:      2 x capacity x largest shape]
///   [each layer's scratch]
/// so backward finds every activation it needs and nothing is allocated during
/// a pass.
template <class In, class... Layers>
struct chain : chain_records<typename infer_t<In, Layers...>::records> {
  using walk = infer_t<In, Layers...>;
  static_assert(std::is_same_v<typename walk::error, ok>,
                "ctnn::chain<In, Layers...> requires layers that accept their inputs");
  using layers = type_list<Layers...>;
  using shapes = typename walk::shapes;
  using input_shape = In;
  using output_shape = typename walk::output;
};

/// The passes and tables of a chain, each one pack expansion over the shape
/// walk's records (detail::layer_record): a record carries its layer's shapes,
/// offsets and fusion, so no pass looks a layer up by index or reads a table of
/// all layers (either costs the compiler time and memory growing with depth,
/// per layer: quadratic compile time).
template <class... Records>
struct chain_records<type_list<Records...>> {
  using records = type_list<Records...>;
  static constexpr std::size_t size = sizeof...(Records);

  /// Layer I, its input and its output shape, for code that asks about one
  /// layer.
  template <std::size_t I>
  using layer_t = typename at_t<I, records>::layer;
  template <std::size_t I>
  using input_t = typename at_t<I, records>::input;
  template <std::size_t I>
  using output_t = typename at_t<I, records>::output;

  /// Whether layer I runs layer I + 1, an element-wise activation, in its own passes, and
  /// whether layer I is such an activation.
  template <std::size_t I>
  static constexpr bool fused_with_next = at_t<I, records>::fused_with_next;
  template <std::size_t I>
  static constexpr bool fused_into_previous = at_t<I, records>::fused_into_previous;

private:
  using last = last_t<Records...>;

public:
  static constexpr std::size_t param_count = last::param_offset + last::param_count;
  static constexpr std::size_t state_count = last::state_offset + last::state_count;
  static constexpr std::size_t activation_count =
      last::output_offset + size_v<typename last::output>;  // per sample
  /// Offsets of each layer's parameters (and state) in the chain's flat blocks;
  /// last = total.
  static constexpr std::array<std::size_t, size + 1> param_offsets{Records::param_offset...,
                                                                   param_count};
  static constexpr std::array<std::size_t, size + 1> state_offsets{Records::state_offset...,
                                                                   state_count};
  /// Per-sample offsets of each layer's output inside the outputs area.
  static constexpr std::array<std::size_t, size + 1> output_offsets{Records::output_offset...,
                                                                    activation_count};
  static constexpr std::size_t largest_shape =
      std::max({size_v<typename Records::input>..., size_v<typename Records::output>...});
  static constexpr std::size_t flops =
      (std::size_t{0} + ... + Records::layer::template flops_v<typename Records::input>);
  static constexpr std::size_t backward_flops =
      (std::size_t{0} + ... + Records::layer::template backward_flops_v<typename Records::input>);

  /// Offsets of every layer's scratch inside the region for a given capacity,
  /// and last the region's end.  The passes compute it once and hand each layer
  /// its entry.
  static constexpr std::array<std::size_t, size + 1>
  scratch_offsets(std::size_t capacity) noexcept {
    std::array<std::size_t, size + 1> off{};
    off[0] = capacity * (activation_count + 2 * largest_shape);
    ((off[Records::index + 1] =
          off[Records::index] +
          Records::layer::template scratch_count<typename Records::input>(capacity)),
     ...);
    return off;
  }

  /// Elements of the region a chain needs for `capacity` samples.
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return scratch_offsets(capacity)[size];
  }

  /// Runs every layer on x ([n][size_v<In>]); returns the last layer's output,
  /// [n][size_v<Out>].
  template <class T>
  static constexpr const T* forward(const T* params, T* state, T* region, std::size_t capacity,
                                    const T* x, std::size_t n, const run_context& ctx) noexcept {
    const auto scratch = scratch_offsets(capacity);
    (forward_layer<Records>(params, state, region, scratch.data(), capacity, x, n, ctx), ...);
    return region + capacity * last::output_offset;
  }

  /// Back-propagates dy (delta of the last output) through every layer, newest
  /// first; adds parameter gradients into grads and writes the input delta into
  /// dx unless it is null.
  template <class T>
  static constexpr void backward(const T* params, T* grads, const T* state, T* region,
                                 std::size_t capacity, const T* x, const T* dy, T* dx,
                                 std::size_t n, const run_context& ctx) noexcept {
    const auto scratch = scratch_offsets(capacity);
    // Newest layer first: a right fold over `=`, whose right operand is
    // evaluated before its left (C++17), runs the records last to first.  The
    // built-in `=` of an int: GCC 12 evaluates an overloaded operator='s
    // operands left to right in constant expressions (forward layers first).
    int order = 0;
    ((backward_layer<Records>(params, grads, state, region, scratch.data(), capacity, x, dy, dx, n,
                              ctx),
      order) = ... = 0);
  }

  /// Lets every layer fill its parameters and state through the initializer.
  template <class T, class Init>
  static constexpr void initialize(T* params, T* state, Init& init) {
    (Records::layer::template initialize<typename Records::input>(
         params + Records::param_offset, state + Records::state_offset, init),
     ...);
  }

  /// Output of layer I inside a region ([capacity][size_v<output_t<I>>]
  /// reserved).
  template <std::size_t I, class T>
  static constexpr T* output(T* region, std::size_t capacity) noexcept {
    return region + capacity * output_offsets[I];
  }

private:
  // Layers that run passes of their own (the others are activations fused into
  // the layer before them).
  static constexpr std::size_t runs = last::runs_through;

  // Which of the two delta buffers receives the delta of layer j's input (-1:
  // none, the caller's dx), given whether j is fused into the layer before it
  // and how many layers after j run passes of their own.  Walking back from the
  // caller's dy, a layer writes into the buffer it does not read; an activation
  // fused into the layer before it has no delta of its own, and that layer
  // reads the delta the activation would have read.
  static constexpr int input_slot(std::size_t j, bool fused, std::size_t runs_after) noexcept {
    if (fused)
      return runs_after == 0 ? -1 : static_cast<int>((runs_after - 1) % 2);
    return j == 0 ? -1 : static_cast<int>(runs_after % 2);
  }

  template <class T>
  static constexpr T* delta_buffer(T* region, std::size_t capacity, int which) noexcept {
    return region + capacity * (activation_count + static_cast<std::size_t>(which) * largest_shape);
  }

  // The delta of record R's output: the caller's dy for the last layer, else
  // the buffer that received the delta of the next layer's input.
  template <class R, class T>
  static constexpr const T* output_delta(T* region, std::size_t capacity, const T* dy) noexcept {
    if constexpr (R::index + 1 == size) {
      return dy;
    } else {
      constexpr std::size_t next_runs = R::runs_through + (R::fused_with_next ? 0 : 1);
      return delta_buffer(region, capacity,
                          input_slot(R::index + 1, R::fused_with_next, runs - next_runs));
    }
  }

  // Runs record R's layer, or, when R is an activation fused into the layer
  // before it, that layer's pass with R applied (the layer before then does
  // nothing of its own).
  template <class R, class T>
  CTNN_LAYER_PASS static constexpr void
  forward_layer(const T* params, T* state, T* region, const std::size_t* scratch,
                std::size_t capacity, const T* x, std::size_t n, const run_context& ctx) noexcept {
    constexpr std::size_t I = R::index;
    T* out = region + capacity * R::output_offset;
    if constexpr (R::fused_with_next) {
      return;  // record I + 1 runs this layer with its activation
    } else if constexpr (R::fused_into_previous) {
      using Prev = typename R::previous;
      using PrevIn = typename R::previous_input;
      constexpr std::size_t prev_out = R::output_offset - size_v<typename R::input>;
      const T* prev_in = I == 1 ? x : region + capacity * (prev_out - size_v<PrevIn>);
      const forward_io<T> io{params + (R::param_offset - Prev::template param_count_v<PrevIn>),
                             state + (R::state_offset - Prev::template state_count_v<PrevIn>),
                             region + scratch[I - 1],
                             capacity,
                             prev_in,
                             region + capacity * prev_out,
                             n,
                             ctx};
      Prev::template forward_then<PrevIn, typename R::layer>(io, out);
    } else {
      const T* in = I == 0 ? x : region + capacity * (R::output_offset - size_v<typename R::input>);
      R::layer::template forward<typename R::input>(
          forward_io<T>{params + R::param_offset, state + R::state_offset, region + scratch[I],
                        capacity, in, out, n, ctx});
    }
  }

  template <class R, class T>
  CTNN_LAYER_PASS static constexpr void
  backward_layer(const T* params, T* grads, const T* state, T* region, const std::size_t* scratch,
                 std::size_t capacity, const T* x, const T* dy, T* dx, std::size_t n,
                 const run_context& ctx) noexcept {
    constexpr std::size_t I = R::index;
    if constexpr (R::fused_with_next) {
      return;  // record I + 1 back-propagates through this layer and its
               // activation
    } else if constexpr (R::fused_into_previous) {
      using Prev = typename R::previous;
      using PrevIn = typename R::previous_input;
      constexpr std::size_t prev_out = R::output_offset - size_v<typename R::input>;
      constexpr std::size_t p_offset = R::param_offset - Prev::template param_count_v<PrevIn>;
      const T* prev_in = I == 1 ? x : region + capacity * (prev_out - size_v<PrevIn>);
      constexpr int slot = input_slot(I - 1, false, runs - R::runs_through);
      const backward_io<T> io{params + p_offset,
                              grads + p_offset,
                              state + (R::state_offset - Prev::template state_count_v<PrevIn>),
                              region + scratch[I - 1],
                              capacity,
                              prev_in,
                              region + capacity * prev_out,
                              nullptr,
                              slot < 0 ? dx : delta_buffer(region, capacity, slot),
                              n,
                              ctx};
      Prev::template backward_through<PrevIn, typename R::layer>(
          io, static_cast<const T*>(region + capacity * R::output_offset),
          output_delta<R>(region, capacity, dy));
    } else {
      const T* in = I == 0 ? x : region + capacity * (R::output_offset - size_v<typename R::input>);
      constexpr int slot = input_slot(I, false, runs - R::runs_through);
      R::layer::template backward<typename R::input>(
          backward_io<T>{params + R::param_offset, grads + R::param_offset, state + R::state_offset,
                         region + scratch[I], capacity, in, region + capacity * R::output_offset,
                         output_delta<R>(region, capacity, dy),
                         slot < 0 ? dx : delta_buffer(region, capacity, slot), n, ctx});
    }
  }
};

}  // namespace ctnn
