// SPDX-License-Identifier: BSL-1.0
// What ONNX import/export and safetensors share: the kinds of layers they map, a walk over a
// chain's layers, and each layer's tensors under PyTorch state_dict names.
#pragma once

#include <ctnn/core/network.hpp>
#include <ctnn/layers.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctnn::onnx::detail {

template <class L>
inline constexpr bool is_conv2d_v = false;
template <std::size_t O, std::size_t K, class... Opts>
inline constexpr bool is_conv2d_v<conv2d<O, K, Opts...>> = true;
template <class L>
inline constexpr bool is_dense_v = false;
template <std::size_t O, class... Opts>
inline constexpr bool is_dense_v<dense<O, Opts...>> = true;
template <class L>
inline constexpr bool is_max_pool_v = false;
template <std::size_t W, class... Opts>
inline constexpr bool is_max_pool_v<max_pool<W, Opts...>> = true;
template <class L>
inline constexpr bool is_avg_pool_v = false;
template <std::size_t W, class... Opts>
inline constexpr bool is_avg_pool_v<avg_pool<W, Opts...>> = true;
template <class L>
inline constexpr bool is_leaky_relu_v = false;
template <std::size_t N, std::size_t D>
inline constexpr bool is_leaky_relu_v<leaky_relu<N, D>> = true;
template <class L>
inline constexpr bool is_dropout_v = false;
template <std::size_t P>
inline constexpr bool is_dropout_v<dropout<P>> = true;
template <class L>
inline constexpr bool is_sequence_v = false;
template <class... L>
inline constexpr bool is_sequence_v<sequence<L...>> = true;

template <class L>
struct residual_parts {
  static constexpr bool value = false;
};
template <class B, class S>
struct residual_parts<residual<B, S>> {
  static constexpr bool value = true;
  using branch = B;
  using skip = S;
};
template <class L>
inline constexpr bool is_residual_v = residual_parts<L>::value;

/// Layers that map to no ONNX node: the identity of the skip path, and dropout (the
/// identity at inference).
template <class L>
inline constexpr bool is_pass_through_v = std::is_same_v<L, identity> || is_dropout_v<L>;

template <class L>
inline constexpr bool is_mapped_v =
    is_conv2d_v<L> || is_dense_v<L> || is_max_pool_v<L> || is_avg_pool_v<L> || is_leaky_relu_v<L> ||
    is_residual_v<L> || is_pass_through_v<L> || std::is_same_v<L, batch_norm> ||
    std::is_same_v<L, relu> || std::is_same_v<L, sigmoid> || std::is_same_v<L, tanh> ||
    std::is_same_v<L, flatten>;

template <class L>
consteval bool check_mapped() {
  static_assert(is_mapped_v<L>, "ctnn::onnx: this layer kind has no ONNX / state_dict mapping "
                                "(mapped: conv2d, dense, batch_norm, max_pool, avg_pool, relu, "
                                "sigmoid, tanh, leaky_relu, flatten, dropout, identity, residual)");
  return true;
}

/// The chain a residual path (Seq: a layer or a sequence<...>) runs on input shape In.
template <class Seq, class In>
using path_chain_t =
    typename ctnn::detail::path<typename ctnn::detail::as_sequence<Seq>::type, In>::chain_type;

/// Calls f.template operator()<I, Layer, In>(param_offset, state_offset) for every layer of
/// Chain, in order.
template <class Chain, class F>
void for_each_layer(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f.template
     operator()<I, typename Chain::template layer_t<I>, typename Chain::template input_t<I>>(
         Chain::param_offsets[I], Chain::state_offsets[I]),
     ...);
  }
  (std::make_index_sequence<Chain::size>{});
}

/// a + b + ...: appends, so that GCC 12 does not warn falsely (-Wrestrict) about
/// "literal" + std::string&&.
template <class... A>
std::string cat(A const&... a) {
  std::string s;
  ((s += a), ...);
  return s;
}

inline std::string dims_string(std::vector<std::int64_t> const& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i)
    s += cat(i ? ", " : "", std::to_string(d[i]));
  return s + "]";
}

/// The state_dict prefix of layer I of a chain named `prefix`: a network is an
/// nn.Sequential of its layers ("3."), a residual holds `branch` and `skip`, each an
/// nn.Sequential when written as ctnn::sequence<...> ("3.branch.0.") and the module itself
/// otherwise ("3.skip.").
inline std::string child_prefix(std::string const& prefix, std::size_t i) {
  return prefix + std::to_string(i) + ".";
}

/// One tensor of a model: its state_dict name, its PyTorch shape and its values (ctnn's
/// layouts equal PyTorch's: conv weights [out][in][k][k], linear weights [out][in]).
template <class T>
struct tensor_slot {
  std::string name;
  std::vector<std::int64_t> dims;
  T* data;
  std::size_t count;
};

template <class Chain, class T, class F>
void for_each_tensor(std::string const& prefix, T* params, T* state, F&& f);

template <class L, class In, class T, class F>
void layer_tensors(std::string const& p, T* params, T* state, F&& f) {
  static_assert(check_mapped<L>());
  using i64 = std::int64_t;
  if constexpr (is_conv2d_v<L>) {
    constexpr std::size_t o = L::out_channels, c = dim_v<In, 0>, k = L::kernel;
    f(tensor_slot<T>{p + "weight", {i64(o), i64(c), i64(k), i64(k)}, params, o * c * k * k});
    if constexpr (L::has_bias)
      f(tensor_slot<T>{p + "bias", {i64(o)}, params + o * c * k * k, o});
  } else if constexpr (is_dense_v<L>) {
    constexpr std::size_t o = L::out_features, n = size_v<In>;
    f(tensor_slot<T>{p + "weight", {i64(o), i64(n)}, params, o * n});
    if constexpr (L::has_bias)
      f(tensor_slot<T>{p + "bias", {i64(o)}, params + o * n, o});
  } else if constexpr (std::is_same_v<L, batch_norm>) {
    constexpr std::size_t c = dim_v<In, 0>;
    f(tensor_slot<T>{p + "weight", {i64(c)}, params, c});
    f(tensor_slot<T>{p + "bias", {i64(c)}, params + c, c});
    f(tensor_slot<T>{p + "running_mean", {i64(c)}, state, c});
    f(tensor_slot<T>{p + "running_var", {i64(c)}, state + c, c});
  } else if constexpr (is_residual_v<L>) {
    using B = typename residual_parts<L>::branch;
    using S = typename residual_parts<L>::skip;
    using bc = path_chain_t<B, In>;
    using sc = path_chain_t<S, In>;
    for_each_tensor<bc>(p + (is_sequence_v<B> ? "branch." : "branch"), params, state, f);
    for_each_tensor<sc>(p + (is_sequence_v<S> ? "skip." : "skip"), params + bc::param_count,
                        state + bc::state_count, f);
  }
}

/// Calls f(tensor_slot<T>) for every tensor of Chain's parameters and state, named under
/// `prefix`.  A prefix that does not end in '.' names a path of one layer (a residual's
/// branch or skip that is not a sequence<...>): its tensors are "prefix.weight".
template <class Chain, class T, class F>
void for_each_tensor(std::string const& prefix, T* params, T* state, F&& f) {
  const bool single = !prefix.empty() && prefix.back() != '.';
  for_each_layer<Chain>([&]<std::size_t I, class L, class In>(std::size_t po, std::size_t so) {
    const std::string p = single ? prefix + "." : child_prefix(prefix, I);
    layer_tensors<L, In>(p, params + po, state + so, f);
  });
}

}  // namespace ctnn::onnx::detail
