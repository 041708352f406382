// SPDX-License-Identifier: BSL-1.0
// ctnn::quantize and the int8 pass on small random networks: the plan of the seed networks,
// agreement with the float model, batch n against batch 1, and the errors of bad calibration.
#include <ctnn/ctnn.hpp>
#include <ctnn/quant.hpp>
#include <ctnn/testing/layer_laws.hpp>

#include "seed_networks.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

using namespace ctnn;
using quant::layer_role;

// N1: relus fused, the last batch_norm (after a relu) folded into the dense after it.
using n1_plan = quant::plan<seeds::mnist_cnn>;
static_assert(n1_plan::op_count == 4 && n1_plan::float_output);
static_assert(n1_plan::roles[1] == layer_role::fused_relu &&
              n1_plan::roles[2] == layer_role::max_pool);
static_assert(n1_plan::roles[9] == layer_role::fold_forward && n1_plan::op_folds_input[3]);
// N3: every batch_norm folded into the conv before it, the relu after it fused.
using n3_plan = quant::plan<seeds::lenet_bn>;
static_assert(n3_plan::roles[1] == layer_role::fold_back &&
              n3_plan::roles[2] == layer_role::fused_relu);
static_assert(n3_plan::op_relu[0] && n3_plan::op_relu[1] && !n3_plan::op_folds_input[0]);

namespace {

// Both kinds of batch_norm folding, padding and stride, a float last op.
using folded_net =
    network<input<2, 10, 10>, conv2d<5, 3, pad<1>>, batch_norm, relu, max_pool<2>,
            conv2d<7, 3, stride<2>>, relu, flatten, dense<20>, relu, batch_norm, dense<4>>;
// A relu of its own, dropout, no bias, and an output that is a quantised tensor dequantised
// (a layer follows the last op); relu_out_net ends in a fused relu on float outputs.
using plain_net =
    network<input<12>, dense<16, no_bias>, dropout<20>, relu, dense<6>, relu, identity>;
using relu_out_net = network<input<12>, dense<16>, relu, dense<6>, relu>;

template <class Net>
std::unique_ptr<model<Net>> random_model(std::uint64_t seed) {
  auto m = make_model<Net>();
  testing::random_initializer init(seed);
  m->initialize(init);
  std::mt19937 rng(static_cast<std::uint32_t>(seed));
  std::uniform_real_distribution<float> u(0.5f, 1.5f);
  // Running statistics (means and variances) other than (0, 1), so that a wrong fold shows.
  for (auto& v : m->state)
    v = u(rng);
  return m;
}

std::vector<float> random_inputs(std::size_t n, std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.3f, 1.0f);
  std::vector<float> x(n * size);
  for (auto& v : x)
    v = d(rng);
  return x;
}

struct agreement {
  double classes = 0;    // fraction of samples with the same top class
  double error = 0;      // largest |int8 - float| over outputs
  double magnitude = 0;  // largest |float| over outputs
};

template <class Net>
agreement compare(model<Net> const& m, quantized_model<Net> const& q, std::vector<float> const& x) {
  constexpr std::size_t in = size_v<typename Net::input_shape>;
  constexpr std::size_t on = size_v<typename Net::output_shape>;
  const std::size_t n = x.size() / in;
  auto ws = make_workspace<Net>();
  agreement a;
  for (std::size_t i = 0; i < n; ++i) {
    const std::span<const float, in> s(x.data() + i * in, in);
    const auto f = predict(m, *ws, s);
    const auto g = predict(q, s);
    a.classes += std::max_element(f.begin(), f.end()) - f.begin() ==
                         std::max_element(g.begin(), g.end()) - g.begin()
                     ? 1.0
                     : 0.0;
    for (std::size_t k = 0; k < on; ++k) {
      a.error = std::max(a.error, static_cast<double>(std::abs(f[k] - g[k])));
      a.magnitude = std::max(a.magnitude, static_cast<double>(std::abs(f[k])));
    }
  }
  a.classes /= static_cast<double>(n);
  return a;
}

}  // namespace

TEST_CASE("int8 model follows the float model with batch_norm folded both ways", "[quant][model]") {
  const auto m = random_model<folded_net>(5);
  m->normalization.mean[0] = 0.2f;
  m->normalization.stddev[1] = 2.0f;
  const auto calib = random_inputs(300, 200, 1), test = random_inputs(300, 200, 2);
  for (auto method : {calibration::min_max, calibration::percentile}) {
    const auto q = std::make_unique<quantized_model<folded_net>>(
        quantize(*m, std::span<const float>(calib), {.calibration = method}));
    const agreement a = compare(*m, *q, test);
    INFO("method " << static_cast<int>(method) << ": classes " << a.classes << ", error " << a.error
                   << " of " << a.magnitude);
    CHECK(a.classes >= 0.9);
    CHECK(a.error <= 0.06 * a.magnitude);
  }
}

TEST_CASE("int8 model with a separate relu, dropout, no bias and a dequantised output",
          "[quant][model]") {
  const auto m = random_model<plain_net>(9);
  const auto calib = random_inputs(400, 12, 3), test = random_inputs(200, 12, 4);
  const auto q = std::make_unique<quantized_model<plain_net>>(
      quantize(*m, std::span<const float>(calib), {.calibration = calibration::min_max}));
  static_assert(!quant::plan<plain_net>::float_output);
  const agreement a = compare(*m, *q, test), c = compare(*m, *q, calib);
  INFO("classes " << a.classes << ", error " << c.error << " of " << c.magnitude);
  CHECK(a.classes >= 0.9);
  CHECK(c.error <= 0.06 * c.magnitude);

  const auto r = random_model<relu_out_net>(4);
  const auto qr =
      std::make_unique<quantized_model<relu_out_net>>(quantize(*r, std::span<const float>(calib)));
  static_assert(quant::plan<relu_out_net>::float_output);
  const agreement b = compare(*r, *qr, calib);
  INFO("relu output: classes " << b.classes << ", error " << b.error << " of " << b.magnitude);
  CHECK(b.error <= 0.06 * b.magnitude);
  for (std::size_t i = 0; i < 50; ++i)
    for (float v : predict(*qr, std::span<const float, 12>(test.data() + i * 12, 12)))
      REQUIRE(v >= 0.0f);
}

TEST_CASE("int8 predict over n samples equals n predictions of one", "[quant][model]") {
  const auto m = random_model<folded_net>(6);
  const auto x = random_inputs(17, 200, 8);
  const auto q =
      std::make_unique<quantized_model<folded_net>>(quantize(*m, std::span<const float>(x)));
  auto ws = std::make_unique<quantized_workspace<folded_net>>();
  std::vector<float> all(17 * 4);
  predict(*q, *ws, x.data(), 17, all.data());
  for (std::size_t i = 0; i < 17; ++i) {
    const auto one = predict(*q, std::span<const float, 200>(x.data() + i * 200, 200));
    for (std::size_t k = 0; k < 4; ++k)
      REQUIRE(one[k] == all[i * 4 + k]);
  }
}

TEST_CASE("quantize refuses calibration inputs it cannot use", "[quant][hostile]") {
  const auto m = random_model<plain_net>(1);
  const std::vector<float> ragged(12 * 3 + 5, 0.5f);
  CHECK_THROWS_WITH(quantize(*m, std::span<const float>(ragged)),
                    Catch::Contains("41 values, not a positive multiple of 12"));
  CHECK_THROWS_AS(quantize(*m, std::span<const float>()), quantize_error);
  const std::vector<float> ok(12 * 4, 0.5f);
  CHECK_THROWS_WITH(quantize(*m, std::span<const float>(ok), {.percentile = 30}),
                    Catch::Contains("percentile 30"));
}
