// SPDX-License-Identifier: BSL-1.0
// ctnn::export_header: the headers written at build time (export_header_gen.cpp) hold the
// model bit for bit and predict bit-identically with no heap; the writer's literals and errors.
#include <ctnn/io/export_header.hpp>

#include "io/export_header_net.hpp"
#include "support/idx_files.hpp"

// Written by export_header_gen before this file is compiled.
#include "exported_double.hpp"
#include "exported_float.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <new>
#include <string>

namespace {
std::atomic<std::size_t> allocations{0};
}

// Counts every allocation, to show that inference from the header allocates nothing.  GCC
// pairs its built-in operator new with our free and warns; these are a malloc/free pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n))
    return p;
  throw std::bad_alloc{};
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace ctnn;
using Catch::Matchers::Contains;
using ctnn_test::header_net;

// The header's arrays are constants the compiler sees, typed by the network.
static_assert(ctnn_test::exported_float::parameters.size() == header_net::parameter_count);
static_assert(std::is_same_v<ctnn_test::exported_float::network, header_net>);
static_assert(ctnn_test::exported_float::parameters[3] == 1.0f / 3.0f);
static_assert(ctnn_test::exported_double::parameters[1] ==
              std::numeric_limits<double>::denorm_min());

namespace {

template <class T, std::size_t N>
bool same_bits(std::array<T, N> const& a, std::span<const T, N> b) {
  return std::memcmp(a.data(), b.data(), N * sizeof(T)) == 0;
}

template <class T>
std::array<T, 128> sample(T phase) {
  std::array<T, 128> x;
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = T{0.5} + T{0.5} * std::sin(phase + T{0.37} * static_cast<T>(i));
  return x;
}

template <class T>
void check_bit_identical(constant_model<header_net, T> const& exported, char const* fp) {
  const auto m = ctnn_test::header_model<T>();
  CHECK(same_bits(m->parameters, exported.parameters));
  CHECK(same_bits(m->state, exported.state));
  CHECK(same_bits(m->normalization.mean, std::span<const T, 2>(exported.normalization.mean)));
  CHECK(same_bits(m->normalization.stddev, std::span<const T, 2>(exported.normalization.stddev)));
  CHECK(std::signbit(exported.parameters[0]));  // -0 stays negative
  CHECK(std::string(fp) == fingerprint<header_net, T>());
  for (int s = 0; s < 8; ++s) {
    const auto x = sample<T>(static_cast<T>(s));
    const auto before = allocations.load();
    const auto from_header = predict(exported, x);
    const auto labelled = classify(exported, x);
    CHECK(allocations.load() == before);  // no heap: a stack workspace, the arrays in place
    const auto from_model = predict(*m, x);
    CHECK(std::memcmp(from_header.data(), from_model.data(), sizeof from_model) == 0);
    CHECK(labelled.label == classify(*m, x).label);
  }
  const auto again = exported.to_model();
  CHECK(std::memcmp(again.parameters.data(), m->parameters.data(), sizeof m->parameters) == 0);
}

std::string read_text(std::filesystem::path const& p) {
  std::ifstream f(p);
  return {std::istreambuf_iterator<char>(f), {}};
}

header_options options() {
  return {.namespace_name = "t::w", .network = "ctnn_test::header_net", .includes = {}};
}

}  // namespace

TEST_CASE("a header exported at build time predicts bit-identically to its model",
          "[io][export_header]") {
  namespace f = ctnn_test::exported_float;
  namespace d = ctnn_test::exported_double;
  CHECK(f::model.parameters.data() == f::parameters.data());  // a view: nothing is copied
  check_bit_identical<float>(f::model, f::fingerprint);
  check_bit_identical<double>(d::model, d::fingerprint);
}

TEST_CASE("header literals read back as exactly the value", "[io][export_header]") {
  namespace h = detail::header;
  CHECK(h::literal(-1.5f) == "-0x1.8p+0f");
  CHECK(h::literal(0.0f) == "0x0p+0f");
  CHECK(h::literal(-0.0) == "-0x0p+0");
  CHECK(h::literal(std::int8_t{-128}) == "-128");
  CHECK(h::literal(std::uint8_t{255}) == "255u");
  CHECK(h::literal(std::numeric_limits<std::int64_t>::min()) == "(-9223372036854775807 - 1)");
  // Random bit patterns (every finite float), and the edges of the range.
  std::uint32_t bits = 12345;
  std::vector<float> values = {std::numeric_limits<float>::denorm_min(),
                               std::numeric_limits<float>::max(),
                               -std::numeric_limits<float>::min(), 1.0f / 3.0f};
  for (int i = 0; i < 2000; ++i) {
    bits = bits * 1664525u + 1013904223u;
    float v;
    std::memcpy(&v, &bits, 4);
    if (std::isfinite(v))
      values.push_back(v);
  }
  for (const float v : values) {
    std::string s = h::literal(v);
    REQUIRE(s.back() == 'f');
    s.pop_back();
    const float back = std::strtof(s.c_str(), nullptr);
    CHECK(std::memcmp(&back, &v, 4) == 0);
  }
  const double third = 1.0 / 3.0;
  CHECK(std::strtod(h::literal(third).c_str(), nullptr) == third);
}

TEST_CASE("export_header writes a header typed by the network", "[io][export_header]") {
  test::temp_dir dir("export-header");
  const auto m = ctnn_test::header_model<float>();
  auto o = options();
  o.includes = {"\"net.hpp\""};
  export_header(dir / "w.hpp", *m, o);
  const std::string text = read_text(dir / "w.hpp");
  CHECK_THAT(text, Contains("#ifndef CTNN_GENERATED_T__W_HPP"));
  CHECK_THAT(text, Contains("#include \"net.hpp\""));
  CHECK_THAT(text, Contains("namespace t::w {"));
  CHECK_THAT(text, Contains("using network = ctnn_test::header_net;"));
  CHECK_THAT(text, Contains("std::array<float, network::parameter_count> parameters = {\n    "
                            "-0x0p+0f, 0x0.000002p-126f, 0x1.000002p+0f, 0x1.555556p-2f,"));
  std::string offsets;
  for (const std::size_t at : header_net::parameter_offsets)
    offsets += (offsets.empty() ? "" : ", ") + std::to_string(at);
  CHECK_THAT(text, Contains("static_assert(network::parameter_offsets == std::array<std::size_t, " +
                            std::to_string(header_net::parameter_offsets.size()) + ">{" + offsets +
                            "},"));
  CHECK_THAT(text, Contains("constant_model<network, float> model{parameters, state, "
                            "normalization};"));
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& e : std::filesystem::directory_iterator(dir.path))
    ++files;
  CHECK(files == 1);  // no temporary file left beside it
}

TEST_CASE("export_header refuses what it cannot write, naming the path", "[io][export_header]") {
  test::temp_dir dir("export-header-bad");
  auto m = ctnn_test::header_model<float>();
  const auto keep = dir / "keep.hpp";
  test::write_raw(keep, {'m', 'i', 'n', 'e'});
  auto with = [](auto change) {
    auto o = options();
    change(o);
    return o;
  };
  CHECK_THROWS_WITH(export_header(keep, *m, with([](auto& o) { o.namespace_name = "1up"; })),
                    Contains("keep.hpp: not written: the namespace '1up' is not identifiers"));
  CHECK_THROWS_WITH(export_header(keep, *m, with([](auto& o) { o.namespace_name = "a::"; })),
                    Contains("the namespace 'a::'"));
  CHECK_THROWS_WITH(export_header(keep, *m, with([](auto& o) { o.network = ""; })),
                    Contains("keep.hpp: not written: header_options::network must spell"));
  CHECK_THROWS_WITH(export_header(keep, *m, with([](auto& o) { o.network = "int; int x"; })),
                    Contains("got 'int; int x'"));
  CHECK_THROWS_WITH(export_header(keep, *m, with([](auto& o) { o.includes = {"net.hpp"}; })),
                    Contains("keep.hpp: not written: the include 'net.hpp' is not"));
  m->parameters[5] = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_WITH(export_header(keep, *m, options()),
                    Contains("keep.hpp: not written: parameter 5 is NaN"));
  m->parameters[5] = 0;
  m->normalization.stddev[1] = 0;
  CHECK_THROWS_AS(export_header(keep, *m, options()), weights_error);
  CHECK(read_text(keep) == "mine");  // the user's file is unchanged
  m->normalization.stddev[1] = 1;
  CHECK_THROWS_WITH(export_header(dir / "missing" / "w.hpp", *m, options()),
                    Contains("missing/w.hpp: cannot create"));
  CHECK_THROWS_WITH(export_header(dir.path, *m, options()),
                    Contains(": is a folder, not a header file"));
}
