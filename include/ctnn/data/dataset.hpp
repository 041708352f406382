// SPDX-License-Identifier: BSL-1.0
// ctnn::dataset: labelled images in memory, and the transforms training needs.
#pragma once

#include <ctnn/core/random.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/idx.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace ctnn {

/// Images as float, [count][rows * cols], with one label each.
struct dataset {
  std::size_t rows = 0, cols = 0;
  std::size_t classes = 10;
  std::vector<float> images;
  std::vector<std::uint8_t> labels;

  std::size_t size() const noexcept { return labels.size(); }
  std::size_t image_size() const noexcept { return rows * cols; }
  std::span<const float> image(std::size_t i) const noexcept {
    return std::span<const float>(images).subspan(i * image_size(), image_size());
  }
};

namespace detail {
inline dataset make_dataset(idx_images im, std::vector<std::uint8_t> lb, std::size_t classes,
                            std::string const& images_name, std::string const& labels_name) {
  if (lb.size() != im.count)
    throw data_error(labels_name + ": " + std::to_string(lb.size()) + " labels for the " +
                     std::to_string(im.count) + " images of " + images_name);
  dataset d;
  d.rows = im.rows;
  d.cols = im.cols;
  d.classes = classes;
  d.images.resize(im.pixels.size());
  for (std::size_t i = 0; i < im.pixels.size(); ++i)
    d.images[i] = static_cast<float>(im.pixels[i]) * (1.0f / 255.0f);
  d.labels = std::move(lb);
  return d;
}
}  // namespace detail

/// Loads an image file and its label file (raw or .gz), scaling pixels to [0, 1].  Fails
/// with a data_error naming the file when either is bad or their counts differ.
inline dataset load_idx(std::filesystem::path const& images, std::filesystem::path const& labels,
                        std::size_t classes = 10) {
  idx_images im = read_idx_images(images);
  std::vector<std::uint8_t> lb = read_idx_labels(labels, classes);
  return detail::make_dataset(std::move(im), std::move(lb), classes, images.string(),
                              labels.string());
}

/// load_idx of two files' bytes in memory (raw or gzip); the names stand for the files in
/// messages.
inline dataset load_idx(std::span<const std::uint8_t> images, std::string const& images_name,
                        std::span<const std::uint8_t> labels, std::string const& labels_name,
                        std::size_t classes = 10) {
  idx_images im = read_idx_images(images, images_name);
  std::vector<std::uint8_t> lb = read_idx_labels(labels, labels_name, classes);
  return detail::make_dataset(std::move(im), std::move(lb), classes, images_name, labels_name);
}

/// The file `stem` in dir, as `stem.gz` or `stem` (whichever exists, .gz first).
inline std::filesystem::path find_idx_file(std::filesystem::path const& dir,
                                           std::string const& stem) {
  for (auto const& candidate : {dir / (stem + ".gz"), dir / stem})
    if (std::filesystem::exists(candidate))
      return candidate;
  throw data_error((dir / stem).string() + "[.gz]: no such file (looked in " + dir.string() + ")");
}

/// Which half of an MNIST-style folder.
enum class split { train, test };

/// Loads the train or test half of an MNIST-style folder (train-images-idx3-ubyte[.gz], ...).
inline dataset load_mnist(std::filesystem::path const& dir, split which) {
  const std::string prefix = which == split::train ? "train" : "t10k";
  const auto images = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  return load_idx(images, find_idx_file(dir, prefix + "-labels-idx1-ubyte"));
}

/// Where the data lives: the explicit value (e.g. a command-line option), else $CTNN_DATA, else
/// fallback.
inline std::filesystem::path resolve_data_dir(std::string const& given,
                                              std::filesystem::path const& fallback) {
  if (!given.empty())
    return given;
  if (const char* env = std::getenv("CTNN_DATA"); env != nullptr && *env != '\0')
    return env;
  return fallback;
}

/// Keeps the samples whose label is in `keep` and renumbers them 0, 1, ... in keep's order
/// (the lab task's digits 0, 1, 2 become classes 0, 1, 2 of a 3-class problem).
inline dataset select_classes(dataset const& d, std::vector<std::size_t> const& keep) {
  std::vector<int> relabel(d.classes, -1);
  for (std::size_t k = 0; k < keep.size(); ++k) {
    if (keep[k] >= d.classes)
      throw data_error("class " + std::to_string(keep[k]) + " does not exist (the data has " +
                       std::to_string(d.classes) + " classes)");
    relabel[keep[k]] = static_cast<int>(k);
  }
  dataset out;
  out.rows = d.rows;
  out.cols = d.cols;
  out.classes = keep.size();
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (relabel[d.labels[i]] < 0)
      continue;
    auto img = d.image(i);
    out.images.insert(out.images.end(), img.begin(), img.end());
    out.labels.push_back(static_cast<std::uint8_t>(relabel[d.labels[i]]));
  }
  return out;
}

/// The first n samples (all when n is 0 or larger than the set).
inline dataset take(dataset d, std::size_t n) {
  if (n == 0 || n >= d.size())
    return d;
  d.images.resize(n * d.image_size());
  d.labels.resize(n);
  return d;
}

/// Mean and standard deviation of every pixel of a set.
struct pixel_stats {
  float mean = 0, stddev = 1;
};
inline pixel_stats measure(dataset const& d) {
  double s = 0, q = 0;
  for (float v : d.images) {
    s += v;
    q += double{v} * v;
  }
  const double n = static_cast<double>(d.images.size());
  const double mean = s / n;
  return {static_cast<float>(mean),
          static_cast<float>(std::sqrt(std::max(q / n - mean * mean, 1e-12)))};
}

/// (x - mean) / stddev for every pixel; use the training set's statistics for both sets.
inline void normalise(dataset& d, pixel_stats s) {
  for (float& v : d.images)
    v = (v - s.mean) / s.stddev;
}

/// 0 .. n-1 in an order that depends only on the seed (Fisher-Yates over SplitMix64, so it is
/// the same with every standard library).
inline std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  splitmix64 rng(seed);
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(idx[i - 1], idx[j]);
  }
  return idx;
}

/// Fails with a clear message when the images do not fit the network's input shape
/// In (shape<1, R, C>, shape<R, C> or shape<R * C>).
template <class In>
void check_fits(dataset const& d, std::string const& what) {
  bool fits = size_v<In> == d.image_size();
  if constexpr (rank_v<In> >= 2)
    fits = fits && In::dims[rank_v<In> - 2] == d.rows && In::dims[rank_v<In> - 1] == d.cols;
  if (!fits)
    throw data_error(what + ": images are " + std::to_string(d.rows) + "x" +
                     std::to_string(d.cols) + " but the network's input is " + to_string(In{}));
}

}  // namespace ctnn
