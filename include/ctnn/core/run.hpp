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
}  // namespace detail

/// Runs Net on n samples (x: [n][input size], n <= Capacity) with the given parameters and
/// state.  In phase::train, batch_norm uses this batch's statistics and updates the running
/// ones in `state`, and dropout drops.  Returns the output, [n][output size], valid until the
/// next pass in ws.  Threads that share parameters give each its own state and workspace.
/// x may be ws.input() itself, filled by the caller; then nothing is copied.  n > Capacity
/// throws workspace_error in every build mode.
template <class Net, class T, std::size_t Capacity>
std::span<const T> forward(std::span<const T, Net::parameter_count> params,
                           std::span<T, Net::state_count> state, workspace<Net, T, Capacity>& ws,
                           const T* x, std::size_t n, const run_context& ctx = {}) {
  if (n > Capacity)
    detail::too_many_samples("forward", n, Capacity);
  ws.forward_samples = 0;  // a pass that does not finish leaves nothing to back-propagate
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  if (x != ws.input())
    std::copy_n(x, n * in, ws.input());
  const T* y = Net::chain_type::forward(params.data(), state.data(), ws.region(), Capacity,
                                        static_cast<const T*>(ws.input()), n, ctx);
  ws.forward_samples = n;
  return {y, n * size_v<typename Net::output_shape>};
}

/// forward with a model's parameters and state.
template <class Net, class T, std::size_t Capacity>
std::span<const T> forward(model<Net, T>& m, workspace<Net, T, Capacity>& ws, const T* x,
                           std::size_t n, const run_context& ctx = {}) {
  return forward<Net, T, Capacity>(m.parameters, m.state, ws, x, n, ctx);
}

/// Back-propagates dy ([n][output size]) through the pass last run in ws and adds the
/// parameter gradients into grads (so micro-batches can accumulate).  ctx must be the one
/// given to forward.  Writes the delta of the network's input into dx unless it is null.
/// Throws workspace_error unless the last forward pass in ws ran on the same n samples.
template <class Net, class T, std::size_t Capacity>
void backward(std::span<const T, Net::parameter_count> params,
              std::span<const T, Net::state_count> state, gradients<Net, T>& grads,
              workspace<Net, T, Capacity>& ws, const T* dy, T* dx, std::size_t n,
              const run_context& ctx = {}) {
  if (n > Capacity)
    detail::too_many_samples("backward", n, Capacity);
  if (ws.forward_samples != n)
    throw workspace_error(
        "ctnn::backward: " + std::to_string(n) + " samples, but " +
        (ws.forward_samples == 0
             ? std::string("no forward pass ran in this workspace")
             : "the last forward pass ran on " + std::to_string(ws.forward_samples)) +
        "; run forward on the same samples first");
  Net::chain_type::backward(params.data(), grads.data(), state.data(), ws.region(), Capacity,
                            static_cast<const T*>(ws.input()), dy, dx, n, ctx);
}

/// backward with a model's parameters and state, without the input delta.
template <class Net, class T, std::size_t Capacity>
void backward(const model<Net, T>& m, gradients<Net, T>& grads, workspace<Net, T, Capacity>& ws,
              const T* dy, std::size_t n, const run_context& ctx = {}) {
  backward<Net, T, Capacity>(m.parameters, m.state, grads, ws, dy, static_cast<T*>(nullptr), n,
                             ctx);
}

/// backward with a model's parameters and state, writing the input delta into dx.
template <class Net, class T, std::size_t Capacity>
void backward(const model<Net, T>& m, gradients<Net, T>& grads, workspace<Net, T, Capacity>& ws,
              const T* dy, T* dx, std::size_t n, const run_context& ctx = {}) {
  backward<Net, T, Capacity>(m.parameters, m.state, grads, ws, dy, dx, n, ctx);
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
