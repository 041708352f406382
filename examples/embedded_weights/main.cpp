// SPDX-License-Identifier: BSL-1.0
// embedded_weights: a trained network compiled into the program.  Its weights come from a
// header written by ctnn::export_header at build time; nothing is read from a file and
// nothing is allocated.  It classifies the test images embedded beside the weights and checks
// that it gives the classes the trained model gave.
#include "mnist_samples.hpp"
#include "mnist_weights.hpp"

#include <cstdio>
#include <span>

int main() {
  std::size_t correct = 0, same = 0;
  for (std::size_t i = 0; i < embedded::sample_count; ++i) {
    const std::span<const float, 784> image(embedded::samples::pixels.data() + i * 784, 784);
    const auto [label, confidence] = ctnn::classify(embedded::weights::model, image);
    std::printf("image %zu: %zu (%.1f %%), label %d\n", i, label, 100.0 * confidence,
                embedded::samples::labels[i]);
    correct += label == std::size_t{embedded::samples::labels[i]};
    same += label == std::size_t{embedded::samples::predicted[i]};
  }
  constexpr std::size_t n = embedded::sample_count;
  std::printf("%zu of %zu correct; %zu of %zu as the trained model classified them\n", correct, n,
              same, n);
  return same == n ? 0 : 1;
}
