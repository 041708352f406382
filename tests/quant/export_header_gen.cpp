// SPDX-License-Identifier: BSL-1.0
// Writes the header export_header_test.cpp includes: int8_header_model() exported with
// ctnn::export_header (quant/export_header.hpp) into the folder given (a build step).
#include <ctnn/quant/export_header.hpp>

#include "quant/export_header_net.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    ctnn::export_header(std::filesystem::path(argv[1]) / "exported_int8.hpp",
                        *ctnn_test::int8_header_model(),
                        {.namespace_name = "ctnn_test::exported_int8",
                         .network = "ctnn_test::int8_header_net",
                         .includes = {"\"quant/export_header_net.hpp\""}});
  } catch (std::exception const& e) {
    std::fprintf(stderr, "quant_export_header_gen: error: %s\n", e.what());
    return 1;
  }
}
