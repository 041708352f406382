// SPDX-License-Identifier: BSL-1.0
// The target's int8 product (VNNI, vpmaddubsw, sdot, smull or plain loops, whichever this
// build selected) against the plain definition: the same integers, exactly.
#include <ctnn/quant/detail/gemv.hpp>
#include <ctnn/quant/requantize.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace ctnn::quant;
using namespace ctnn::quant::detail;

namespace {

// Packs [out][k_pad] weights, multiplies, and compares every channel with the reference.
void check_product(std::vector<std::uint8_t> const& x, std::vector<std::int8_t> const& w,
                   std::size_t k_pad, std::size_t out) {
  const std::size_t out_pad = packed_outputs(out);
  std::vector<std::int8_t> packed(out_pad * k_pad, 0);
  for (std::size_t o = 0; o < out; ++o)
    for (std::size_t k = 0; k < k_pad; ++k)
      packed[packed_index(out, o, k)] = w[o * k_pad + k];
  std::vector<std::int32_t> got(out_pad, -1), want(out, 0);
  product(x.data(), packed.data(), k_pad / 4, out_pad, got.data());
  product_reference(x.data(), w.data(), k_pad, out, want.data());
  INFO("kernel " << kernel_name << ", inputs " << k_pad << ", outputs " << out);
  for (std::size_t o = 0; o < out; ++o) {
    INFO("channel " << o);
    REQUIRE(got[o] == want[o]);
  }
  for (std::size_t o = out; o < out_pad; ++o)
    REQUIRE(got[o] == 0);  // padding channels have zero weights
}

}  // namespace

TEST_CASE("int8 product equals the scalar reference on random operands", "[quant][kernels]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> xs(0, activation_max), ws(-weight_max, weight_max);
  for (std::size_t k_pad : {4u, 8u, 12u, 60u, 64u, 68u, 152u, 576u, 784u})
    for (std::size_t out : {1u, 3u, 6u, 10u, 16u, 17u, 24u, 64u, 84u, 120u}) {
      std::vector<std::uint8_t> x(k_pad);
      std::vector<std::int8_t> w(out * k_pad);
      for (auto& v : x)
        v = static_cast<std::uint8_t>(xs(rng));
      for (auto& v : w)
        v = static_cast<std::int8_t>(ws(rng));
      check_product(x, w, k_pad, out);
    }
}

TEST_CASE("int8 product over positions equals the scalar reference", "[quant][kernels]") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> xs(0, activation_max), ws(-weight_max, weight_max);
  for (std::size_t k_pad : {4u, 12u, 28u, 152u})
    for (std::size_t positions : {1u, 15u, 16u, 100u, 196u, 784u}) {
      const std::size_t out = 7, p_pad = round_up(positions, packed_channels);
      // x as [position][k_pad] for the reference, and packed by col_index for the kernel.
      std::vector<std::uint8_t> x(positions * k_pad), col(k_pad * p_pad, 0);
      std::vector<std::int8_t> w(out * k_pad), packed(packed_outputs(out) * k_pad, 0);
      for (auto& v : x)
        v = static_cast<std::uint8_t>(xs(rng));
      for (auto& v : w)
        v = static_cast<std::int8_t>(ws(rng));
      for (std::size_t p = 0; p < positions; ++p)
        for (std::size_t k = 0; k < k_pad; ++k)
          col[col_index(p_pad, p, k)] = x[p * k_pad + k];
      for (std::size_t o = 0; o < out; ++o)
        for (std::size_t k = 0; k < k_pad; ++k)
          packed[packed_index(out, o, k)] = w[o * k_pad + k];
      INFO("kernel " << kernel_name << ", inputs " << k_pad << ", positions " << positions);
      for (std::size_t o = 0; o < out; ++o) {
        std::vector<std::int32_t> got(p_pad, -1);
        product_positions(col.data(), k_pad / 4, p_pad, packed.data() + 4 * o,
                          4 * packed_outputs(out), got.data());
        for (std::size_t p = 0; p < positions; ++p) {
          std::int32_t want = 0;
          product_reference(x.data() + p * k_pad, w.data() + o * k_pad, k_pad, 1, &want);
          INFO("channel " << o << ", position " << p);
          REQUIRE(got[p] == want);
        }
      }
    }
}

TEST_CASE("int8 product does not saturate at the extremes of its operands", "[quant][kernels]") {
  // 127 x 127 pairs are where vpmaddubsw would saturate for u8 activations (255 x 127 x 2 >
  // 32767); every sign pattern of the extremes, over long rows.
  for (int pattern = 0; pattern < 4; ++pattern) {
    const std::size_t k_pad = 1024, out = 33;
    std::vector<std::uint8_t> x(k_pad, static_cast<std::uint8_t>(activation_max));
    std::vector<std::int8_t> w(out * k_pad);
    for (std::size_t i = 0; i < w.size(); ++i) {
      const bool negative =
          pattern == 0 || (pattern == 2 && i % 2 == 0) || (pattern == 3 && i % 4 < 2);
      w[i] = static_cast<std::int8_t>(negative ? -weight_max : weight_max);
    }
    check_product(x, w, k_pad, out);
    // The same extremes through the kernel over positions (16 positions of x).
    std::vector<std::uint8_t> col(k_pad * packed_channels,
                                  static_cast<std::uint8_t>(activation_max));
    std::vector<std::int8_t> packed(packed_outputs(out) * k_pad);
    for (std::size_t o = 0; o < out; ++o)
      for (std::size_t k = 0; k < k_pad; ++k)
        packed[packed_index(out, o, k)] = w[o * k_pad + k];
    std::vector<std::int32_t> got(packed_channels);
    product_positions(col.data(), k_pad / 4, packed_channels, packed.data(),
                      4 * packed_outputs(out), got.data());
    std::int32_t first = 0;
    product_reference(x.data(), w.data(), k_pad, 1, &first);
    for (std::int32_t v : got)
      REQUIRE(v == first);
    std::vector<std::int32_t> want(out);
    product_reference(x.data(), w.data(), k_pad, out, want.data());
    if (pattern == 0)
      CHECK(want[0] == -127 * 127 * 1024);  // the reference itself is exact
  }
}

TEST_CASE("requantisation rounds acc times the multiplier to nearest", "[quant][requantize]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> ms(1e-6, 0.999);
  std::uniform_int_distribution<std::int32_t> accs(-(1 << 21), 1 << 21);
  for (int i = 0; i < 20000; ++i) {
    const double m = ms(rng);
    const fixed_multiplier f = to_fixed(m);
    REQUIRE(f.multiplier >= (1 << 30));
    REQUIRE(std::abs(std::ldexp(f.multiplier, -f.shift) - m) <= m * std::ldexp(1.0, -30));
    const std::int32_t acc = accs(rng);
    // |acc| < 2^21 and multiplier < 2^31: the product is exact in a double.
    const double exact = static_cast<double>(acc) * std::ldexp(f.multiplier, -f.shift);
    const std::int32_t got = apply(acc, f);
    // Round half up: floor(exact + 0.5), computed exactly in integers.
    REQUIRE(got == static_cast<std::int32_t>(std::floor(exact + 0.5)));
  }
  CHECK(apply(-3, {1 << 30, 31}) == -1);  // -1.5 rounds up to -1
  CHECK(apply(3, {1 << 30, 31}) == 2);    // 1.5 rounds up to 2
  CHECK(to_fixed(0.0).multiplier == 0);
}
