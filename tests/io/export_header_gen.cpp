// SPDX-License-Identifier: BSL-1.0
// Writes the headers export_header_test.cpp includes: header_model<float> and <double>,
// exported with ctnn::export_header into the folder given (a build step).
#include <ctnn/io/export_header.hpp>

#include "io/export_header_net.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    ctnn::export_header(dir / "exported_float.hpp", *ctnn_test::header_model<float>(),
                        {.namespace_name = "ctnn_test::exported_float",
                         .network = "ctnn_test::header_net",
                         .includes = {"\"io/export_header_net.hpp\""}});
    ctnn::export_header(dir / "exported_double.hpp", *ctnn_test::header_model<double>(),
                        {.namespace_name = "ctnn_test::exported_double",
                         .network = "ctnn_test::header_net",
                         .includes = {"\"io/export_header_net.hpp\""}});
  } catch (std::exception const& e) {
    std::fprintf(stderr, "export_header_gen: error: %s\n", e.what());
    return 1;
  }
}
