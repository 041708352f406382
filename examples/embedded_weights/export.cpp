// SPDX-License-Identifier: BSL-1.0
// embedded_weights_export: trains a tiny CNN on MNIST briefly and writes it as a C++ header
// (ctnn::export_header), plus a header of a few test images and the model's answers for them,
// which the embedded_weights program, compiled from both, must reproduce.
// Usage: embedded_weights_export MNIST_DIR OUTPUT_DIR
#include "network.hpp"

#include <ctnn/data.hpp>
#include <ctnn/io.hpp>
#include <ctnn/train.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

int main(int argc, char** argv) try {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MNIST_DIR OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out = argv[2];
  const auto train = ctnn::take(ctnn::load_mnist(argv[1], ctnn::split::train), 10000);
  const auto test = ctnn::load_mnist(argv[1], ctnn::split::test);

  auto m = ctnn::make_model<embedded::net>();
  m->normalization = ctnn::fit_normalization(train);
  ctnn::adam<embedded::net::parameter_count> opt;
  ctnn::fit(*m, opt, ctnn::softmax_cross_entropy{}, train,
            {.epochs = 2, .batch = 32, .learning_rate = 3e-3, .threads = 2});
  const auto e = ctnn::evaluate(*m, ctnn::softmax_cross_entropy{}, test);
  std::printf("trained: test accuracy %.2f %% on %zu images\n", 100 * e.accuracy, e.samples);

  // The weights: `embedded::weights::model`, a ctnn::constant_model<embedded::net>.
  ctnn::export_header(out / "mnist_weights.hpp", *m,
                      {.namespace_name = "embedded::weights",
                       .network = "embedded::net",
                       .includes = {"\"network.hpp\""}});

  // The test images, their labels and this model's classes, with the same building blocks.
  namespace h = ctnn::detail::header;
  std::vector<float> pixels;
  std::vector<std::uint8_t> labels, predicted;
  for (std::size_t i = 0; i < embedded::sample_count; ++i) {
    const auto x = test.input(i);
    pixels.insert(pixels.end(), x.begin(), x.end());
    labels.push_back(static_cast<std::uint8_t>(test.label(i)));
    predicted.push_back(static_cast<std::uint8_t>(ctnn::classify(*m, x).label));
  }
  const std::string guard = h::guard("embedded::samples", "_HPP");
  std::string text;
  h::begin(text, "The first MNIST test images, their labels and the exported model's classes.",
           guard, {"<array>", "<cstdint>", "\"network.hpp\""}, "embedded::samples");
  h::array(text, "pixels", "embedded::sample_count * 784", std::span<const float>(pixels), 8);
  h::array(text, "labels", "embedded::sample_count", std::span<const std::uint8_t>(labels), 20);
  h::array(text, "predicted", "embedded::sample_count", std::span<const std::uint8_t>(predicted),
           20);
  h::end(text, guard, "embedded::samples");
  h::write(out / "mnist_samples.hpp", text);
  std::printf("exported %s and %s\n", (out / "mnist_weights.hpp").c_str(),
              (out / "mnist_samples.hpp").c_str());
} catch (std::exception const& e) {
  std::fprintf(stderr, "embedded_weights_export: error: %s\n", e.what());
  return 1;
}
