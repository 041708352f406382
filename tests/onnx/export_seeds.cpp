// SPDX-License-Identifier: BSL-1.0
// ctnn's half of the onnxruntime comparison: exports N1-N5 (random weights and batch-norm
// statistics; N1 and N3 with an input normalisation, N4 with a Softmax output) with sample
// inputs and ctnn's outputs, for scripts/onnx/run_onnxruntime.js and check_models.py.
//   ctnn_onnx_export_seeds OUT_DIR
#include "support.hpp"

#include <ctnn/onnx/onnx.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fs = std::filesystem;
using namespace ctnn_onnx_test;

namespace {

template <class Net>
std::string export_one(fs::path const& dir, std::string const& name, std::uint32_t seed,
                       bool normalised, bool softmax) {
  auto m = random_model<Net>(seed);
  if (normalised)
    for (std::size_t g = 0; g < m->normalization.groups; ++g) {
      m->normalization.mean[g] = 0.1307f;
      m->normalization.stddev[g] = 0.3081f;
    }
  ctnn::onnx::export_model(dir / ("ctnn_" + name + ".onnx"), *m, {.softmax_output = softmax});
  constexpr std::size_t in = ctnn::size_v<typename Net::input_shape>;
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> x(samples * in);
  for (auto& v : x)
    v = u(g);
  auto y = outputs(*m, x);
  if (softmax)
    y = softmax_of(y, ctnn::size_v<typename Net::output_shape>);
  write_floats(dir / ("ctnn_" + name + ".input.bin"), x);
  write_floats(dir / ("ctnn_" + name + ".output.bin"), y);
  std::string dims = std::to_string(samples);
  for (std::size_t d : Net::input_shape::dims) {
    dims += ",";
    dims += std::to_string(d);
  }
  return "{\"name\":\"ctnn_" + name + "\",\"input\":[" + dims +
         "],\"classes\":" + std::to_string(ctnn::size_v<typename Net::output_shape>) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  try {
    const std::string list =
        ctnn::onnx::detail::cat("[", export_one<n1>(dir, "n1", 21, true, false)) + "," +
        export_one<n2>(dir, "n2", 22, false, false) + "," +
        export_one<n3>(dir, "n3", 23, true, false) + "," +
        export_one<n4>(dir, "n4", 24, false, true) + "," +
        export_one<n5>(dir, "n5", 25, true, false) + "]\n";
    std::ofstream(dir / "ctnn_models.json") << list;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::printf("exported N1-N5 with samples and ctnn's outputs to %s\n", dir.c_str());
  return 0;
}
