// SPDX-License-Identifier: BSL-1.0
// ctnn::load_idx and ctnn::load_mnist: labelled image sets from IDX files (raw or gzip) into a
// dataset typed by its input shape.
#pragma once

#include <ctnn/core/shape.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/idx.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace ctnn {

namespace detail {
template <shape_type Shape>
dataset<Shape> make_dataset(idx_images im, std::vector<std::uint8_t> lb, std::size_t classes,
                            std::string const& images_name, std::string const& labels_name) {
  static_assert(rank_v<Shape> >= 1 && rank_v<Shape> <= 3,
                "ctnn::load_idx<Shape> requires Shape to be shape<H * W>, shape<H, W> or "
                "shape<1, H, W>");
  bool fits = size_v<Shape> == im.rows * im.cols;
  if constexpr (rank_v<Shape> == 3)
    fits = fits && dim_v<Shape, 0> == 1;
  if constexpr (rank_v<Shape> >= 2)
    fits = fits && dim_v<Shape, rank_v<Shape> - 2> == im.rows &&
           dim_v<Shape, rank_v<Shape> - 1> == im.cols;
  if (!fits)
    throw data_error(images_name + ": images are " + std::to_string(im.rows) + "x" +
                     std::to_string(im.cols) + " but the data set's input shape is " +
                     to_string(Shape{}));
  if (lb.size() != im.count)
    throw data_error(labels_name + ": " + std::to_string(lb.size()) + " labels for the " +
                     std::to_string(im.count) + " images of " + images_name);
  dataset<Shape> d;
  d.classes = classes;
  d.inputs.resize(im.pixels.size());
  for (std::size_t i = 0; i < im.pixels.size(); ++i)
    d.inputs[i] = static_cast<float>(im.pixels[i]) * (1.0f / 255.0f);
  d.targets.assign(lb.begin(), lb.end());
  return d;
}
}  // namespace detail

/// Loads an image file and its label file (raw or .gz) as a dataset<Shape>, scaling pixels to
/// [0, 1].  Fails with a data_error naming the file when either is bad, their counts differ,
/// or the file's images are not of Shape (shape<1, H, W>, shape<H, W> or shape<H * W>).
template <shape_type Shape>
dataset<Shape> load_idx(std::filesystem::path const& images, std::filesystem::path const& labels,
                        std::size_t classes = 10) {
  idx_images im = read_idx_images(images);
  std::vector<std::uint8_t> lb = read_idx_labels(labels, classes);
  return detail::make_dataset<Shape>(std::move(im), std::move(lb), classes, images.string(),
                                     labels.string());
}

/// load_idx of two files' bytes in memory (raw or gzip); the names stand for the files in
/// messages.
template <shape_type Shape>
dataset<Shape> load_idx(std::span<const std::uint8_t> images, std::string const& images_name,
                        std::span<const std::uint8_t> labels, std::string const& labels_name,
                        std::size_t classes = 10) {
  idx_images im = read_idx_images(images, images_name);
  std::vector<std::uint8_t> lb = read_idx_labels(labels, labels_name, classes);
  return detail::make_dataset<Shape>(std::move(im), std::move(lb), classes, images_name,
                                     labels_name);
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

/// The train or test half of an MNIST-style folder (train-images-idx3-ubyte[.gz], ...):
/// 28x28 grey images with ten classes (MNIST, Fashion-MNIST).
inline dataset<shape<1, 28, 28>> load_mnist(std::filesystem::path const& dir, split which) {
  const std::string prefix = which == split::train ? "train" : "t10k";
  const auto images = find_idx_file(dir, prefix + "-images-idx3-ubyte");
  return load_idx<shape<1, 28, 28>>(images, find_idx_file(dir, prefix + "-labels-idx1-ubyte"));
}

/// Where the data lives: the explicit value, else $CTNN_DATA, else fallback.
inline std::filesystem::path resolve_data_dir(std::string const& given,
                                              std::filesystem::path const& fallback) {
  if (!given.empty())
    return given;
  if (const char* env = std::getenv("CTNN_DATA"); env != nullptr && *env != '\0')
    return env;
  return fallback;
}

}  // namespace ctnn
