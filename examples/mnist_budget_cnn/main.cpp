// SPDX-License-Identifier: BSL-1.0
// mnist_budget_cnn: the most accurate network we fit in the lab task's budget of
// 9*9*20 + 2000*100 + 100*10 = 202,620 trainable parameters; it aims at 99 % on MNIST.
#include "run_example.hpp"
#include "seed_networks.hpp"

namespace ctnn::examples {
using budget_cnn = network<input<1, 28, 28>,                              //
                           conv2d<12, 5>, batch_norm, relu, max_pool<2>,  //
                           conv2d<24, 5>, batch_norm, relu, max_pool<2>,  //
                           flatten,                                       //
                           dense<128>, relu,                              //
                           dense<10>>;
static_assert(require_budget<budget_cnn, seeds::lab_budget>);
}  // namespace ctnn::examples

int main(int argc, char** argv) {
  return ctnn::examples::run_example<ctnn::examples::budget_cnn>(
      argc, argv,
      {.name = "mnist_budget_cnn",
       .description = "Train a CNN within the 202,620-parameter budget to 99 % on MNIST",
       .epochs = 2,
       .learning_rate = 5e-3,
       .schedule = "cosine",
       .normalise = true});
}
