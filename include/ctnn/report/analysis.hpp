// SPDX-License-Identifier: BSL-1.0
// The numbers behind a training report's pictures: per-class precision and recall, the most
// confused class pairs, and the mapping of activations and filters to
// 8-bit grey images (one tile per channel).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace ctnn::report {

/// Precision and recall of one class, from a confusion matrix [true][predicted].
struct class_metrics {
  std::size_t label = 0, support = 0, predicted = 0, correct = 0;
  double precision = 0, recall = 0;  // 0 where undefined (nothing predicted / no samples)
};

inline std::vector<class_metrics> per_class(std::span<const std::size_t> confusion,
                                            std::size_t classes) {
  if (confusion.size() != classes * classes)
    throw std::invalid_argument("confusion matrix is not classes x classes");
  std::vector<class_metrics> out(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    auto& m = out[c];
    m.label = c;
    m.correct = confusion[c * classes + c];
    for (std::size_t k = 0; k < classes; ++k) {
      m.support += confusion[c * classes + k];
      m.predicted += confusion[k * classes + c];
    }
    m.precision = m.predicted ? static_cast<double>(m.correct) / m.predicted : 0;
    m.recall = m.support ? static_cast<double>(m.correct) / m.support : 0;
  }
  return out;
}

/// An off-diagonal cell: `count` samples of class `truth` were predicted as `predicted`.
struct confused_pair {
  std::size_t truth, predicted, count;
  friend bool operator==(confused_pair const&, confused_pair const&) = default;
};

/// The `limit` largest off-diagonal cells, largest first (ties: row-major order); empty cells
/// are left out.
inline std::vector<confused_pair> most_confused(std::span<const std::size_t> confusion,
                                                std::size_t classes, std::size_t limit) {
  std::vector<confused_pair> cells;
  for (std::size_t t = 0; t < classes; ++t)
    for (std::size_t p = 0; p < classes; ++p)
      if (t != p && confusion[t * classes + p] > 0)
        cells.push_back({t, p, confusion[t * classes + p]});
  std::stable_sort(cells.begin(), cells.end(),
                   [](auto const& a, auto const& b) { return a.count > b.count; });
  if (cells.size() > limit)
    cells.resize(limit);
  return cells;
}

/// Maps values to 0..255 linearly so that the smallest becomes 0 and the largest 255 (a
/// constant block becomes mid-grey, 128): each picture uses its whole grey range.
template <class T>
std::vector<std::uint8_t> to_gray8(std::span<const T> v) {
  std::vector<std::uint8_t> out(v.size(), 128);
  if (v.empty())
    return out;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double a = static_cast<double>(*lo), range = static_cast<double>(*hi) - a;
  if (range <= 0)
    return out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = static_cast<std::uint8_t>(std::lround(255 * (static_cast<double>(v[i]) - a) / range));
  return out;
}

/// A grey image, row-major.
struct gray_image {
  std::size_t width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
  std::uint8_t at(std::size_t x, std::size_t y) const { return pixels[y * width + x]; }
};

/// Tiles `channels` maps of h x w values (channel-major, as a conv layer's output) into one
/// image, `columns` tiles per row, `gap` white pixels between tiles; each tile is scaled to
/// its own range (to_gray8) and enlarged `zoom` times.
template <class T>
gray_image montage(std::span<const T> maps, std::size_t channels, std::size_t h, std::size_t w,
                   std::size_t columns, std::size_t zoom = 1, std::size_t gap = 1) {
  if (maps.size() != channels * h * w || columns == 0 || zoom == 0)
    throw std::invalid_argument("montage: maps do not hold channels x h x w values");
  const std::size_t rows = (channels + columns - 1) / columns;
  const std::size_t cols_used = std::min(columns, channels);
  gray_image img;
  img.width = cols_used * w * zoom + (cols_used - 1) * gap;
  img.height = rows * h * zoom + (rows - 1) * gap;
  img.pixels.assign(img.width * img.height, 255);
  for (std::size_t c = 0; c < channels; ++c) {
    const auto tile = to_gray8(maps.subspan(c * h * w, h * w));
    const std::size_t x0 = (c % columns) * (w * zoom + gap), y0 = (c / columns) * (h * zoom + gap);
    for (std::size_t y = 0; y < h * zoom; ++y)
      for (std::size_t x = 0; x < w * zoom; ++x)
        img.pixels[(y0 + y) * img.width + x0 + x] = tile[(y / zoom) * w + x / zoom];
  }
  return img;
}

}  // namespace ctnn::report
