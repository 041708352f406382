// SPDX-License-Identifier: BSL-1.0
// ctnn's half of the onnxruntime comparison: exports N1-N5 with sample inputs and ctnn's
// outputs, for scripts/onnx/run_onnxruntime.js and check_models.py.  Given MNIST, N1-N4 are
// trained briefly first (one epoch over 6,000 images, N4 five; input normalisation fitted) and
// the samples are test images; otherwise, and for N5, weights and batch-norm statistics are
// random, as are the samples.  N4 also gets a Softmax output.
//   ctnn_onnx_export_seeds OUT_DIR [MNIST_DIR]
#include "support.hpp"

#include <ctnn/data.hpp>
#include <ctnn/onnx/onnx.hpp>
#include <ctnn/train.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <random>
#include <span>
#include <string>

namespace fs = std::filesystem;
using namespace ctnn_onnx_test;

namespace {

using images = ctnn::dataset<ctnn::shape<1, 28, 28>>;

struct mnist {
  images train, test;
};

template <class Net>
std::string export_one(fs::path const& dir, std::string const& name, std::uint32_t seed,
                       bool softmax, std::optional<mnist> const& data) {
  using in_shape = typename Net::input_shape;
  constexpr std::size_t in = ctnn::size_v<in_shape>;
  auto m = random_model<Net>(seed);
  std::vector<float> x(samples * in);
  std::string how = "random weights";
  if constexpr (in == 784) {
    if (data) {
      std::vector<std::size_t> first(6000);
      std::iota(first.begin(), first.end(), std::size_t{0});
      const auto train = ctnn::reshape<in_shape>(ctnn::subset(data->train, first));
      const auto test = ctnn::reshape<in_shape>(
          ctnn::subset(data->test, std::span<const std::size_t>(first).first(1000)));
      m = ctnn::make_model<Net>(ctnn::initializer(ctnn::init_scheme::he_normal, seed));
      m->normalization = ctnn::fit_normalization(train);
      ctnn::adam<Net::parameter_count> opt;
      // N4, with 922 parameters, learns slowly: more passes, still under a second.
      constexpr std::size_t epochs = Net::parameter_count < 2000 ? 5 : 1;
      ctnn::fit(*m, opt, ctnn::softmax_cross_entropy{}, train,
                {.epochs = epochs, .learning_rate = 3e-3, .threads = 2});
      const auto e = ctnn::evaluate(*m, ctnn::softmax_cross_entropy{}, test);
      how = ctnn::onnx::detail::cat("trained ", std::to_string(epochs),
                                    " epoch(s) on 6,000 images: test accuracy ",
                                    std::to_string(100 * e.accuracy).substr(0, 5), " % on 1,000");
      std::copy_n(test.inputs.begin(), x.size(), x.begin());
    }
  }
  if (how == "random weights") {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    for (auto& v : x)
      v = u(g);
    for (std::size_t k = 0; k < m->normalization.groups; ++k) {  // the Sub/Div nodes
      m->normalization.mean[k] = 0.1307f;
      m->normalization.stddev[k] = 0.3081f;
    }
  }
  ctnn::onnx::export_model(dir / ("ctnn_" + name + ".onnx"), *m, {.softmax_output = softmax});
  auto y = outputs(*m, x);
  if (softmax)
    y = softmax_of(y, ctnn::size_v<typename Net::output_shape>);
  write_floats(dir / ("ctnn_" + name + ".input.bin"), x);
  write_floats(dir / ("ctnn_" + name + ".output.bin"), y);
  std::printf("ctnn_%s: %s\n", name.c_str(), how.c_str());
  std::string dims = std::to_string(samples);
  for (std::size_t d : in_shape::dims) {
    dims += ",";
    dims += std::to_string(d);
  }
  return "{\"name\":\"ctnn_" + name + "\",\"input\":[" + dims +
         "],\"classes\":" + std::to_string(ctnn::size_v<typename Net::output_shape>) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR [MNIST_DIR]\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  try {
    std::optional<mnist> data;
    if (argc == 3 && fs::exists(fs::path(argv[2]) / "t10k-labels-idx1-ubyte.gz"))
      data = mnist{ctnn::load_mnist(argv[2], ctnn::split::train),
                   ctnn::load_mnist(argv[2], ctnn::split::test)};
    else if (argc == 3)
      std::printf("no MNIST in %s: random weights for every network\n", argv[2]);
    std::string list = "[";
    list += export_one<n1>(dir, "n1", 21, false, data) + ",";
    list += export_one<n2>(dir, "n2", 22, false, data) + ",";
    list += export_one<n3>(dir, "n3", 23, false, data) + ",";
    list += export_one<n4>(dir, "n4", 24, true, data) + ",";
    list += export_one<n5>(dir, "n5", 25, false, data) + "]\n";
    std::ofstream(dir / "ctnn_models.json") << list;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::printf("exported N1-N5 with samples and ctnn's outputs to %s\n", dir.c_str());
  return 0;
}
