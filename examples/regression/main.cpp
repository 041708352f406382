// SPDX-License-Identifier: BSL-1.0
// regression: a network that learns a real-valued function of three inputs with mean squared
// error, on data made here.  Usage: regression [EPOCHS]
#include <ctnn/ctnn.hpp>
#include <ctnn/train.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

// y = sin(2 a) + b c: smooth, nonlinear, and out of reach of a linear model.
using net = ctnn::network<ctnn::input<3>, ctnn::dense<32>, ctnn::tanh, ctnn::dense<32>, ctnn::tanh,
                          ctnn::dense<1>>;
using samples = ctnn::dataset<ctnn::shape<3>, ctnn::shape<1>>;  // 3 inputs, 1 real target

samples make_samples(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  samples d;
  for (std::size_t i = 0; i < n; ++i) {
    const std::array<float, 3> x{u(rng), u(rng), u(rng)};
    const std::array<float, 1> y{std::sin(2 * x[0]) + x[1] * x[2]};
    d.push_back(x, y);
  }
  return d;
}

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 40;
  if (epochs < 1)
    return std::fprintf(stderr, "regression: EPOCHS must be a whole number >= 1\n"), 2;
  const samples train = make_samples(4096, 1), test = make_samples(1024, 2);

  ctnn::model<net> m;  // He-initialised when made
  ctnn::adam<net::parameter_count> opt;
  const double before = ctnn::evaluate(m, ctnn::mse{}, test).loss;
  ctnn::fit(m, opt, ctnn::mse{}, train,
            {.epochs = static_cast<std::size_t>(epochs), .batch = 32, .learning_rate = 3e-3});
  const double after = ctnn::evaluate(m, ctnn::mse{}, test).loss;

  const auto y = ctnn::predict(m, std::array<float, 3>{0.5f, 0.5f, -0.5f});
  std::printf("test mse %.4f -> %.4f; f(0.5, 0.5, -0.5) = %.3f (true %.3f)\n", before, after, y[0],
              std::sin(1.0) - 0.25);
  return after < 0.02 ? 0 : 1;  // the smoke test fails if the network did not learn
}
