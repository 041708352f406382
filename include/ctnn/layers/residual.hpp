// SPDX-License-Identifier: BSL-1.0
// ctnn::residual: the sum of a branch of layers and a skip path over the same input.
#pragma once

#include <ctnn/core/chain.hpp>
#include <ctnn/core/error.hpp>
#include <ctnn/core/infer.hpp>
#include <ctnn/core/layer.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/layers/identity.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

/// Layers run one after another inside a residual block.
template <class... Layers>
struct sequence {};

/// The branch's output shape differs from the skip path's, so they cannot be added; give
/// the skip path a projection (e.g. a dense or conv2d of the branch's output size).
template <class BranchOutput, class SkipOutput>
struct branch_and_skip_shapes_differ {};
template <class S>
struct branch_output {};
template <class S>
struct skip_output {};
/// A layer inside the branch (or skip path) rejects its input; the inner layer_error's index
/// counts from the start of that path.
template <class LayerError>
struct in_branch {};
template <class LayerError>
struct in_skip {};
/// The branch (or skip path) is an empty sequence<>: it has no layer to run.  A path that
/// passes its input on unchanged is written ctnn::identity.
struct branch_is_empty_use_identity {};
struct skip_is_empty_use_identity {};

namespace detail {
template <class X>
struct as_sequence {
  using type = sequence<X>;
};
template <class... L>
struct as_sequence<sequence<L...>> {
  using type = sequence<L...>;
};

template <class Seq, class In>
struct path;
template <class... L, class In>
struct path<sequence<L...>, In> {
  static constexpr std::size_t size = sizeof...(L);
  using walk = infer_t<In, L...>;
  using chain_type = chain<In, L...>;
  static std::string name() {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about "," + std::string&&.
    std::string s;
    ((s += s.empty() ? "" : ",", s += L::name()), ...);
    return s;
  }
};

template <class Branch, class Skip, class In>
consteval auto residual_reason() {
  using b = typename Branch::walk;
  using s = typename Skip::walk;
  if constexpr (Branch::size == 0)
    return branch_is_empty_use_identity{};
  else if constexpr (Skip::size == 0)
    return skip_is_empty_use_identity{};
  else if constexpr (!std::is_same_v<typename b::error, ok>)
    return in_branch<typename b::error>{};
  else if constexpr (!std::is_same_v<typename s::error, ok>)
    return in_skip<typename s::error>{};
  else {
    using bo = typename b::output;
    using so = typename s::output;
    if constexpr (!std::is_same_v<bo, so>)
      return branch_and_skip_shapes_differ<branch_output<bo>, skip_output<so>>{};
    else
      return ok{};
  }
}
}  // namespace detail

/// y = branch(x) + skip(x).  Branch and Skip are each a layer or a ctnn::sequence<...>;
/// Skip defaults to identity, and a projection (e.g. dense<66, no_bias>) makes the shapes
/// meet.  in: S -> out: the branch's output shape, which must equal the skip's;
/// params: the branch's then the skip's.
template <class Branch, class Skip = identity>
struct residual : layer_defaults {
private:
  template <class In>
  using branch = detail::path<typename detail::as_sequence<Branch>::type, In>;
  template <class In>
  using skip = detail::path<typename detail::as_sequence<Skip>::type, In>;
  template <class In>
  using branch_chain = typename branch<In>::chain_type;
  template <class In>
  using skip_chain = typename skip<In>::chain_type;

public:
  static std::string name() {
    using b = detail::path<typename detail::as_sequence<Branch>::type, shape<1>>;
    using s = detail::path<typename detail::as_sequence<Skip>::type, shape<1>>;
    std::string out = "residual<";  // appended, as in path::name
    out += b::name();
    out += " | skip: ";
    out += s::name();
    return out + ">";
  }

  template <class In>
  using check_t = decltype(detail::residual_reason<branch<In>, skip<In>, In>());
  template <class In>
  using output_shape_t = typename branch_chain<In>::output_shape;
  template <class In>
  static constexpr std::size_t param_count_v =
      branch_chain<In>::param_count + skip_chain<In>::param_count;
  template <class In>
  static constexpr std::size_t state_count_v =
      branch_chain<In>::state_count + skip_chain<In>::state_count;
  template <class In>
  static constexpr std::size_t flops_v =
      branch_chain<In>::flops + skip_chain<In>::flops + size_v<output_shape_t<In>>;
  template <class In>
  static constexpr std::size_t backward_flops_v =
      branch_chain<In>::backward_flops + skip_chain<In>::backward_flops + size_v<In>;

  // [branch region][skip region][the skip path's input delta, capacity x size_v<In>]
  template <class In>
  static constexpr std::size_t scratch_count(std::size_t capacity) noexcept {
    return branch_chain<In>::scratch_count(capacity) + skip_chain<In>::scratch_count(capacity) +
           capacity * size_v<In>;
  }

  template <class In, class T, class Init>
  static void initialize(T* params, T* state, Init& init) {
    branch_chain<In>::initialize(params, state, init);
    skip_chain<In>::initialize(params + branch_chain<In>::param_count,
                               state + branch_chain<In>::state_count, init);
  }

  template <class In, class T>
  static constexpr void forward(forward_io<T> const& io) noexcept {
    using b = branch_chain<In>;
    using s = skip_chain<In>;
    const T* yb = b::forward(io.params, io.state, io.scratch, io.capacity, io.x, io.n, io.ctx);
    const T* ys =
        s::forward(io.params + b::param_count, io.state + b::state_count,
                   io.scratch + b::scratch_count(io.capacity), io.capacity, io.x, io.n, io.ctx);
    const std::size_t count = io.n * size_v<output_shape_t<In>>;
    for (std::size_t i = 0; i < count; ++i)
      io.y[i] = yb[i] + ys[i];
  }

  template <class In, class T>
  static constexpr void backward(backward_io<T> const& io) noexcept {
    using b = branch_chain<In>;
    using s = skip_chain<In>;
    T* skip_region = io.scratch + b::scratch_count(io.capacity);
    T* skip_dx = io.dx == nullptr ? nullptr : skip_region + s::scratch_count(io.capacity);
    // The sum passes dy unchanged to both paths; their input deltas add up.
    b::backward(io.params, io.grads, io.state, io.scratch, io.capacity, io.x, io.dy, io.dx, io.n,
                io.ctx);
    s::backward(io.params + b::param_count, io.grads + b::param_count, io.state + b::state_count,
                skip_region, io.capacity, io.x, io.dy, skip_dx, io.n, io.ctx);
    if (io.dx == nullptr)
      return;
    const std::size_t count = io.n * size_v<In>;
    for (std::size_t i = 0; i < count; ++i)
      io.dx[i] += skip_dx[i];
  }
};

}  // namespace ctnn
