// SPDX-License-Identifier: BSL-1.0
// The register-blocked products under conv2d and dense, against the textbook triple loop at
// sizes that reach every block shape, strip width, short last vector and row remainder.
#include <ctnn/layers/detail/gemm.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace {

using ctnn::detail::gemm_nn;
using ctnn::detail::gemm_nt;
using ctnn::detail::nn_operands;

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v)
    x = static_cast<T>(d(rng));
  return v;
}

// Largest |got - want| relative to the largest |want|, over the m x n block of C; the entries
// outside it (row padding up to ldc) must be untouched.
template <class T>
double worst_error(std::vector<T> const& got, std::vector<double> const& want,
                   std::vector<T> const& before, std::size_t m, std::size_t n, std::size_t ldc) {
  double scale = 1e-30, worst = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      scale = std::max(scale, std::abs(want[i * ldc + j]));
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < ldc; ++j) {
      const std::size_t at = i * ldc + j;
      if (j < n)
        worst = std::max(worst, std::abs(static_cast<double>(got[at]) - want[at]) / scale);
      else if (got[at] != before[at])
        return INFINITY;
    }
  return worst;
}

template <class T, bool Accumulate, bool TransposedA>
double check_nn(std::size_t m, std::size_t n, std::size_t kk) {
  const std::size_t ldb = n + 3, ldc = n + 5;  // strides wider than the rows
  const auto a = random_values<T>(m * kk, 1), b = random_values<T>(kk * ldb, 2);
  auto c = random_values<T>(m * ldc, 3);
  const auto before = c;
  const std::size_t a_row = TransposedA ? 1 : kk, a_col = TransposedA ? m : 1;
  std::vector<double> want(m * ldc);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = Accumulate ? static_cast<double>(c[i * ldc + j]) : 0.0;
      for (std::size_t k = 0; k < kk; ++k)
        s += static_cast<double>(a[i * a_row + k * a_col]) * static_cast<double>(b[k * ldb + j]);
      want[i * ldc + j] = s;
    }
  gemm_nn<Accumulate, TransposedA>(
      m, n, kk, nn_operands<T>{a.data(), a_row, a_col, b.data(), ldb, c.data(), ldc});
  return worst_error(c, want, before, m, n, ldc);
}

template <class T, bool Accumulate>
double check_nt(std::size_t m, std::size_t n, std::size_t kk) {
  const std::size_t lda = kk + 1, ldb = kk + 2, ldc = n + 3;
  const auto a = random_values<T>(m * lda, 4), b = random_values<T>(n * ldb, 5);
  auto c = random_values<T>(m * ldc, 6);
  const auto before = c;
  std::vector<double> want(m * ldc);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = Accumulate ? static_cast<double>(c[i * ldc + j]) : 0.0;
      for (std::size_t k = 0; k < kk; ++k)
        s += static_cast<double>(a[i * lda + k]) * static_cast<double>(b[j * ldb + k]);
      want[i * ldc + j] = s;
    }
  gemm_nt<Accumulate>(m, n, kk, a.data(), lda, b.data(), ldb, c.data(), ldc);
  return worst_error(c, want, before, m, n, ldc);
}

// Row counts that leave every remainder after blocks of 6, 8 and 12 rows; column counts that
// give strips of 1-4 vectors with and without a short last vector, for 16 and 8 lanes.
const std::size_t rows[] = {1, 2, 3, 5, 6, 7, 11, 13, 24, 25};
const std::size_t columns[] = {1, 7, 8, 15, 16, 17, 24, 31, 40, 48, 63, 64, 65, 100, 150};
const std::size_t depths[] = {1, 6, 16, 25};

template <class T>
constexpr double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-13;

}  // namespace

TEMPLATE_TEST_CASE("gemm_nn matches the triple loop at every block shape", "[layers][gemm]", float,
                   double) {
  for (const std::size_t m : rows)
    for (const std::size_t n : columns)
      for (const std::size_t kk : depths) {
        INFO("m " << m << ", n " << n << ", k " << kk);
        CHECK(check_nn<TestType, false, false>(m, n, kk) < tolerance<TestType>);
        CHECK(check_nn<TestType, true, false>(m, n, kk) < tolerance<TestType>);
        CHECK(check_nn<TestType, false, true>(m, n, kk) < tolerance<TestType>);
      }
}

TEMPLATE_TEST_CASE("gemm_nt matches the triple loop", "[layers][gemm]", float, double) {
  for (const std::size_t m : rows)
    for (const std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{9}})
      for (const std::size_t kk : {1, 15, 16, 17, 40, 100}) {
        INFO("m " << m << ", n " << n << ", k " << kk);
        CHECK(check_nt<TestType, false>(m, n, kk) < tolerance<TestType>);
        CHECK(check_nt<TestType, true>(m, n, kk) < tolerance<TestType>);
      }
}

TEMPLATE_TEST_CASE("gemm_nt matches the triple loop across blocks of columns", "[layers][gemm]",
                   float, double) {
  // Long rows make gemm_nt split B into blocks of a few columns (as many as stay in L1): these
  // counts leave every remainder after the blocks and after their groups of four.
  for (const std::size_t m : {std::size_t{1}, std::size_t{3}, std::size_t{7}})
    for (const std::size_t n : {std::size_t{13}, std::size_t{30}, std::size_t{61}})
      for (const std::size_t kk : {400, 1000, 3000}) {
        INFO("m " << m << ", n " << n << ", k " << kk);
        CHECK(check_nt<TestType, false>(m, n, kk) < tolerance<TestType>);
        CHECK(check_nt<TestType, true>(m, n, kk) < tolerance<TestType>);
      }
}

TEST_CASE("the product check notices a wrong entry", "[layers][gemm]") {
  // The comparison itself can fail: one changed entry of B moves C by far more than the bar.
  const std::size_t m = 5, n = 17, kk = 6, ldb = n + 3, ldc = n + 5;
  const auto a = random_values<float>(m * kk, 1);
  auto b = random_values<float>(kk * ldb, 2);
  std::vector<float> c(m * ldc, 0.0f);
  const auto before = c;
  std::vector<double> want(m * ldc);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t k = 0; k < kk; ++k)
        want[i * ldc + j] += static_cast<double>(a[i * kk + k]) * b[k * ldb + j];
  b[3 * ldb + 16] += 0.5f;
  gemm_nn<false>(m, n, kk, nn_operands<float>{a.data(), kk, 1, b.data(), ldb, c.data(), ldc});
  CHECK(worst_error(c, want, before, m, n, ldc) > 1e-3);
}
