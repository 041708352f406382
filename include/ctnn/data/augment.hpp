// SPDX-License-Identifier: BSL-1.0
// ctnn::augment: on-the-fly data augmentation of images (random shift, small rotation,
// horizontal/vertical squeeze or stretch, Gaussian noise), seeded and allocation-free.
#pragma once

#include <ctnn/core/random.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <string>

namespace ctnn {

namespace detail {
/// The standard normal quantile function at 4097 points, (k + 0.5) / 4097 shifted so the
/// ends are the 1/8194 quantiles: q[k] = Phi^-1((k + 0.5) / 4097).  Built once (Newton's
/// method on std::erfc), then read-only, so threads may share it.
inline std::array<float, 4097> const& normal_quantiles() {
  static const std::array<float, 4097> table = [] {
    std::array<float, 4097> t{};
    for (std::size_t k = 0; k < t.size(); ++k) {
      const double p = (static_cast<double>(k) + 0.5) / 4097.0;
      double z = 0;
      for (int it = 0; it < 60; ++it) {  // Newton on Phi(z) - p
        const double phi = 0.5 * std::erfc(-z / std::numbers::sqrt2);
        const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
        const double step = (phi - p) / pdf;
        z -= std::clamp(step, -1.0, 1.0);
        if (std::abs(step) < 1e-12)
          break;
      }
      t[k] = static_cast<float>(z);
    }
    return t;
  }();
  return table;
}
}  // namespace detail

/// Which transforms to apply and how strongly; a zero turns a transform off.
struct augmentation {
  double shift = 0;    // largest shift in pixels along each axis (uniform in [-shift, shift])
  double rotate = 0;   // largest rotation in degrees (uniform in [-rotate, rotate])
  double stretch = 0;  // largest relative squeeze/stretch per axis (scale in [1-s, 1+s])
  double noise = 0;    // standard deviation of the added Gaussian noise (pixel units)

  bool geometric() const noexcept { return shift > 0 || rotate > 0 || stretch > 0; }
  bool enabled() const noexcept { return geometric() || noise > 0; }
  std::string describe() const {
    if (!enabled())
      return "none";
    std::string s;
    auto add = [&](char const* name, double v) {
      if (v > 0)
        s += (s.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(v);
    };
    add("shift", shift);
    add("rotate", rotate);
    add("stretch", stretch);
    add("noise", noise);
    return s;
  }
};

/// Writes a randomly transformed copy of one image (channels planes of rows x cols) into out.
/// The transform is a pure function of (seed, step, sample): reproducible, the same whatever
/// the thread count, different for every sample and step.  Geometric transforms map each
/// output pixel back into the input (rotation and scaling about the centre, then the shift)
/// and sample it bilinearly; points outside the image take the image's smallest value (its
/// background, also after normalisation).  Nothing is allocated.
template <class T>
void augment(const T* in, T* out, std::size_t channels, std::size_t rows, std::size_t cols,
             augmentation const& a, std::uint64_t seed, std::uint64_t step,
             std::uint64_t sample) noexcept {
  const std::size_t plane = rows * cols;
  auto u = [&](std::uint64_t k) {  // uniform in [-1, 1)
    return 2 * uniform01<double>(seed ^ 0x6a09e667f3bcc909ULL, step, sample, k) - 1;
  };
  if (!a.geometric()) {
    std::copy(in, in + channels * plane, out);
  } else {
    const double angle = a.rotate * u(0) * std::numbers::pi / 180;
    const double sx = 1 + a.stretch * u(1), sy = 1 + a.stretch * u(2);
    const double tx = a.shift * u(3), ty = a.shift * u(4);
    // Inverse map: p = S^-1 R(-angle) (q - c - t) + c.
    const double cs = std::cos(angle), sn = std::sin(angle);
    const double cx = (static_cast<double>(cols) - 1) / 2, cy = (static_cast<double>(rows) - 1) / 2;
    for (std::size_t ch = 0; ch < channels; ++ch) {
      const T* src = in + ch * plane;
      T* dst = out + ch * plane;
      const T background = *std::min_element(src, src + plane);
      auto at = [&](long y, long x) {
        return (y < 0 || x < 0 || y >= static_cast<long>(rows) || x >= static_cast<long>(cols))
                   ? background
                   : src[static_cast<std::size_t>(y) * cols + static_cast<std::size_t>(x)];
      };
      // The inverse map is affine: step along a row by (ax, ay), from row start (bx, by).
      // Float along a row: it moves the coordinates by a few pixels, far within float
      // precision, and converting from double at every pixel cost more than the sampling.
      const auto ax = static_cast<float>(cs / sx), ay = static_cast<float>(-sn / sy);
      for (std::size_t y = 0; y < rows; ++y) {
        const double qy = static_cast<double>(y) - cy - ty, qx0 = -cx - tx;
        const auto bx = static_cast<float>((cs * qx0 + sn * qy) / sx + cx);
        const auto by = static_cast<float>((-sn * qx0 + cs * qy) / sy + cy);
        for (std::size_t x = 0; x < cols; ++x) {
          const float px = bx + ax * static_cast<float>(x);
          const float py = by + ay * static_cast<float>(x);
          const float fx = std::floor(px), fy = std::floor(py);
          const float wx = px - fx, wy = py - fy;
          const long x0 = static_cast<long>(fx), y0 = static_cast<long>(fy);
          T v00, v01, v10, v11;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < static_cast<long>(cols) &&
              y0 + 1 < static_cast<long>(rows)) {  // inside: no border checks
            const T* p = src + static_cast<std::size_t>(y0) * cols + static_cast<std::size_t>(x0);
            v00 = p[0], v01 = p[1], v10 = p[cols], v11 = p[cols + 1];
          } else {
            v00 = at(y0, x0), v01 = at(y0, x0 + 1), v10 = at(y0 + 1, x0), v11 = at(y0 + 1, x0 + 1);
          }
          const float v =
              (1 - wy) * ((1 - wx) * static_cast<float>(v00) + wx * static_cast<float>(v01)) +
              wy * ((1 - wx) * static_cast<float>(v10) + wx * static_cast<float>(v11));
          dst[y * cols + x] = static_cast<T>(v);
        }
      }
    }
  }
  if (a.noise > 0) {
    // Inverse-transform sampling through a quantile table: one 64-bit hash gives four 16-bit
    // uniforms, each mapped to a normal value (Box-Muller's log/sqrt/sin per pixel cost more
    // than a training step's share).
    auto const& q = detail::normal_quantiles();
    const std::size_t n = channels * plane;
    const auto sd = static_cast<T>(a.noise);
    // One hash of (seed, step, sample) per image, then one mix per four pixels.
    const std::uint64_t base = mix64(seed ^ 0xbb67ae8584caa73bULL ^ mix64(step ^ mix64(sample)));
    for (std::size_t i = 0; i < n; i += 4) {
      std::uint64_t h = mix64(base + i * 0x9e3779b97f4a7c15ULL);
      for (std::size_t k = i; k < std::min(n, i + 4); ++k, h >>= 16) {
        const std::size_t bits = h & 0xffff, cell = bits >> 4;  // 4096 cells, 16 steps within each
        const float t = static_cast<float>(bits & 15) * (1.0f / 16.0f) + 1.0f / 32.0f;
        out[k] += sd * static_cast<T>(q[cell] + t * (q[cell + 1] - q[cell]));
      }
    }
  }
}

}  // namespace ctnn
