// SPDX-License-Identifier: BSL-1.0
// Writes the headers export_header_test.cpp includes: header_model<float> and <double>,
// exported with ctnn::export_header into the folder given (a build step).
#include <ctnn/io/export_header.hpp>

#include "io/export_header_net.hpp"
#include "seed_networks.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

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
    // N1 with batch-norm state and a normalization, a sample, and the outputs the run-time
    // (vector) passes give for it: the test has the compiler compute them again.
    using n1 = ctnn::seeds::mnist_cnn;
    auto m = ctnn::make_model<n1>();
    for (std::size_t i = 0; i < n1::state_count; ++i)  // running means, then variances
      m->state[i] = i < n1::state_count / 2 ? 0.01f * static_cast<float>(i) : 0.5f;
    m->normalization.mean = {0.1307f};
    m->normalization.stddev = {0.3081f};
    std::array<float, 784> x;
    ctnn::splitmix64 rng(3);
    for (auto& v : x)
      v = static_cast<float>(rng() >> 40) / 16777216.0f;
    const auto y = ctnn::predict(*m, x);
    ctnn::export_header(dir / "exported_n1.hpp", *m,
                        {.namespace_name = "ctnn_test::exported_n1",
                         .network = "ctnn::seeds::mnist_cnn",
                         .includes = {"\"seed_networks.hpp\""}});
    namespace h = ctnn::detail::header;
    const std::string ns = "ctnn_test::exported_n1_sample";
    std::string text;
    h::begin(text, "A sample for N1 and the outputs the run-time passes give for it.",
             h::guard(ns, "_HPP"), {"<array>"}, ns);
    h::array(text, "input", "784", std::span<const float>(x));
    h::array(text, "outputs", "10", std::span<const float>(y));
    h::end(text, h::guard(ns, "_HPP"), ns);
    h::write(dir / "exported_n1_sample.hpp", text);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "export_header_gen: error: %s\n", e.what());
    return 1;
  }
}
