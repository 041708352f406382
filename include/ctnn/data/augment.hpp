// SPDX-License-Identifier: BSL-1.0
// ctnn::augment: on-the-fly data augmentation of images (random shift, small rotation,
// horizontal/vertical squeeze or stretch, Gaussian noise), seeded and allocation-free.
#pragma once

#include <ctnn/core/random.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <string>

namespace ctnn {

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
      for (std::size_t y = 0; y < rows; ++y) {
        for (std::size_t x = 0; x < cols; ++x) {
          const double qx = static_cast<double>(x) - cx - tx, qy = static_cast<double>(y) - cy - ty;
          const double px = (cs * qx + sn * qy) / sx + cx, py = (-sn * qx + cs * qy) / sy + cy;
          const double fx = std::floor(px), fy = std::floor(py);
          const double wx = px - fx, wy = py - fy;
          const long x0 = static_cast<long>(fx), y0 = static_cast<long>(fy);
          const double v = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x0 + 1)) +
                           wy * ((1 - wx) * at(y0 + 1, x0) + wx * at(y0 + 1, x0 + 1));
          dst[y * cols + x] = static_cast<T>(v);
        }
      }
    }
  }
  if (a.noise > 0) {
    // Box-Muller on counter-based uniforms: two normal values per pair of pixels.
    const std::size_t n = channels * plane;
    for (std::size_t i = 0; i < n; i += 2) {
      const double u1 = uniform01<double>(seed ^ 0xbb67ae8584caa73bULL, step, sample, i) +
                        1.0 / 33554432.0;  // never 0
      const double u2 = uniform01<double>(seed ^ 0x3c6ef372fe94f82bULL, step, sample, i);
      const double r = a.noise * std::sqrt(-2 * std::log(u1));
      out[i] += static_cast<T>(r * std::cos(2 * std::numbers::pi * u2));
      if (i + 1 < n)
        out[i + 1] += static_cast<T>(r * std::sin(2 * std::numbers::pi * u2));
    }
  }
}

}  // namespace ctnn
