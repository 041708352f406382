// SPDX-License-Identifier: BSL-1.0
// fashion_lenet: trains the seed network N3, LeNet with batch normalisation (61,750
// parameters), on Fashion-MNIST or any folder of IDX files; --predict names the
// classes (T-shirt/top, Trouser, ...).
#include "run_example.hpp"
#include "seed_networks.hpp"

int main(int argc, char** argv) {
  return ctnn::examples::run_example<ctnn::seeds::lenet_bn>(
      argc, argv,
      {.name = "fashion_lenet",
       .description = "Train LeNet with batch normalisation (N3) on Fashion-MNIST",
       .data_set = "fashion-mnist",
       .class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                       "Sneaker", "Bag", "Ankle boot"},
       .epochs = 5,
       .learning_rate = 2e-3,
       .schedule = "cosine"});
}
