// SPDX-License-Identifier: BSL-1.0
// The quantised model the int8 header-export test writes at build time
// (export_header_gen.cpp) and compares with (export_header_test.cpp): one function makes both.
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/quant.hpp>
#include <ctnn/testing/layer_laws.hpp>

#include <cstddef>
#include <memory>
#include <random>
#include <vector>

namespace ctnn_test {

/// Folded batch norms (after a conv, before a dense), padding, stride, fused and separate
/// relus, a normalization per channel.
using int8_header_net =
    ctnn::network<ctnn::input<2, 9, 9>, ctnn::conv2d<6, 3, ctnn::pad<1>>, ctnn::batch_norm,
                  ctnn::relu, ctnn::max_pool<2>, ctnn::relu, ctnn::conv2d<5, 2, ctnn::stride<2>>,
                  ctnn::relu, ctnn::flatten, ctnn::dense<12>, ctnn::relu, ctnn::batch_norm,
                  ctnn::dense<4>>;

/// Test inputs the generator predicts before export and the test after.
inline constexpr std::size_t int8_header_test_count = 300;

/// Inputs the model is calibrated on and tested with: a fixed stream of numbers.
inline std::vector<float> int8_header_inputs(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.5f, 1.0f);
  std::vector<float> x(n * ctnn::size_v<int8_header_net::input_shape>);
  for (auto& v : x)
    v = d(rng);
  return x;
}

/// The same quantized_model every time: fixed weights, statistics and calibration inputs.
inline std::unique_ptr<ctnn::quantized_model<int8_header_net>> int8_header_model() {
  auto m = ctnn::make_model<int8_header_net>();
  ctnn::testing::random_initializer init(21);
  m->initialize(init);
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(0.5f, 1.5f);
  for (auto& v : m->state)
    v = u(rng);
  m->normalization.mean = {0.1f, 0.6f};
  m->normalization.stddev = {1.5f, 0.8f};
  const auto calib = int8_header_inputs(200, 1);
  return std::make_unique<ctnn::quantized_model<int8_header_net>>(
      ctnn::quantize(*m, std::span<const float>(calib)));
}

}  // namespace ctnn_test
