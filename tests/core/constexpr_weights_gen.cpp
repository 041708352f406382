// SPDX-License-Identifier: BSL-1.0
// Writes tests/core/constexpr_weights.hpp, the trained network constexpr_test.cpp runs inside
// static_assert: a small MLP on 14 x 14 MNIST (average-pooled), trained for one epoch, with
// the first test images and their labels.  Run by hand when the network changes:
//   constexpr_weights_gen MNIST_DIR tests/core/constexpr_weights.hpp
#include <ctnn/ctnn.hpp>
#include <ctnn/data.hpp>
#include <ctnn/io/export_header.hpp>

#include "core/constexpr_net.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) try {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MNIST_DIR OUTPUT_HEADER\n", argv[0]);
    return 2;
  }
  using net = ctnn_test::constexpr_mnist;
  const auto train = ctnn::load_mnist(argv[1], ctnn::split::train);
  const auto test = ctnn::load_mnist(argv[1], ctnn::split::test);
  auto m = ctnn::make_model<net>();
  m->normalization = ctnn::fit_normalization(train);
  ctnn::adam<net::parameter_count> opt;
  ctnn::fit(*m, opt, ctnn::softmax_cross_entropy{}, train,
            {.epochs = 1, .batch = 32, .learning_rate = 3e-3, .threads = 1});
  const auto e = ctnn::evaluate(*m, ctnn::softmax_cross_entropy{}, test);
  std::printf("test accuracy %.2f %%\n", 100 * e.accuracy);

  ctnn::export_header(argv[2], *m,
                      {.namespace_name = "ctnn_test::constexpr_weights",
                       .network = "ctnn_test::constexpr_mnist",
                       .includes = {"\"core/constexpr_net.hpp\""}});
  // The test images go into a header of their own beside it.
  namespace h = ctnn::detail::header;
  std::vector<float> pixels;
  std::vector<std::uint8_t> labels;
  for (std::size_t i = 0; i < ctnn_test::constexpr_image_count; ++i) {
    const auto x = test.input(i);
    pixels.insert(pixels.end(), x.begin(), x.end());
    labels.push_back(static_cast<std::uint8_t>(test.label(i)));
  }
  std::string path = argv[2];
  path.replace(path.rfind(".hpp"), 4, "_images.hpp");
  const std::string ns = "ctnn_test::constexpr_images";
  std::string text;
  h::begin(text, "The first MNIST test images and their labels.", h::guard(ns, "_HPP"),
           {"<array>", "<cstdint>", "\"core/constexpr_net.hpp\""}, ns);
  h::array(text, "pixels", "ctnn_test::constexpr_image_count * 784", std::span<const float>(pixels),
           8);
  h::array(text, "labels", "ctnn_test::constexpr_image_count",
           std::span<const std::uint8_t>(labels), 20);
  h::end(text, h::guard(ns, "_HPP"), ns);
  h::write(path, text);
} catch (std::exception const& e) {
  std::fprintf(stderr, "constexpr_weights_gen: error: %s\n", e.what());
  return 1;
}
