// SPDX-License-Identifier: BSL-1.0
// Every register tile of the products, each in a function of its own, for
// scripts/check-spills.py: it disassembles this object and fails if an inner loop of multiply-
// adds loads from or stores to the stack (an accumulator tile too large for the register file).
#include <ctnn/layers/detail/direct_conv.hpp>
#include <ctnn/layers/detail/gemm.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace ctnn::test {

namespace simd = detail::simd;

template <std::size_t Rows, std::size_t Vectors, bool Short>
[[gnu::noinline]] void register_tile(detail::nn_operands<float> const& o, std::size_t kk,
                                     std::size_t last) {
  detail::gemm_nn_block<Rows, Vectors, true, false, Short>(o, 0, 0, kk, last);
}

// Dense backward's dW = dY^T X reads A column-major.
template <std::size_t Rows, std::size_t Vectors, bool Short>
[[gnu::noinline]] void register_tile_transposed(detail::nn_operands<float> const& o, std::size_t kk,
                                                std::size_t last) {
  detail::gemm_nn_block<Rows, Vectors, true, true, Short>(o, 0, 0, kk, last);
}

[[gnu::noinline]] void dot_products(std::size_t m, std::size_t n, std::size_t kk, const float* a,
                                    std::size_t lda, const float* b, std::size_t ldb, float* c,
                                    std::size_t ldc) {
  detail::gemm_nt<true>(m, n, kk, a, lda, b, ldb, c, ldc);
}

using tile_function = void (*)(detail::nn_operands<float> const&, std::size_t, std::size_t);

// The tiles gemm_nn_strip uses for a strip of V vectors: the target's rows, then 4, 2 and 1;
// with a short last vector, and (where masks are not free) without.
template <std::size_t V>
constexpr std::array<tile_function, 16> strip_tiles() {
  std::array<tile_function, 16> t{};
  std::size_t at = 0;
  auto rows_of = [&]<bool Short>() {
    constexpr std::size_t rows = simd::tile_rows(V, Short);
    t[at++] = &register_tile<rows, V, Short>;
    t[at++] = &register_tile_transposed<rows, V, Short>;
    if constexpr (rows > 4)
      t[at++] = &register_tile<4, V, Short>;
    if constexpr (rows > 2)
      t[at++] = &register_tile<2, V, Short>;
    if constexpr (rows > 1)
      t[at++] = &register_tile<1, V, Short>;
  };
  rows_of.template operator()<true>();
  if constexpr (!simd::free_masks)
    rows_of.template operator()<false>();
  return t;
}

// An object with external linkage that points at every tile, so that each is emitted.
extern const std::array<std::array<tile_function, 16>, simd::strip_vectors> every_tile;
const std::array<std::array<tile_function, 16>, simd::strip_vectors> every_tile =
    []<std::size_t... V>(std::index_sequence<V...>) {
  return std::array<std::array<tile_function, 16>, simd::strip_vectors>{strip_tiles<V + 1>()...};
}
(std::make_index_sequence<simd::strip_vectors>{});

// The direct convolution's tiles (conv2d at batch 1): the same shapes, B read through a table
// of tap offsets.
template <std::size_t Rows, std::size_t Vectors, bool Short>
[[gnu::noinline]] void direct_tile(detail::direct_operands<float> const& o, std::size_t last) {
  detail::direct_conv_block<Rows, Vectors, Short>(o, 0, 0, last);
}

using direct_function = void (*)(detail::direct_operands<float> const&, std::size_t);

template <std::size_t V>
constexpr std::array<direct_function, 8> direct_tiles() {
  std::array<direct_function, 8> t{};
  std::size_t at = 0;
  auto rows_of = [&]<bool Short>() {
    constexpr std::size_t rows = simd::tile_rows(V, Short);
    t[at++] = &direct_tile<rows, V, Short>;
    if constexpr (rows > 4)
      t[at++] = &direct_tile<4, V, Short>;
    if constexpr (rows > 2)
      t[at++] = &direct_tile<2, V, Short>;
    if constexpr (rows > 1)
      t[at++] = &direct_tile<1, V, Short>;
  };
  rows_of.template operator()<true>();
  if constexpr (!simd::free_masks)
    rows_of.template operator()<false>();
  return t;
}

extern const std::array<std::array<direct_function, 8>, simd::strip_vectors> every_direct_tile;
const std::array<std::array<direct_function, 8>, simd::strip_vectors> every_direct_tile =
    []<std::size_t... V>(std::index_sequence<V...>) {
  return std::array<std::array<direct_function, 8>, simd::strip_vectors>{direct_tiles<V + 1>()...};
}
(std::make_index_sequence<simd::strip_vectors>{});

}  // namespace ctnn::test
