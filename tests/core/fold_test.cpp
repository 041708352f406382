// SPDX-License-Identifier: BSL-1.0
// ctnn::fold_for_inference (core/fold.hpp): the folded network evaluates what the original
// evaluates, to rounding; the unfused original is the reference.
#include <ctnn/core/fold.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/init.hpp>

#include "seed_networks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

using namespace ctnn;

namespace {

// N3: both batch_norms fold into the convolutions before them; each convolution, relu and
// max_pool then become one layer.
static_assert(
    std::is_same_v<inference_network_t<seeds::lenet_bn>,
                   network<input<1, 28, 28>, conv_act_pool<conv2d<6, 5, pad<2>>, relu, max_pool<2>>,
                           conv_act_pool<conv2d<16, 5>, relu, max_pool<2>>, flatten, dense<120>,
                           relu, dense<84>, relu, dense<10>>>);
// N1: the batch_norm after a relu folds into the dense after it.
static_assert(
    std::is_same_v<inference_network_t<seeds::mnist_cnn>,
                   network<input<1, 28, 28>,
                           conv_act_pool<conv2d<16, 3, stride<2>, pad<1>>, relu, max_pool<2>>,
                           conv_act_pool<conv2d<24, 6, stride<2>, pad<3>>, relu, max_pool<2>>,
                           flatten, dense<64>, relu, dense<10>>>);

// A layer without bias gets one; a batch_norm of channels before a dense (after flatten) and
// one inside a residual stay; options keep their order.
using odd = network<input<3, 9, 8>, conv2d<5, 3, pad<1>, no_bias, stride<2>>, batch_norm, relu,
                    batch_norm, flatten, dense<7, no_bias>, batch_norm, leaky_relu<1, 10>,
                    residual<sequence<dense<7>, batch_norm, relu>>, batch_norm, dense<4, no_bias>>;
static_assert(std::is_same_v<inference_network_t<odd>,
                             network<input<3, 9, 8>, conv2d<5, 3, pad<1>, stride<2>>, relu,
                                     batch_norm, flatten, dense<7>, leaky_relu<1, 10>,
                                     residual<sequence<dense<7>, batch_norm, relu>>, dense<4>>>);
// Nothing to fold: the same type.
static_assert(std::is_same_v<inference_network_t<seeds::residual_mlp>, seeds::residual_mlp>);
// A sigmoid may not commute with the maximum (rounding): no conv_act_pool.
using sigmoid_pool = network<input<1, 8, 8>, conv2d<2, 3>, sigmoid, max_pool<2>>;
static_assert(std::is_same_v<inference_network_t<sigmoid_pool>, sigmoid_pool>);

// Parameters and running statistics away from their initial values (gamma 1, beta 0, mean 0,
// var 1 would make a batch_norm nearly the identity and hide a wrong fold).
template <class Net, class T>
std::unique_ptr<model<Net, T>> trained_looking_model() {
  auto m = make_model<Net, T>(initializer(init_scheme::he_normal, 11));
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.5, 1.5), v(-0.5, 0.5);
  for (auto& p : m->parameters)
    p += static_cast<T>(0.1 * v(rng));
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (
        [&] {
          if constexpr (std::is_same_v<typename Net::template layer_t<I>, batch_norm>) {
            constexpr std::size_t c = dim_v<typename Net::template layer_input_t<I>, 0>;
            T* gamma = m->parameters.data() + Net::parameter_offsets[I];
            T* stats = m->state.data() + Net::state_offsets[I];
            for (std::size_t k = 0; k < c; ++k) {
              gamma[k] = static_cast<T>(u(rng));
              gamma[c + k] = static_cast<T>(v(rng));
              stats[k] = static_cast<T>(v(rng));
              stats[c + k] = static_cast<T>(u(rng));
            }
          }
        }(),
        ...);
  }
  (std::make_index_sequence<Net::layer_count>{});
  return m;
}

template <class Net, class T, std::size_t N>
void check_fold(double tolerance) {
  using folded = inference_network_t<Net>;
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  static_assert(std::is_same_v<typename folded::output_shape, typename Net::output_shape>);
  const auto m = trained_looking_model<Net, T>();
  m->normalization.mean.fill(T(0.1));
  const auto f = fold_for_inference(*m);
  CHECK(f->normalization.mean == m->normalization.mean);
  std::mt19937 rng(9);
  std::normal_distribution<double> d(0, 1);
  std::vector<T> x(N * in);
  for (auto& e : x)
    e = static_cast<T>(d(rng));
  auto wa = make_workspace<Net, T, N>();
  auto wb = make_workspace<folded, T, N>();
  // Each n: a single sample takes the convolutions' batch-1 path.
  for (std::size_t n : {std::size_t{1}, N}) {
    const auto ya = forward(*m, *wa, x.data(), n, run_context{phase::eval});
    const auto yb = forward(*f, *wb, x.data(), n, run_context{phase::eval});
    REQUIRE(ya.size() == yb.size());
    double scale = 0, worst = 0;
    for (std::size_t i = 0; i < ya.size(); ++i) {
      scale = std::max(scale, std::abs(static_cast<double>(ya[i])));
      worst = std::max(worst, std::abs(static_cast<double>(ya[i]) - static_cast<double>(yb[i])));
    }
    INFO("n " << n << ", largest output " << scale << ", largest difference " << worst);
    CHECK(scale > 0.1);
    CHECK(worst <= tolerance * scale);
  }
}

}  // namespace

TEST_CASE("a model folded for inference evaluates what the original evaluates", "[core][fold]") {
  // double: agreement to 1e-12 of the outputs' size; float: to a few thousand units of
  // rounding over products of hundreds of terms, 1e-4.
  check_fold<seeds::lenet_bn, double, 3>(1e-12);
  check_fold<seeds::mnist_cnn, double, 3>(1e-12);
  check_fold<odd, double, 4>(1e-12);
  check_fold<seeds::lenet_bn, float, 3>(1e-4);
  check_fold<seeds::mnist_cnn, float, 3>(1e-4);
  check_fold<odd, float, 4>(1e-4);
  check_fold<seeds::tiny_cnn<10>, float, 2>(1e-6);
}

TEST_CASE("the fold check fails for a wrong fold", "[core][fold]") {
  // The same comparison against a folded model whose running variance was not taken into
  // account (the original's state changed after folding) reports a difference.
  auto m = trained_looking_model<seeds::lenet_bn, double>();
  const auto f = fold_for_inference(*m);
  m->state[seeds::lenet_bn::state_offsets[1] + 6] *= 2;  // variance of channel 0
  std::vector<double> x(784, 0.5);
  auto wa = make_workspace<seeds::lenet_bn, double, 1>();
  auto wb = make_workspace<inference_network_t<seeds::lenet_bn>, double, 1>();
  const auto ya = forward(*m, *wa, x.data(), 1, run_context{phase::eval});
  const auto yb = forward(*f, *wb, x.data(), 1, run_context{phase::eval});
  double worst = 0;
  for (std::size_t i = 0; i < ya.size(); ++i)
    worst = std::max(worst, std::abs(ya[i] - yb[i]));
  CHECK(worst > 1e-6);
}
