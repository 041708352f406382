// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core/predict.hpp>

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <memory>

using namespace ctnn;

namespace {
using net = network<input<2, 4, 4>, conv2d<3, 3>, batch_norm, relu, flatten, dense<5>>;
constexpr std::size_t in = size_v<net::input_shape>;

std::array<float, in> raw_sample() {
  std::array<float, in> x;
  for (std::size_t i = 0; i < in; ++i)
    x[i] = 100.0f + 20.0f * std::sin(0.9f * static_cast<float>(i));  // raw, like pixels
  return x;
}
}  // namespace

TEST_CASE("predict normalises the raw sample and runs the model in eval", "[core][predict]") {
  model<net> m;
  m.normalization.mean = {100.0f, 90.0f};
  m.normalization.stddev = {20.0f, 10.0f};
  m.state[0] = 0.5f;  // running statistics that differ from a batch's
  const auto raw = raw_sample();

  std::array<float, in> normalised;
  m.normalization.apply(raw.data(), normalised.data(), 1);
  CHECK(normalised[0] == Approx((raw[0] - 100.0f) / 20.0f));
  CHECK(normalised[16] == Approx((raw[16] - 90.0f) / 10.0f));
  workspace<net> ws;
  const auto y = forward(std::as_const(m), ws, normalised.data(), 1);

  const std::array<float, 5> p = predict(m, raw);
  for (std::size_t k = 0; k < 5; ++k)
    CHECK(p[k] == y[k]);
  // A heap workspace of any capacity gives the same, and the model is left as it was.
  auto big = make_workspace<net, float, 8>();
  const auto state = m.state;
  CHECK(predict(m, *big, raw) == p);
  CHECK(predict(m, std::span<const float, in>(raw)) == p);
  CHECK(m.state == state);
}

TEST_CASE("classify returns the largest output and its softmax probability", "[core][predict]") {
  model<net> m;
  const auto raw = raw_sample();
  const auto p = predict(m, raw);
  const auto c = classify(m, raw);
  const auto top = std::max_element(p.begin(), p.end());
  CHECK(c.label == static_cast<std::size_t>(top - p.begin()));
  double sum = 0;
  for (float v : p)
    sum += std::exp(static_cast<double>(v - *top));
  CHECK(c.confidence == Approx(1 / sum));
  CHECK(c.confidence > 0.2f);  // of 5 classes, the top one has at least 1/5
  CHECK(c.confidence <= 1.0f);
  auto ws = make_workspace<net>();
  const auto c2 = classify(m, *ws, raw);
  CHECK(c2.label == c.label);
  CHECK(c2.confidence == c.confidence);
}
