// SPDX-License-Identifier: BSL-1.0
// ctnn::forward and ctnn::backward: one pass of a network over a batch in a workspace.
#pragma once

#include <ctnn/core/layer.hpp>
#include <ctnn/core/model.hpp>

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

namespace ctnn {

/// A pass was asked for more samples than its workspace holds, or a backward pass has no
/// forward pass of the same samples before it.
struct workspace_error : std::logic_error {
  using std::logic_error::logic_error;
};

namespace detail {
[[noreturn]] inline void too_many_samples(char const* pass, std::size_t n, std::size_t capacity) {
  throw workspace_error(std::string("ctnn::") + pass + ": " + std::to_string(n) +
                        " samples, but the workspace holds at most " + std::to_string(capacity) +
                        " (its Capacity)");
}

constexpr bool same_context(run_context const& a, run_context const& b) noexcept {
  return a.phase == b.phase && a.seed == b.seed && a.step == b.step &&
         a.first_sample == b.first_sample;
}

inline std::string describe(run_context const& c) {
  return std::string("phase ") + (c.phase == phase::train ? "train" : "eval") + ", seed " +
         std::to_string(c.seed) + ", step " + std::to_string(c.step) + ", first sample " +
         std::to_string(c.first_sample);
}

template <class Net, class T, std::size_t Capacity>
constexpr std::span<const T> run_forward(const T* params, T* state, workspace<Net, T, Capacity>& ws,
                                         const T* x, std::size_t n, const run_context& ctx) {
  if (n > Capacity)
    too_many_samples("forward", n, Capacity);
  ws.forward_samples = 0;  // a pass that does not finish leaves nothing to back-propagate
  ws.context = ctx;
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  if (x != ws.input())
    std::copy_n(x, n * in, ws.input());
  const T* y = Net::chain_type::forward(params, state, ws.region(), Capacity,
                                        static_cast<const T*>(ws.input()), n, ws.context);
  ws.forward_samples = n;
  return {y, n * size_v<typename Net::output_shape>};
}

template <class Net, class T, std::size_t Capacity>
constexpr void run_backward(const T* params, const T* state, gradients<Net, T>& grads,
                            workspace<Net, T, Capacity>& ws, const T* dy, T* dx, std::size_t n) {
  if (n > Capacity)
    too_many_samples("backward", n, Capacity);
  if (ws.forward_samples != n)
    throw workspace_error(
        "ctnn::backward: " + std::to_string(n) + " samples, but " +
        (ws.forward_samples == 0
             ? std::string("no forward pass ran in this workspace")
             : "the last forward pass ran on " + std::to_string(ws.forward_samples)) +
        "; run forward on the same samples first");
  Net::chain_type::backward(params, grads.data(), state, ws.region(), Capacity,
                            static_cast<const T*>(ws.input()), dy, dx, n, ws.context);
}

// A backward pass given a context must be given the one its forward pass ran in: batch_norm
// in phase::train differentiates batch statistics, in phase::eval running ones, and dropout
// recomputes its masks from seed and step.
template <class Net, class T, std::size_t Capacity>
constexpr void check_context(workspace<Net, T, Capacity> const& ws, const run_context& ctx) {
  if (ws.forward_samples != 0 && !same_context(ws.context, ctx))
    throw workspace_error("ctnn::backward: given the context (" + describe(ctx) +
                          ") but the last forward pass in this workspace ran in (" +
                          describe(ws.context) +
                          "); pass the forward pass's context, or none to use it");
}
}  // namespace detail

/// Runs Net on n samples (x: [n][input size], n <= Capacity) with the given parameters and
/// state.  In phase::train, batch_norm uses this batch's statistics and updates the running
/// ones in `state`, and dropout drops.  Returns the output, [n][output size], valid until the
/// next pass in ws, which also records ctx for the backward pass.  Threads that share
/// parameters give each its own state and workspace.  x may be ws.input() itself, filled by
/// the caller; then nothing is copied.  n > Capacity throws workspace_error in every build.
template <class Net, class T, std::size_t Capacity>
constexpr std::span<const T>
forward(std::span<const T, Net::parameter_count> params, std::span<T, Net::state_count> state,
        workspace<Net, T, Capacity>& ws, const T* x, std::size_t n, const run_context& ctx = {}) {
  return detail::run_forward(params.data(), state.data(), ws, x, n, ctx);
}

/// Inference: runs a const model in phase::eval, which reads the running statistics and
/// writes no state (a layer writes state in phase::train only).  See the overload above.
template <class Net, class T, std::size_t Capacity>
constexpr std::span<const T> forward(model<Net, T> const& m, workspace<Net, T, Capacity>& ws,
                                     const T* x, std::size_t n) {
  // The chain takes one state pointer for both phases; in phase::eval it is only read.
  return detail::run_forward(m.parameters.data(), const_cast<T*>(m.state.data()), ws, x, n,
                             run_context{phase::eval});
}

/// Training (or any explicit context): runs m in ctx; phase::train updates m.state.
template <class Net, class T, std::size_t Capacity>
constexpr std::span<const T> forward(model<Net, T>& m, workspace<Net, T, Capacity>& ws, const T* x,
                                     std::size_t n, const run_context& ctx) {
  return detail::run_forward(m.parameters.data(), m.state.data(), ws, x, n, ctx);
}

/// Back-propagates dy ([n][output size]) through the pass last run in ws, in that pass's
/// context, and adds the parameter gradients into grads (so micro-batches can accumulate).
/// Writes the delta of the network's input into dx unless it is null.  Throws
/// workspace_error unless the last forward pass in ws ran on the same n samples.
template <class Net, class T, std::size_t Capacity>
constexpr void backward(std::span<const T, Net::parameter_count> params,
                        std::span<const T, Net::state_count> state, gradients<Net, T>& grads,
                        workspace<Net, T, Capacity>& ws, const T* dy, T* dx, std::size_t n) {
  detail::run_backward(params.data(), state.data(), grads, ws, dy, dx, n);
}

/// As above, and throws workspace_error, naming both contexts, unless ctx is the context of
/// the forward pass.
template <class Net, class T, std::size_t Capacity>
constexpr void backward(std::span<const T, Net::parameter_count> params,
                        std::span<const T, Net::state_count> state, gradients<Net, T>& grads,
                        workspace<Net, T, Capacity>& ws, const T* dy, T* dx, std::size_t n,
                        const run_context& ctx) {
  detail::check_context(ws, ctx);
  detail::run_backward(params.data(), state.data(), grads, ws, dy, dx, n);
}

/// backward with a model's parameters and state, in the forward pass's context, without the
/// input delta.
template <class Net, class T, std::size_t Capacity>
constexpr void backward(const model<Net, T>& m, gradients<Net, T>& grads,
                        workspace<Net, T, Capacity>& ws, const T* dy, std::size_t n) {
  detail::run_backward(m.parameters.data(), m.state.data(), grads, ws, dy, static_cast<T*>(nullptr),
                       n);
}

/// backward with a model's parameters and state, checking that ctx is the forward's.
template <class Net, class T, std::size_t Capacity>
constexpr void backward(const model<Net, T>& m, gradients<Net, T>& grads,
                        workspace<Net, T, Capacity>& ws, const T* dy, std::size_t n,
                        const run_context& ctx) {
  detail::check_context(ws, ctx);
  detail::run_backward(m.parameters.data(), m.state.data(), grads, ws, dy, static_cast<T*>(nullptr),
                       n);
}

/// backward with a model's parameters and state, writing the input delta into dx.
template <class Net, class T, std::size_t Capacity>
constexpr void backward(const model<Net, T>& m, gradients<Net, T>& grads,
                        workspace<Net, T, Capacity>& ws, const T* dy, T* dx, std::size_t n) {
  detail::run_backward(m.parameters.data(), m.state.data(), grads, ws, dy, dx, n);
}

/// backward writing the input delta into dx, checking that ctx is the forward's.
template <class Net, class T, std::size_t Capacity>
constexpr void backward(const model<Net, T>& m, gradients<Net, T>& grads,
                        workspace<Net, T, Capacity>& ws, const T* dy, T* dx, std::size_t n,
                        const run_context& ctx) {
  detail::check_context(ws, ctx);
  detail::run_backward(m.parameters.data(), m.state.data(), grads, ws, dy, dx, n);
}

/// The output of layer I for sample b of the pass last run in ws (a feature map for a
/// convolution, shape Net::layer_output_t<I>), valid until the next pass.
template <std::size_t I, class Net, class T, std::size_t Capacity>
std::span<const T, size_v<typename Net::template layer_output_t<I>>>
layer_output(workspace<Net, T, Capacity> const& ws, std::size_t b = 0) noexcept {
  assert(b < Capacity);
  constexpr std::size_t n = size_v<typename Net::template layer_output_t<I>>;
  const T* region = ws.buffer.data() + workspace<Net, T, Capacity>::input_count;
  return std::span<const T, n>(region + Capacity * Net::chain_type::output_offsets[I] + b * n, n);
}

}  // namespace ctnn
