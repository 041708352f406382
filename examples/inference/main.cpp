// SPDX-License-Identifier: BSL-1.0
// inference: load the weights hello saved and classify images: PNG files (28x28 grey) or
// images of an IDX file, given as FILE:INDEX.
// Usage: inference WEIGHTS_FILE IMAGE...   e.g. inference hello.weights 7.png
// t10k-images-idx3-ubyte.gz:0
#include "../hello/network.hpp"

#include <ctnn/data.hpp>
#include <ctnn/io.hpp>
#include <ctnn/report/png.hpp>

#include <array>
#include <cstdio>
#include <exception>
#include <string>

// One raw image, pixels scaled to [0, 1] as the training set's were.
std::array<float, 784> read_image(std::string const& arg) {
  std::array<float, 784> x{};
  if (const auto colon = arg.rfind(':'); colon != std::string::npos && colon + 1 < arg.size()) {
    const std::string index = arg.substr(colon + 1);
    if (index.find_first_not_of("0123456789") != std::string::npos || index.size() > 9)
      throw std::invalid_argument(arg + ": '" + index + "' is not an image index");
    const auto images = ctnn::read_idx_images(arg.substr(0, colon));
    const std::size_t i = std::stoul(index);
    if (images.rows != 28 || images.cols != 28 || i >= images.count)
      throw std::out_of_range(arg + ": the file holds " + std::to_string(images.count) + " " +
                              std::to_string(images.rows) + "x" + std::to_string(images.cols) +
                              " images; the network reads image 0 to count - 1 of 28x28");
    for (std::size_t p = 0; p < x.size(); ++p)
      x[p] = images.pixels[i * x.size() + p] / 255.0f;
    return x;
  }
  const auto png = ctnn::report::read_png(arg);
  if (png.width != 28 || png.height != 28)
    throw std::invalid_argument(arg + ": " + std::to_string(png.width) + "x" +
                                std::to_string(png.height) + " pixels; the network reads 28x28");
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = png.pixels[i] / 255.0f;
  return x;
}

int main(int argc, char** argv) try {
  if (argc < 3)
    return std::fprintf(stderr, "usage: inference WEIGHTS_FILE IMAGE...\n"), 2;
  // Checks the file's layers and shapes against hello::net; brings its normalization along.
  const auto m = ctnn::load_weights<hello::net>(argv[1]);
  for (int a = 2; a < argc; ++a) {
    const auto [label, confidence] = ctnn::classify(*m, read_image(argv[a]));
    std::printf("%s: %zu (%.1f %%)\n", argv[a], label, 100 * confidence);
  }
} catch (std::exception const& e) {
  std::fprintf(stderr, "inference: %s\n", e.what());
  return 1;
}
