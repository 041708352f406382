// SPDX-License-Identifier: BSL-1.0
// gemm_nt_packed (B transposed, then gemm_nn's tiles: dense's forward product from
// detail::nt_pack_rows samples on) against the textbook triple loop and against gemm_nt, and
// a dense layer's batch against its samples one at a time (which take the dot products).
#include <ctnn/layers/detail/gemm.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/init.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <random>
#include <vector>

using namespace ctnn;

namespace {

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v)
    x = static_cast<T>(d(rng));
  return v;
}

// Largest |packed - want| over the largest |want|; entries of C past n (up to ldc) must be
// untouched.  Also the largest difference from gemm_nt's result.
template <class T, bool Accumulate>
void check(std::size_t m, std::size_t n, std::size_t kk) {
  const std::size_t lda = kk + 1, ldb = kk + 2, ldc = n + 3;  // strides wider than the rows
  const auto a = random_values<T>(m * lda, 1), b = random_values<T>(n * ldb, 2);
  const auto c0 = random_values<T>(m * ldc, 3);
  auto packed_c = c0, dot_c = c0;
  std::vector<T> packed(kk * n);
  detail::gemm_nt_packed<Accumulate>(m, n, kk, a.data(), lda, b.data(), ldb, packed_c.data(), ldc,
                                     packed.data());
  detail::gemm_nt<Accumulate>(m, n, kk, a.data(), lda, b.data(), ldb, dot_c.data(), ldc);
  double scale = 1e-30, worst = 0, apart = 0;
  bool outside_untouched = true;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < ldc; ++j) {
      const std::size_t at = i * ldc + j;
      if (j >= n) {
        outside_untouched = outside_untouched && packed_c[at] == c0[at];
        continue;
      }
      double want = Accumulate ? static_cast<double>(c0[at]) : 0.0;
      for (std::size_t k = 0; k < kk; ++k)
        want += static_cast<double>(a[i * lda + k]) * static_cast<double>(b[j * ldb + k]);
      scale = std::max(scale, std::abs(want));
      worst = std::max(worst, std::abs(static_cast<double>(packed_c[at]) - want));
      apart = std::max(apart, std::abs(static_cast<double>(packed_c[at] - dot_c[at])));
    }
  INFO("m " << m << ", n " << n << ", kk " << kk << ": error " << worst / scale << ", from gemm_nt "
            << apart / scale);
  // A few units of rounding per term of the longest sum.
  const double bar = 4.0 * static_cast<double>(kk) * std::numeric_limits<T>::epsilon();
  CHECK(outside_untouched);
  CHECK(worst / scale <= bar);
  CHECK(apart / scale <= 2 * bar);
}

}  // namespace

TEMPLATE_TEST_CASE("gemm_nt_packed computes gemm_nt's products", "[kernels][gemm]", float, double) {
  // Column counts around every strip width and short last vector, rows around the tiles'
  // heights, depths shorter and longer than a vector and not a multiple of one.
  for (std::size_t n : {1u, 3u, 10u, 17u, 33u, 64u, 70u})
    for (std::size_t m : {16u, 19u, 37u})
      for (std::size_t kk : {1u, 5u, 31u, 96u, 130u}) {
        check<TestType, false>(m, n, kk);
        check<TestType, true>(m, n, kk);
      }
}

TEST_CASE("the gemm_nt_packed check fails for a wrong product", "[kernels][gemm]") {
  // The triple loop against gemm_nt_packed with one element of B changed after packing would
  // differ: packing from a changed B gives another product.
  const std::size_t m = 16, n = 5, kk = 7;
  auto a = random_values<float>(m * kk, 1), b = random_values<float>(n * kk, 2);
  std::vector<float> c1(m * n), c2(m * n), packed(kk * n);
  detail::gemm_nt_packed<false>(m, n, kk, a.data(), kk, b.data(), kk, c1.data(), n, packed.data());
  b[3] += 0.5f;
  detail::gemm_nt_packed<false>(m, n, kk, a.data(), kk, b.data(), kk, c2.data(), n, packed.data());
  CHECK(c1 != c2);
}

TEMPLATE_TEST_CASE("dense gives a batch the results of its samples one at a time",
                   "[kernels][dense]", float, double) {
  // 70 samples take the packed product where the target packs (AVX-512, AVX2), one sample the
  // dot products.
  using net = network<input<37>, dense<19>, relu, dense<5, no_bias>>;
  constexpr std::size_t batch = 70, in = 37, out = 5;
  static_assert(batch >= detail::nt_pack_rows ||
                (detail::simd::target != detail::simd::isa::avx512 &&
                 detail::simd::target != detail::simd::isa::avx2));
  auto m = std::make_unique<model<net, TestType>>(initializer(init_scheme::he_normal, 4));
  const auto x = random_values<TestType>(batch * in, 5);
  auto whole = std::make_unique<workspace<net, TestType, batch>>();
  const auto y = forward(*m, *whole, x.data(), batch, run_context{phase::eval});
  auto single = std::make_unique<workspace<net, TestType, 1>>();
  for (std::size_t b = 0; b < batch; ++b) {
    INFO("sample " << b);
    const auto yb = forward(*m, *single, x.data() + b * in, 1, run_context{phase::eval});
    for (std::size_t i = 0; i < out; ++i)
      CHECK(std::abs(yb[i] - y[b * out + i]) <=
            64 * std::numeric_limits<TestType>::epsilon() * (1 + std::abs(y[b * out + i])));
  }
}
