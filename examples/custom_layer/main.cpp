// SPDX-License-Identifier: BSL-1.0
// custom_layer: a layer written outside the library (maxout over pairs), checked by the layer
// laws, then trained inside a network on two interleaved rings.
#include <ctnn/ctnn.hpp>
#include <ctnn/testing/layer_laws.hpp>
#include <ctnn/train.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>

CTNN_LAYER_LAWS_COUNT_ALLOCATIONS();  // lets the laws check that the passes never allocate

struct needs_an_even_vector {};  // the reason the network's diagnostic names

/// y[i] = max(x[2i], x[2i+1]).  in: shape<2N> -> out: shape<N>; no parameters.
struct pair_max : ctnn::layer_defaults {
  static std::string name() { return "pair_max"; }
  template <class In>
  using check_t = std::conditional_t<ctnn::rank_v<In> == 1 && ctnn::size_v<In> % 2 == 0, ctnn::ok,
                                     needs_an_even_vector>;
  template <class In>
  using output_shape_t = ctnn::shape<ctnn::size_v<In> / 2>;
  template <class In>
  static constexpr std::size_t flops_v = ctnn::size_v<In> / 2;
  template <class In>
  static constexpr std::size_t backward_flops_v = ctnn::size_v<In>;

  template <class In, class T>
  static void forward(ctnn::forward_io<T> const& io) noexcept {
    for (std::size_t i = 0; i < io.n * ctnn::size_v<In> / 2; ++i)
      io.y[i] = std::max(io.x[2 * i], io.x[2 * i + 1]);
  }
  template <class In, class T>
  static void backward(ctnn::backward_io<T> const& io) noexcept {
    if (io.dx != nullptr)  // the delta goes to the input that won (the first on a tie)
      for (std::size_t i = 0; i < io.n * ctnn::size_v<In> / 2; ++i) {
        const bool first = io.x[2 * i] >= io.x[2 * i + 1];
        io.dx[2 * i] = first ? io.dy[i] : T{0};
        io.dx[2 * i + 1] = first ? T{0} : io.dy[i];
      }
  }
};

using net = ctnn::network<ctnn::input<2>, ctnn::dense<32>, pair_max, ctnn::dense<32>, pair_max,
                          ctnn::dense<2>>;

ctnn::dataset<ctnn::shape<2>> rings(std::size_t n, unsigned seed) {  // class = which ring
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> angle(0, 6.2832f), noise(-0.1f, 0.1f);
  ctnn::dataset<ctnn::shape<2>> d;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned label = i % 2;
    const float r = (label ? 1.0f : 0.5f) + noise(rng), a = angle(rng);
    d.push_back(std::array<float, 2>{r * std::cos(a), r * std::sin(a)}, label);
  }
  return d;
}

int main() {
  const auto laws = ctnn::testing::check_layer_laws<pair_max, ctnn::shape<6>>();
  std::cout << "pair_max: " << laws << "\n";
  ctnn::model<net> m;
  ctnn::adam<net::parameter_count> opt;
  ctnn::fit(m, opt, ctnn::softmax_cross_entropy{}, rings(2000, 1),
            {.epochs = 30, .batch = 32, .learning_rate = 3e-3});
  const double accuracy = ctnn::evaluate(m, ctnn::softmax_cross_entropy{}, rings(1000, 2)).accuracy;
  std::printf("test accuracy %.1f %%\n", 100 * accuracy);
  return laws && accuracy > 0.95 ? 0 : 1;
}
