// SPDX-License-Identifier: BSL-1.0
// Writes N1's and N4's models (He normal, seed 1: the networks benchmark's weights) as C++
// headers for embedded_bench (a build step).
#include <ctnn/io/export_header.hpp>

#include "seed_networks.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  ctnn::export_header(dir / "n1_weights.hpp", *ctnn::make_model<ctnn::seeds::mnist_cnn>(),
                      {.namespace_name = "n1_weights",
                       .network = "ctnn::seeds::mnist_cnn",
                       .includes = {"\"seed_networks.hpp\""}});
  ctnn::export_header(dir / "n4_weights.hpp", *ctnn::make_model<ctnn::seeds::tiny_cnn<10>>(),
                      {.namespace_name = "n4_weights",
                       .network = "ctnn::seeds::tiny_cnn<10>",
                       .includes = {"\"seed_networks.hpp\""}});
} catch (std::exception const& e) {
  std::fprintf(stderr, "export_seeds: error: %s\n", e.what());
  return 1;
}
