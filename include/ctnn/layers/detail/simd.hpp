// SPDX-License-Identifier: BSL-1.0
// The one place that knows the compiler's target: vector width, register file, register tiles
// and the few operations whose best form differs between instruction sets.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>

#if defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace ctnn::detail::simd {

/// Instruction sets ctnn's kernels are tuned for, from the compiler's target macros (-march).
enum class isa { scalar, sse2, avx, avx2, avx512, neon };

// Each target states its vector width, its register file and what a product's register tile
// needs besides its accumulators: registers shared by all rows for the element of A (x86
// broadcasts it into one register; SSE2 also needs one for the product before the
// addition), registers per row of A (AArch64 multiplies by a lane of a register that holds
// the element, and GCC loads every row's element before the first multiply-add), registers a
// short last vector costs (an AVX mask, lane moves elsewhere, nothing with AVX-512 masks),
// and an upper bound on accumulators that keeps a tile's loads of B well amortised.
#if defined(__AVX512F__)
inline constexpr isa target = isa::avx512;
inline constexpr std::size_t vector_bytes = 64, registers = 32, accumulators = 24,
                             strip_vectors = 4, a_shared = 1, a_per_row = 0, short_cost = 0;
#elif defined(__AVX2__) && defined(__FMA__)
inline constexpr isa target = isa::avx2;
inline constexpr std::size_t vector_bytes = 32, registers = 16, accumulators = 12,
                             strip_vectors = 2, a_shared = 1, a_per_row = 0, short_cost = 1;
#elif defined(__AVX__)
inline constexpr isa target = isa::avx;
inline constexpr std::size_t vector_bytes = 32, registers = 16, accumulators = 12,
                             strip_vectors = 2, a_shared = 2, a_per_row = 0, short_cost = 1;
#elif defined(__SSE2__)
inline constexpr isa target = isa::sse2;
inline constexpr std::size_t vector_bytes = 16, registers = 16, accumulators = 12,
                             strip_vectors = 2, a_shared = 2, a_per_row = 0, short_cost = 2;
#elif defined(__ARM_NEON) && defined(__aarch64__)
inline constexpr isa target = isa::neon;
inline constexpr std::size_t vector_bytes = 16, registers = 32, accumulators = 24,
                             strip_vectors = 4, a_shared = 0, a_per_row = 1, short_cost = 2;
#elif defined(__ARM_NEON)
inline constexpr isa target = isa::neon;
inline constexpr std::size_t vector_bytes = 16, registers = 16, accumulators = 12,
                             strip_vectors = 2, a_shared = 0, a_per_row = 1, short_cost = 2;
#else
// No vector unit the code knows: the compiler lowers a 16-byte vector to scalar operations.
inline constexpr isa target = isa::scalar;
inline constexpr std::size_t vector_bytes = 16, registers = 8, accumulators = 4, strip_vectors = 1,
                             a_shared = 1, a_per_row = 0, short_cost = 1;
#endif

/// The target's name, for benchmark labels and test messages.
constexpr std::string_view name(isa i = target) noexcept {
  switch (i) {
  case isa::avx512:
    return "avx512";
  case isa::avx2:
    return "avx2";
  case isa::avx:
    return "avx";
  case isa::sse2:
    return "sse2";
  case isa::neon:
    return "neon";
  default:
    return "scalar";
  }
}

/// One register of T, as a GCC/Clang vector extension (the compiler's own types, such as
/// __m256, convert to it and back).
template <class T>
struct vector_of {
  typedef T type __attribute__((vector_size(vector_bytes)));
};
template <class T>
using vec = typename vector_of<T>::type;

/// Elements of T in one register.
template <class T>
inline constexpr std::size_t lanes = vector_bytes / sizeof(T);

/// Rows of A a product reads through one pointer, row q of a group at q * stride from it: as
/// many as the target's addressing forms from a base and a scaled index (x86: index x 1, 2,
/// 4, 8 bytes; AArch64: index x element size).
template <class T>
inline constexpr std::size_t row_group = target == isa::neon || target == isa::scalar
                                             ? 2
                                             : (2 * sizeof(T) <= 8 ? 3 : 2);

/// Rows of A in a tile of dot products with four rows of B (gemm_nt).  Four rows would load
/// fewer vectors per multiply-add, but GCC 12 folds each row of B into every multiply-add that
/// uses it (20 loads per 16 multiply-adds instead of 8): measured on AVX-512 (Zen 5), 4 x 4
/// was 1.2x faster at 128 x 120 x 400 and 1.3-1.4x slower at 16-32 rows (one run), the sizes dense
/// layers see most.
inline constexpr std::size_t dot_rows = 2;

/// Data cache level 1 a kernel may plan for: the smallest of the targets' current cores (32 KB
/// on Zen 2-4, Intel client and server before Ice Lake, Cortex-A7x; 48 KB on newer x86 cores).
inline constexpr std::size_t l1_bytes = 32 * 1024;

/// Masked loads and stores cost what plain ones do and take no vector register (AVX-512 keeps
/// masks in mask registers); elsewhere a short last vector costs a register or a few moves.
inline constexpr bool free_masks = short_cost == 0;

/// Vector registers a tile of `rows` x `vectors` holds in its inner loop.
constexpr std::size_t tile_registers(std::size_t rows, std::size_t vectors,
                                     bool short_last) noexcept {
  return rows * vectors + vectors + a_shared + rows * a_per_row + (short_last ? short_cost : 0);
}

/// Rows of a product's register tile that is `vectors` registers wide: the most (up to 12;
/// more add no reuse of B worth the code) whose accumulators stay within the budget and
/// whose registers fit the register file with one to spare.
constexpr std::size_t tile_rows(std::size_t vectors, bool short_last = false) noexcept {
  std::size_t r = 12;
  while (r > 1 &&
         (r * vectors > accumulators || tile_registers(r, vectors, short_last) > registers - 1))
    --r;
  return r;
}

template <class T>
inline vec<T> load(const T* p) noexcept {
  vec<T> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// Stores v at p.  Taking v by value keeps the caller's vectors out of memory: GCC keeps an
/// array of vectors whose address is taken on the stack, and reloads it at every step.
template <class T>
inline void store(T* p, vec<T> v) noexcept {
  std::memcpy(p, &v, sizeof v);
}

/// Every lane s.  (Not vec{} + s: 0 + s is not s for s = -0, so the addition stays in.)
template <class T>
inline vec<T> broadcast(T s) noexcept {
  return s - vec<T>{};
}

/// a * b + c, fused where the target has it, whatever -ffp-contract says.
template <class T>
inline vec<T> madd(vec<T> a, vec<T> b, vec<T> c) noexcept {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>)
    return _mm512_fmadd_ps(a, b, c);
  else if constexpr (std::is_same_v<T, double>)
    return _mm512_fmadd_pd(a, b, c);
#elif defined(__FMA__) && defined(__AVX__)
  if constexpr (std::is_same_v<T, float>)
    return _mm256_fmadd_ps(a, b, c);
  else if constexpr (std::is_same_v<T, double>)
    return _mm256_fmadd_pd(a, b, c);
#elif defined(__ARM_NEON) && defined(__aarch64__)
  if constexpr (std::is_same_v<T, float>)
    return vfmaq_f32(c, a, b);
  else if constexpr (std::is_same_v<T, double>)
    return vfmaq_f64(c, a, b);
#endif
  return a * b + c;
}

#if defined(__AVX__) && !defined(__AVX512F__)
// Lane masks for maskload/maskstore: the 8 entries starting at masks32[8 - count] enable the
// first `count` 32-bit lanes.
alignas(64) inline constexpr int masks32[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                0,  0,  0,  0,  0,  0,  0,  0};
alignas(64) inline constexpr long long masks64[8] = {-1, -1, -1, -1, 0, 0, 0, 0};
#endif

#if defined(__SSE2__) && !defined(__AVX__)
// Two floats into the low half of a register, one 8-byte load (movq).  Through memcpy: the
// address of a float need not be aligned for a double.
inline __m128 two_floats(const float* p) noexcept {
  double d;
  std::memcpy(&d, p, sizeof d);
  return _mm_castpd_ps(_mm_set_sd(d));
}
#endif

/// The first `count` (<= lanes<T>) elements at p, zeros after them: the short end of a row,
/// without reading past it, by the target's masked load where it has one.
template <class T>
inline vec<T> load_partial(const T* p, std::size_t count) noexcept {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>)
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1), p);
  else if constexpr (std::is_same_v<T, double>)
    return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << count) - 1), p);
#elif defined(__AVX__)
  if constexpr (std::is_same_v<T, float>)
    return _mm256_maskload_ps(
        p, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks32 + 8 - count)));
  else if constexpr (std::is_same_v<T, double>)
    return _mm256_maskload_pd(
        p, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks64 + 4 - count)));
#endif
#if defined(__SSE2__) && !defined(__AVX__)
  // Lane loads into a register, not a vector assembled in memory.
  if constexpr (std::is_same_v<T, float>) {
    switch (count) {
    case 1:
      return _mm_load_ss(p);
    case 2:
      return two_floats(p);
    case 3:
      return _mm_movelh_ps(two_floats(p), _mm_load_ss(p + 2));
    default:
      return load(p);
    }
  } else if constexpr (std::is_same_v<T, double>) {
    if (count == 1)
      return _mm_load_sd(p);
    return load(p);
  }
#elif defined(__ARM_NEON) && defined(__aarch64__)
  if constexpr (std::is_same_v<T, float>) {
    switch (count) {
    case 1:
      return vsetq_lane_f32(p[0], vdupq_n_f32(0), 0);
    case 2:
      return vcombine_f32(vld1_f32(p), vdup_n_f32(0));
    case 3:
      return vsetq_lane_f32(p[2], vcombine_f32(vld1_f32(p), vdup_n_f32(0)), 2);
    default:
      return load(p);
    }
  } else if constexpr (std::is_same_v<T, double>) {
    if (count == 1)
      return vsetq_lane_f64(p[0], vdupq_n_f64(0), 0);
    return load(p);
  }
#endif
  // Elsewhere: whole vectors where possible, else element by element.
  if (count == lanes<T>)
    return load(p);
  vec<T> v{};
  for (std::size_t i = 0; i < count; ++i)
    v[i] = p[i];
  return v;
}

/// Stores the first `count` (<= lanes<T>) elements of v at p and nothing after them.
template <class T>
inline void store_partial(T* p, vec<T> v, std::size_t count) noexcept {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>)
    return _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << count) - 1), v);
  else if constexpr (std::is_same_v<T, double>)
    return _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << count) - 1), v);
#elif defined(__AVX__)
  if constexpr (std::is_same_v<T, float>)
    return _mm256_maskstore_ps(
        p, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks32 + 8 - count)), v);
  else if constexpr (std::is_same_v<T, double>)
    return _mm256_maskstore_pd(
        p, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(masks64 + 4 - count)), v);
#endif
#if defined(__SSE2__) && !defined(__AVX__)
  if constexpr (std::is_same_v<T, float>) {
    if (count >= 2)
      _mm_storel_pd(reinterpret_cast<double*>(p), _mm_castps_pd(v));
    if (count == 1 || count == 3)
      _mm_store_ss(p + (count - 1), count == 1 ? v : vec<T>(_mm_movehl_ps(v, v)));
    if (count == 4)
      store(p, v);
    return;
  } else if constexpr (std::is_same_v<T, double>) {
    if (count == 1)
      return _mm_store_sd(p, v);
    return store(p, v);
  }
#elif defined(__ARM_NEON) && defined(__aarch64__)
  if constexpr (std::is_same_v<T, float>) {
    if (count >= 2)
      vst1_f32(p, vget_low_f32(v));
    if (count == 1)
      vst1q_lane_f32(p, v, 0);
    if (count == 3)
      vst1q_lane_f32(p + 2, v, 2);
    if (count == 4)
      store(p, v);
    return;
  } else if constexpr (std::is_same_v<T, double>) {
    if (count == 1)
      return vst1q_lane_f64(p, v, 0);
    return store(p, v);
  }
#endif
  if (count == lanes<T>)
    return store(p, v);
  for (std::size_t i = 0; i < count; ++i)
    p[i] = v[i];
}

/// The sum of v's lanes.
template <class T>
inline T reduce_add(vec<T> v) noexcept {
  T s{};
  for (std::size_t i = 0; i < lanes<T>; ++i)
    s += v[i];
  return s;
}

/// The lane sums of four vectors at once: a few shuffles and additions instead of four chains
/// of dependent additions, which otherwise take most of the time of short dot products.
template <class T>
inline std::array<T, 4> reduce_add4(vec<T> s0, vec<T> s1, vec<T> s2, vec<T> s3) noexcept {
  if constexpr (std::is_same_v<T, float>) {
#if defined(__AVX512F__)
    const vec<T> h01 =
        __builtin_shufflevector(s0, s1, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
        __builtin_shufflevector(s0, s1, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30,
                                31);
    const vec<T> h23 =
        __builtin_shufflevector(s2, s3, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
        __builtin_shufflevector(s2, s3, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30,
                                31);
    const vec<T> q = __builtin_shufflevector(h01, h23, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24,
                                             25, 26, 27) +
                     __builtin_shufflevector(h01, h23, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23,
                                             28, 29, 30, 31);
    const vec<T> p =
        q + __builtin_shufflevector(q, q, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    const vec<T> r =
        p + __builtin_shufflevector(p, p, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    return {r[0], r[4], r[8], r[12]};
#elif defined(__AVX__)
    // Pairwise sums within 128-bit halves, then the two halves added.
    const __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(s0, s1), _mm256_hadd_ps(s2, s3));
    const __m128 r = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
    return {r[0], r[1], r[2], r[3]};
#elif defined(__SSE2__)
    __m128 a = s0, b = s1, c = s2, d = s3;
    _MM_TRANSPOSE4_PS(a, b, c, d);
    const __m128 r = _mm_add_ps(_mm_add_ps(a, b), _mm_add_ps(c, d));
    return {r[0], r[1], r[2], r[3]};
#elif defined(__ARM_NEON) && defined(__aarch64__)
    const float32x4_t r = vpaddq_f32(vpaddq_f32(s0, s1), vpaddq_f32(s2, s3));
    return {r[0], r[1], r[2], r[3]};
#endif
  }
  return {reduce_add<T>(s0), reduce_add<T>(s1), reduce_add<T>(s2), reduce_add<T>(s3)};
}

}  // namespace ctnn::detail::simd
