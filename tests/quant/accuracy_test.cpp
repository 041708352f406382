// SPDX-License-Identifier: BSL-1.0
// int8 against float on real data, small enough for CI: N1 trained 300 steps on MNIST,
// quantised on 500 training images, compared on 500 test images.  The full figures (10,000
// test images, N1 and N3) come from benchmarks/quant/quant_accuracy.cpp.
#include <ctnn/ctnn.hpp>
#include <ctnn/data.hpp>
#include <ctnn/quant.hpp>
#include <ctnn/train.hpp>

#include "seed_networks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>

TEST_CASE("int8 N1 classifies MNIST test images as the float model does", "[quant][accuracy]") {
  const char* env = std::getenv("CTNN_DATA");
  REQUIRE(env != nullptr);  // the folder holding mnist/, set by the test's definition
  const std::filesystem::path dir = std::filesystem::path(env) / "mnist";
  auto train = ctnn::load_mnist(dir, ctnn::split::train);
  const auto test = ctnn::load_mnist(dir, ctnn::split::test);
  using Net = ctnn::seeds::mnist_cnn;
  auto m = ctnn::make_model<Net>();
  m->normalization = ctnn::fit_normalization(train);
  ctnn::adam<Net::parameter_count> opt;
  ctnn::fit(*m, opt, ctnn::softmax_cross_entropy{}, train,
            {.batch = 64, .learning_rate = 3e-3, .threads = 2, .max_steps = 300});
  const auto q =
      std::make_unique<ctnn::quantized_model<Net>>(ctnn::quantize(*m, train, {.samples = 500}));

  auto ws = ctnn::make_workspace<Net>();
  constexpr std::size_t n = 500;
  std::size_t same = 0, float_right = 0, int8_right = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto f = ctnn::predict(*m, *ws, test.input(i));
    const auto g = ctnn::predict(*q, test.input(i));
    const auto cf = static_cast<std::size_t>(std::max_element(f.begin(), f.end()) - f.begin());
    const auto cg = static_cast<std::size_t>(std::max_element(g.begin(), g.end()) - g.begin());
    same += cf == cg;
    float_right += cf == test.targets[i];
    int8_right += cg == test.targets[i];
  }
  INFO("same class " << same << " of " << n << "; right: float " << float_right << ", int8 "
                     << int8_right);
  CHECK(float_right >= 450);             // the float model learnt something (> 90 %)
  CHECK(same >= n * 98 / 100);           // int8 agrees on at least 98 % of the images
  CHECK(int8_right + 5 >= float_right);  // and loses at most 1 point on them
}
