// SPDX-License-Identifier: BSL-1.0
// mnist3_tiny_cnn: trains the seed network N4 (a 3x5x5/3x3x3 CNN) on digits 0, 1 and 2, or
// on all ten digits with --all-classes (922 parameters then).
#include "run_example.hpp"
#include "seed_networks.hpp"

int main(int argc, char** argv) {
  using namespace ctnn::examples;
  example_config c{.name = "mnist3_tiny_cnn",
                   .description = "Train the tiny CNN N4 on MNIST digits 0-2 (or all ten)",
                   .epochs = 3,
                   .learning_rate = 1e-2,
                   .all_classes_flag = true};
  // The number of classes is part of the network's type, so the flag picks the program.
  if (has_flag(argc, argv, "--all-classes")) {
    c.epochs = 3;
    return run_example<ctnn::seeds::tiny_cnn<10>>(argc, argv, c);
  }
  c.classes = {0, 1, 2};
  return run_example<ctnn::seeds::tiny_cnn<3>>(argc, argv, c);
}
