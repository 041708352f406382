// SPDX-License-Identifier: BSL-1.0
// A quantized_model compiled in from the header export_header_gen wrote at build time: the
// same outputs, bit for bit, as the model it came from gave in the generator's process, and
// the same values as that model made again here by the same function (with the same
// compiler flags, as the build makes both), with the model as a constexpr object.
#include <ctnn/quant/export_header.hpp>

#include "exported_int8.hpp"
#include "exported_int8_expected.hpp"
#include "quant/export_header_net.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>

namespace {
template <class A>
bool same_bits(A const& a, A const& b) {
  return std::memcmp(a.data(), b.data(), sizeof(a[0]) * a.size()) == 0;
}
}  // namespace

TEST_CASE("int8 header holds the quantised model's every value", "[quant][export_header]") {
  constexpr auto const& c = ctnn_test::exported_int8::model;
  const auto q = ctnn_test::int8_header_model();
  CHECK(same_bits(c.weights, q->weights));
  CHECK(same_bits(c.bias, q->bias));
  CHECK(same_bits(c.multiplier, q->multiplier));
  CHECK(same_bits(c.shift, q->shift));
  CHECK(same_bits(c.sum_scale, q->sum_scale));
  CHECK(same_bits(c.scale, q->scale));
  CHECK(same_bits(c.zero_point, q->zero_point));
  CHECK(same_bits(c.normalization.mean, q->normalization.mean));
  CHECK(same_bits(c.normalization.stddev, q->normalization.stddev));
  // A value a constant expression can read: the weights are compile-time data.
  static_assert(ctnn_test::exported_int8::model.weights.size() ==
                ctnn::quant::plan<ctnn_test::int8_header_net>::weight_count);
}

TEST_CASE("int8 header model predicts bit-identically to the model in the generator",
          "[quant][export_header]") {
  constexpr std::size_t in = ctnn::size_v<ctnn_test::int8_header_net::input_shape>;
  constexpr std::size_t out = ctnn::size_v<ctnn_test::int8_header_net::output_shape>;
  constexpr std::size_t n = ctnn_test::int8_header_test_count;
  const auto x = ctnn_test::int8_header_inputs(n, 2);
  static_assert(ctnn_test::exported_int8_expected::outputs.size() == n * out);
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = ctnn::predict(ctnn_test::exported_int8::model,
                                 std::span<const float, in>(x.data() + i * in, in));
    INFO("sample " << i);
    REQUIRE(std::memcmp(a.data(), ctnn_test::exported_int8_expected::outputs.data() + i * out,
                        sizeof a) == 0);
  }
}

TEST_CASE("int8 header model predicts bit-identically to the quantised model",
          "[quant][export_header]") {
  const auto q = ctnn_test::int8_header_model();
  constexpr std::size_t in = ctnn::size_v<ctnn_test::int8_header_net::input_shape>;
  const auto x = ctnn_test::int8_header_inputs(300, 2);
  for (std::size_t i = 0; i < 300; ++i) {
    const std::span<const float, in> s(x.data() + i * in, in);
    const auto a = ctnn::predict(ctnn_test::exported_int8::model, s);
    const auto b = ctnn::predict(*q, s);
    REQUIRE(std::memcmp(a.data(), b.data(), sizeof a) == 0);
  }
}

TEST_CASE("int8 header export refuses bad options and keeps the file there",
          "[quant][export_header][hostile]") {
  const auto q = ctnn_test::int8_header_model();
  const auto dir = std::filesystem::temp_directory_path() / "ctnn_int8_header_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "model.hpp";
  { std::ofstream(path) << "previous"; }
  CHECK_THROWS_WITH(
      ctnn::export_header(path, *q, {.namespace_name = "bad name", .network = "n", .includes = {}}),
      Catch::Contains(path.string()) && Catch::Contains("namespace"));
  CHECK_THROWS_WITH(
      ctnn::export_header(path, *q, {.namespace_name = "ok", .network = "a; b", .includes = {}}),
      Catch::Contains("header_options::network"));
  std::ifstream f(path);
  std::string text;
  std::getline(f, text);
  CHECK(text == "previous");
  std::filesystem::remove_all(dir);
}
