// SPDX-License-Identifier: BSL-1.0
// ctnn::fold_for_inference: a trained model with its batch_norm layers folded into the
// convolutions and dense layers beside them, for evaluation.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/options.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/type_list.hpp>
#include <ctnn/layers/batch_norm.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/conv_act_pool.hpp>
#include <ctnn/layers/dense.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace ctnn {

// In eval a batch_norm is an affine map per channel, y = s x + t with s = gamma /
// sqrt(var + eps) and t = beta - s mean, so it folds into a linear layer next to it:
//   conv2d or dense, then batch_norm:  W' = s W (per output channel), b' = s b + t;
//   batch_norm of features, then dense: W' = W diag(s), b' = b + W t.
// (A batch_norm of channels before a convolution does not fold when the convolution pads:
// the padding's zeros would have to become -t / s.)  The result is another network type, not
// the same model changed in place: the folded network has fewer layers, and its layers mean
// something else in training (a folded model trained further would no longer normalise), so
// a model is folded once, when training is over, and the original stays what a checkpoint
// and further training use.  Layers inside a residual are copied unfolded.

namespace detail::fold {

// How a layer of the folded network is made from the original's: a copy of layer Src, or
// Src (a conv2d or dense) with the batch_norm after it, or the batch_norm Src with the dense
// after it.
enum class kind { copy, norm_after, norm_before };
template <kind K, std::size_t Src>
struct step {
  static constexpr kind how = K;
  static constexpr std::size_t src = Src;
};

template <class... Lists>
struct concat {
  using type = type_list<>;
};
template <class... A>
struct concat<type_list<A...>> {
  using type = type_list<A...>;
};
template <class... A, class... B, class... Rest>
struct concat<type_list<A...>, type_list<B...>, Rest...> : concat<type_list<A..., B...>, Rest...> {
};

// The layer's options without no_bias: the folded layer has a bias, where the shift goes.
template <class... Opts>
using options_with_bias_t = typename concat<
    std::conditional_t<std::is_same_v<Opts, no_bias>, type_list<>, type_list<Opts>>...>::type;

template <class Layer, class Opts>
struct rebuild;
template <std::size_t Out, std::size_t K, class... Old, class... Opts>
struct rebuild<conv2d<Out, K, Old...>, type_list<Opts...>> {
  using type = conv2d<Out, K, Opts...>;
};
template <std::size_t Out, class... Old, class... Opts>
struct rebuild<dense<Out, Old...>, type_list<Opts...>> {
  using type = dense<Out, Opts...>;
};

template <class Layer>
struct with_bias;
template <std::size_t Out, std::size_t K, class... Opts>
struct with_bias<conv2d<Out, K, Opts...>> {
  using type = typename rebuild<conv2d<Out, K, Opts...>, options_with_bias_t<Opts...>>::type;
};
template <std::size_t Out, class... Opts>
struct with_bias<dense<Out, Opts...>> {
  using type = typename rebuild<dense<Out, Opts...>, options_with_bias_t<Opts...>>::type;
};

template <class L>
inline constexpr bool is_linear = false;
template <std::size_t Out, std::size_t K, class... Opts>
inline constexpr bool is_linear<conv2d<Out, K, Opts...>> = true;
template <std::size_t Out, class... Opts>
inline constexpr bool is_linear<dense<Out, Opts...>> = true;
template <class L>
inline constexpr bool is_dense_layer = false;
template <std::size_t Out, class... Opts>
inline constexpr bool is_dense_layer<dense<Out, Opts...>> = true;

// One walk over the layers, left to right: Net's layers from index I on are Rest; Layers and
// Steps are what the folded network has so far.
template <class Net, std::size_t I, class Layers, class Steps, class... Rest>
struct walk {
  using layers = Layers;
  using steps = Steps;
};
template <class Net, std::size_t I, class... L, class... S, class A, class... Rest>
struct walk<Net, I, type_list<L...>, type_list<S...>, A, Rest...>
    : walk<Net, I + 1, type_list<L..., A>, type_list<S..., step<kind::copy, I>>, Rest...> {};
template <class Net, std::size_t I, class... L, class... S, class A, class... Rest>
requires is_linear<A>
struct walk<Net, I, type_list<L...>, type_list<S...>, A, batch_norm, Rest...>
    : walk<Net, I + 2, type_list<L..., typename with_bias<A>::type>,
           type_list<S..., step<kind::norm_after, I>>, Rest...> {
};
template <class Net, std::size_t I, class... L, class... S, class D, class... Rest>
requires(is_dense_layer<D>&& rank_v<typename Net::template layer_input_t<I>> ==
         1) struct walk<Net, I, type_list<L...>, type_list<S...>, batch_norm, D, Rest...>
    : walk<Net, I + 2, type_list<L..., typename with_bias<D>::type>,
           type_list<S..., step<kind::norm_before, I>>, Rest...> {
};

template <class L>
inline constexpr bool is_conv = false;
template <std::size_t Out, std::size_t K, class... Opts>
inline constexpr bool is_conv<conv2d<Out, K, Opts...>> = true;
template <class L>
inline constexpr bool is_max_pool = false;
template <std::size_t W, class... Opts>
inline constexpr bool is_max_pool<max_pool<W, Opts...>> = true;

// The second walk, over the network with its batch_norms folded: conv2d, an activation that
// never decreases and max_pool become one conv_act_pool (which has the conv2d's parameters).
template <std::size_t I, class Layers, class Steps, class... Rest>
struct pool_walk {
  using layers = Layers;
  using steps = Steps;
};
template <std::size_t I, class... L, class... S, class A, class... Rest>
struct pool_walk<I, type_list<L...>, type_list<S...>, A, Rest...>
    : pool_walk<I + 1, type_list<L..., A>, type_list<S..., step<kind::copy, I>>, Rest...> {};
template <std::size_t I, class... L, class... S, class C, class A, class P, class... Rest>
requires(is_conv<C>&& detail::nondecreasing<A>&&
             is_max_pool<P>) struct pool_walk<I, type_list<L...>, type_list<S...>, C, A, P, Rest...>
    : pool_walk<I + 3, type_list<L..., conv_act_pool<C, A, P>>,
                type_list<S..., step<kind::copy, I>>, Rest...> {
};

template <class Input, class List>
struct make;
template <class Input, class... L>
struct make<Input, type_list<L...>> {
  using type = network<Input, L...>;
};

template <class Net>
struct folded;
template <class Input, class... Layers>
struct folded<network<Input, Layers...>> {
  using w = walk<network<Input, Layers...>, 0, type_list<>, type_list<>, Layers...>;
  using type = typename make<Input, typename w::layers>::type;
  using steps = typename w::steps;
};

template <class Net>
struct pooled;
template <class Input, class... Layers>
struct pooled<network<Input, Layers...>> {
  using w = pool_walk<0, type_list<>, type_list<>, Layers...>;
  using type = typename make<Input, typename w::layers>::type;
  using steps = typename w::steps;
};

// Scale s and shift t of batch_norm layer I of Net, per channel, in double.
template <class Net, std::size_t I, class T>
void affine(model<Net, T> const& m, std::size_t c, double& s, double& t) {
  constexpr std::size_t C = dim_v<typename Net::template layer_input_t<I>, 0>;
  const T* gamma = m.parameters.data() + Net::parameter_offsets[I];
  const T* stats = m.state.data() + Net::state_offsets[I];
  s = static_cast<double>(gamma[c]) /
      std::sqrt(static_cast<double>(stats[C + c]) + batch_norm::epsilon);
  t = static_cast<double>(gamma[C + c]) - s * static_cast<double>(stats[c]);
}

template <class Net, class Folded, std::size_t J, class Step, class T>
void apply(model<Net, T> const& from, model<Folded, T>& to) {
  constexpr std::size_t I = Step::src;
  T* p = to.parameters.data() + Folded::parameter_offsets[J];
  const T* q = from.parameters.data() + Net::parameter_offsets[I];
  if constexpr (Step::how == kind::copy) {
    std::copy(q, from.parameters.data() + Net::parameter_offsets[I + 1], p);
    std::copy(from.state.data() + Net::state_offsets[I],
              from.state.data() + Net::state_offsets[I + 1],
              to.state.data() + Folded::state_offsets[J]);
  } else if constexpr (Step::how == kind::norm_after) {
    using L = typename Net::template layer_t<I>;
    constexpr std::size_t out = dim_v<typename Net::template layer_output_t<I>, 0>;
    constexpr std::size_t row =
        (Net::parameter_offsets[I + 1] - Net::parameter_offsets[I] - (L::has_bias ? out : 0)) / out;
    for (std::size_t o = 0; o < out; ++o) {
      double s, t;
      affine<Net, I + 1>(from, o, s, t);
      for (std::size_t k = 0; k < row; ++k)
        p[o * row + k] = static_cast<T>(s * static_cast<double>(q[o * row + k]));
      const double b = L::has_bias ? static_cast<double>(q[out * row + o]) : 0.0;
      p[out * row + o] = static_cast<T>(s * b + t);
    }
  } else {
    using D = typename Net::template layer_t<I + 1>;
    constexpr std::size_t n = size_v<typename Net::template layer_input_t<I>>;
    constexpr std::size_t out = D::out_features;
    const T* w = from.parameters.data() + Net::parameter_offsets[I + 1];
    for (std::size_t o = 0; o < out; ++o) {
      double b = D::has_bias ? static_cast<double>(w[out * n + o]) : 0.0;
      for (std::size_t k = 0; k < n; ++k) {
        double s, t;
        affine<Net, I>(from, k, s, t);
        p[o * n + k] = static_cast<T>(static_cast<double>(w[o * n + k]) * s);
        b += static_cast<double>(w[o * n + k]) * t;
      }
      p[out * n + o] = static_cast<T>(b);
    }
  }
}

}  // namespace detail::fold

/// Net with every batch_norm that sits after a conv2d or dense, or before a dense (on
/// features), folded into that layer (which gets a bias if it had none), and then every
/// conv2d, relu (or leaky_relu) and max_pool in a row made one ctnn::conv_act_pool.
template <network_type Net>
using inference_network_t =
    typename detail::fold::pooled<typename detail::fold::folded<Net>::type>::type;

namespace detail::fold {
template <class From, class To, class Steps, class T>
void apply_all(model<From, T> const& from, model<To, T>& to) {
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    (apply<From, To, J, at_t<J, Steps>>(from, to), ...);
  }
  (std::make_index_sequence<Steps::size>{});
  to.normalization = from.normalization;
}
}  // namespace detail::fold

/// Writes into `to` the parameters of the folded network that computes, in eval, what `from`
/// computes (to float rounding: the products are formed in double and rounded once), and
/// copies the input normalisation and the state of layers that are not folded.
template <network_type Net, class T>
void fold_for_inference(model<Net, T> const& from, model<inference_network_t<Net>, T>& to) {
  using folded = typename detail::fold::folded<Net>::type;
  using steps = typename detail::fold::folded<Net>::steps;
  using pool_steps = typename detail::fold::pooled<folded>::steps;
  if constexpr (std::is_same_v<folded, inference_network_t<Net>>) {
    detail::fold::apply_all<Net, folded, steps>(from, to);
  } else {
    const auto between = make_model<folded, T>(uninitialized);
    detail::fold::apply_all<Net, folded, steps>(from, *between);
    detail::fold::apply_all<folded, inference_network_t<Net>, pool_steps>(*between, to);
  }
}

/// The folded model on the heap (see the overload above).
template <network_type Net, class T>
std::unique_ptr<model<inference_network_t<Net>, T>> fold_for_inference(model<Net, T> const& from) {
  auto to = make_model<inference_network_t<Net>, T>(uninitialized);
  fold_for_inference(from, *to);
  return to;
}

}  // namespace ctnn
