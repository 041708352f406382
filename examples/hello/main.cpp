// SPDX-License-Identifier: BSL-1.0
// hello: define a network, train it on MNIST, evaluate it, save its weights.
// Usage: hello [MNIST_DIR] [WEIGHTS_FILE]   (defaults: data/mnist, hello.weights)
#include "network.hpp"

#include <ctnn/data.hpp>
#include <ctnn/io.hpp>
#include <ctnn/train.hpp>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) try {
  const char* data = argc > 1 ? argv[1] : "data/mnist";
  const char* weights = argc > 2 ? argv[2] : "hello.weights";
  const auto train = ctnn::load_mnist(data, ctnn::split::train);
  const auto test = ctnn::load_mnist(data, ctnn::split::test);

  auto m = ctnn::make_model<hello::net>();  // initialised (He, seed 1), on the heap
  m->normalization = ctnn::fit_normalization(train);
  ctnn::adam<hello::net::parameter_count> opt;
  ctnn::fit(*m, opt, ctnn::softmax_cross_entropy{}, train,
            {.epochs = 1, .learning_rate = 3e-3, .threads = 2, .on_epoch = ctnn::epoch_log()});

  const auto e = ctnn::evaluate(*m, ctnn::softmax_cross_entropy{}, test);
  std::printf("test accuracy %.2f %% on %zu images\n", 100 * e.accuracy, e.samples);
  ctnn::save_weights(weights, *m);
  std::printf("weights saved to %s\n", weights);
} catch (std::exception const& e) {
  std::fprintf(stderr, "hello: %s\n", e.what());
  return 1;
}
