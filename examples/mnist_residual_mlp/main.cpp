// SPDX-License-Identifier: BSL-1.0
// mnist_residual_mlp: trains the seed network N2, a residual MLP (92,360 parameters).
#include "run_example.hpp"
#include "seed_networks.hpp"

int main(int argc, char** argv) {
  return ctnn::examples::run_example<ctnn::seeds::residual_mlp>(
      argc, argv,
      {.name = "mnist_residual_mlp",
       .description = "Train the residual MLP N2 (784-100-66+skip-10) on MNIST",
       .epochs = 2,
       .learning_rate = 1e-3});
}
