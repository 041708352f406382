// SPDX-License-Identifier: BSL-1.0
// mnist_cnn: trains the seed network N1 (20,994 parameters) on MNIST.  The main job.
#include "run_example.hpp"
#include "seed_networks.hpp"

static_assert(ctnn::require_budget<ctnn::seeds::mnist_cnn, ctnn::seeds::lab_budget>);

int main(int argc, char** argv) {
  return ctnn::examples::run_example<ctnn::seeds::mnist_cnn>(
      argc, argv,
      {.name = "mnist_cnn",
       .description = "Train the 20,994-parameter CNN N1 on MNIST",
       .epochs = 2,
       .batch = 128,
       .learning_rate = 1e-2,
       .optimizer = "adam",
       .schedule = "cosine"});
}
