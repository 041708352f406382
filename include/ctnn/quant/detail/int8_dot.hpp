// SPDX-License-Identifier: BSL-1.0
// The one per-target place of the int8 kernels: a register of int32 accumulators, one per
// output channel, and the step that adds four u7 x s8 products into each of them.  Widths come
// from layers/detail/simd.hpp (vector_bytes); the kernels above this file name none.
#pragma once

#include <ctnn/layers/detail/simd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ctnn::quant::detail {

/// Activations are u7, 0..127, and weights s8, -127..127, on every target: a u7 is both a u8
/// (VNNI's and vpmaddubsw's unsigned operand) and an s8 (NEON sdot's), and vpmaddubsw's pair
/// sums, 2 x 127 x 127 = 32258, stay below its int16 saturation.  So every target computes
/// the same integers.
inline constexpr std::int32_t activation_max = 127;
inline constexpr std::int32_t weight_max = 127;

/// Output channels one accumulator register holds (int32 lanes of the target's vector).
inline constexpr std::size_t channel_block = ctnn::detail::simd::lanes<std::int32_t>;

/// Output channels of one packed group row, whatever the target: the widest target's block
/// (64-byte registers), so that one packed layout, and one exported header, serves every
/// target (a narrower target's block divides it).
inline constexpr std::size_t packed_channels = 16;
static_assert(packed_channels % channel_block == 0);

// acc: one register of channel_block int32 accumulators.  dot4(acc, w, x4): for every lane j,
// acc[j] += sum_{i<4} w[4j + i] * x4's byte i, w being channel_block x 4 signed bytes.
#if defined(__AVX512F__) && defined(__AVX512BW__)
using acc_t = __m512i;
inline acc_t zero() noexcept {
  return _mm512_setzero_si512();
}
inline acc_t dot4(acc_t acc, const std::int8_t* w, std::uint32_t x4) noexcept {
  const __m512i x = _mm512_set1_epi32(static_cast<int>(x4));
  const __m512i wv = _mm512_loadu_si512(w);
#if defined(__AVX512VNNI__)
  return _mm512_dpbusd_epi32(acc, x, wv);  // u8 x s8, four products a lane
#else
  // Pairs of u7 x s8 products into int16 (no saturation for u7), then pairs into int32.
  return _mm512_add_epi32(acc,
                          _mm512_madd_epi16(_mm512_maddubs_epi16(x, wv), _mm512_set1_epi16(1)));
#endif
}
// dot4_lanes(acc, x, w4): for every lane j, acc[j] += sum_{i<4} x[4j + i] * w4's byte i (the
// same step with the activations in the register and one channel's weights broadcast).
inline acc_t dot4_lanes(acc_t acc, const std::uint8_t* x, std::uint32_t w4) noexcept {
  const __m512i w = _mm512_set1_epi32(static_cast<int>(w4));
  const __m512i xv = _mm512_loadu_si512(x);
#if defined(__AVX512VNNI__)
  return _mm512_dpbusd_epi32(acc, xv, w);
#else
  return _mm512_add_epi32(acc,
                          _mm512_madd_epi16(_mm512_maddubs_epi16(xv, w), _mm512_set1_epi16(1)));
#endif
}
inline void store(std::int32_t* p, acc_t v) noexcept {
  _mm512_storeu_si512(p, v);
}
inline constexpr std::string_view kernel_name =
#if defined(__AVX512VNNI__)
    "avx512-vnni (vpdpbusd)";
#else
    "avx512bw (vpmaddubsw + vpmaddwd)";
#endif
#elif defined(__AVX2__) && !defined(__AVX512F__)
using acc_t = __m256i;
inline acc_t zero() noexcept {
  return _mm256_setzero_si256();
}
inline acc_t dot4(acc_t acc, const std::int8_t* w, std::uint32_t x4) noexcept {
  const __m256i x = _mm256_set1_epi32(static_cast<int>(x4));
  const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
#if defined(__AVXVNNI__)
  return _mm256_dpbusd_avx_epi32(acc, x, wv);
#else
  return _mm256_add_epi32(acc,
                          _mm256_madd_epi16(_mm256_maddubs_epi16(x, wv), _mm256_set1_epi16(1)));
#endif
}
inline acc_t dot4_lanes(acc_t acc, const std::uint8_t* x, std::uint32_t w4) noexcept {
  const __m256i w = _mm256_set1_epi32(static_cast<int>(w4));
  const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
#if defined(__AVXVNNI__)
  return _mm256_dpbusd_avx_epi32(acc, xv, w);
#else
  return _mm256_add_epi32(acc,
                          _mm256_madd_epi16(_mm256_maddubs_epi16(xv, w), _mm256_set1_epi16(1)));
#endif
}
inline void store(std::int32_t* p, acc_t v) noexcept {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}
inline constexpr std::string_view kernel_name =
#if defined(__AVXVNNI__)
    "avx-vnni (vpdpbusd ymm)";
#else
    "avx2 (vpmaddubsw + vpmaddwd)";
#endif
#elif defined(__SSE2__) && !defined(__AVX__)
using acc_t = __m128i;
inline acc_t zero() noexcept {
  return _mm_setzero_si128();
}
inline acc_t dot4(acc_t acc, const std::int8_t* w, std::uint32_t x4) noexcept {
  const __m128i x = _mm_set1_epi32(static_cast<int>(x4));
  const __m128i wv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w));
#if defined(__SSSE3__)
  return _mm_add_epi32(acc, _mm_madd_epi16(_mm_maddubs_epi16(x, wv), _mm_set1_epi16(1)));
#else
  // SSE2 has no byte products: widen to int16 (weights sign-extended, u7 zero-extended),
  // pmaddwd gives each channel two pair sums, a shuffle adds them.
  const __m128i z = _mm_setzero_si128();
  const __m128i w_lo = _mm_srai_epi16(_mm_unpacklo_epi8(wv, wv), 8);
  const __m128i w_hi = _mm_srai_epi16(_mm_unpackhi_epi8(wv, wv), 8);
  const __m128i lo = _mm_madd_epi16(w_lo, _mm_unpacklo_epi8(x, z));  // c0 c0 c1 c1
  const __m128i hi = _mm_madd_epi16(w_hi, _mm_unpackhi_epi8(x, z));  // c2 c2 c3 c3
  const __m128 a = _mm_castsi128_ps(lo), b = _mm_castsi128_ps(hi);
  const __m128i even = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
  const __m128i odd = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
  return _mm_add_epi32(acc, _mm_add_epi32(even, odd));
#endif
}
inline acc_t dot4_lanes(acc_t acc, const std::uint8_t* x, std::uint32_t w4) noexcept {
  // The products commute: the same step with the roles of the operands' registers swapped.
  const __m128i w = _mm_set1_epi32(static_cast<int>(w4));
  const __m128i xv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
#if defined(__SSSE3__)
  return _mm_add_epi32(acc, _mm_madd_epi16(_mm_maddubs_epi16(xv, w), _mm_set1_epi16(1)));
#else
  const __m128i z = _mm_setzero_si128();
  const __m128i w_lo = _mm_srai_epi16(_mm_unpacklo_epi8(w, w), 8);
  const __m128i w_hi = _mm_srai_epi16(_mm_unpackhi_epi8(w, w), 8);
  const __m128i lo = _mm_madd_epi16(w_lo, _mm_unpacklo_epi8(xv, z));
  const __m128i hi = _mm_madd_epi16(w_hi, _mm_unpackhi_epi8(xv, z));
  const __m128 a = _mm_castsi128_ps(lo), b = _mm_castsi128_ps(hi);
  const __m128i even = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
  const __m128i odd = _mm_castps_si128(_mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
  return _mm_add_epi32(acc, _mm_add_epi32(even, odd));
#endif
}
inline void store(std::int32_t* p, acc_t v) noexcept {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
}
inline constexpr std::string_view kernel_name =
#if defined(__SSSE3__)
    "ssse3 (pmaddubsw + pmaddwd)";
#else
    "sse2 (pmaddwd)";
#endif
#elif defined(__ARM_NEON) && defined(__aarch64__)
using acc_t = int32x4_t;
inline acc_t zero() noexcept {
  return vdupq_n_s32(0);
}
inline acc_t dot4(acc_t acc, const std::int8_t* w, std::uint32_t x4) noexcept {
  const int8x16_t x = vreinterpretq_s8_u32(vdupq_n_u32(x4));
  const int8x16_t wv = vld1q_s8(w);
#if defined(__ARM_FEATURE_DOTPROD)
  return vdotq_s32(acc, wv, x);
#else
  // Products into int16 (channels 0-1, then 2-3), pairs into int32, then the pairs' pairs.
  const int32x4_t lo = vpaddlq_s16(vmull_s8(vget_low_s8(wv), vget_low_s8(x)));
  const int32x4_t hi = vpaddlq_s16(vmull_high_s8(wv, x));
  return vaddq_s32(acc, vpaddq_s32(lo, hi));
#endif
}
inline acc_t dot4_lanes(acc_t acc, const std::uint8_t* x, std::uint32_t w4) noexcept {
  // sdot and smull are symmetric in their operands, and a u7 is an s8.
  const int8x16_t xv = vreinterpretq_s8_u8(vld1q_u8(x));
  const int8x16_t wv = vreinterpretq_s8_u32(vdupq_n_u32(w4));
#if defined(__ARM_FEATURE_DOTPROD)
  return vdotq_s32(acc, xv, wv);
#else
  const int32x4_t lo = vpaddlq_s16(vmull_s8(vget_low_s8(xv), vget_low_s8(wv)));
  const int32x4_t hi = vpaddlq_s16(vmull_high_s8(xv, wv));
  return vaddq_s32(acc, vpaddq_s32(lo, hi));
#endif
}
inline void store(std::int32_t* p, acc_t v) noexcept {
  vst1q_s32(p, v);
}
inline constexpr std::string_view kernel_name =
#if defined(__ARM_FEATURE_DOTPROD)
    "neon-dotprod (sdot)";
#else
    "neon (smull + saddlp)";
#endif
#else
// No integer dot product the code knows (or a vector width without one): plain loops.
using acc_t = std::array<std::int32_t, channel_block>;
inline acc_t zero() noexcept {
  return acc_t{};
}
inline acc_t dot4(acc_t acc, const std::int8_t* w, std::uint32_t x4) noexcept {
  for (std::size_t j = 0; j < channel_block; ++j)
    for (std::size_t i = 0; i < 4; ++i)
      acc[j] += static_cast<std::int32_t>(w[4 * j + i]) *
                static_cast<std::int32_t>((x4 >> (8 * i)) & 0xffu);
  return acc;
}
inline acc_t dot4_lanes(acc_t acc, const std::uint8_t* x, std::uint32_t w4) noexcept {
  for (std::size_t j = 0; j < channel_block; ++j)
    for (std::size_t i = 0; i < 4; ++i)
      acc[j] += static_cast<std::int32_t>(x[4 * j + i]) *
                static_cast<std::int32_t>(static_cast<std::int8_t>((w4 >> (8 * i)) & 0xffu));
  return acc;
}
inline void store(std::int32_t* p, acc_t v) noexcept {
  std::memcpy(p, v.data(), sizeof(std::int32_t) * channel_block);
}
inline constexpr std::string_view kernel_name = "scalar";
#endif

}  // namespace ctnn::quant::detail
