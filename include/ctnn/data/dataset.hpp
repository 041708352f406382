// SPDX-License-Identifier: BSL-1.0
// ctnn::dataset: samples in memory typed by their input shape and target kind, and the
// transforms training needs (class selection, subsets, validation split, normalisation).
#pragma once

#include <ctnn/core/normalization.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/data/error.hpp>
#include <ctnn/data/target.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctnn {

namespace detail {
// Appends n values.  Not vector::insert: with a fixed-extent span GCC 12 reports a false
// -Wstringop-overflow inside it.
template <class V>
void append_values(std::vector<V>& v, const V* p, std::size_t n) {
  const std::size_t at = v.size();
  v.resize(at + n);
  std::copy_n(p, n, v.data() + at);
}
}  // namespace detail

/// n samples: inputs as float, [n][size_v<In>], each with a target: a class label
/// (Target = class_label) or size_v<Target> real values (Target = shape<...>, regression).
/// The two vectors are public for bulk work; push_back keeps them consistent.
template <shape_type In, target_kind Target = class_label>
struct dataset {
  using input_shape = In;
  using target_type = Target;
  using target_value = target_value_t<Target>;
  static constexpr std::size_t input_size = size_v<In>;
  static constexpr std::size_t target_size = target_size_v<Target>;
  static constexpr bool labelled = std::same_as<Target, class_label>;

  std::size_t classes = 0;            // labelled sets: every label is below it
  std::vector<float> inputs;          // [size()][input_size]
  std::vector<target_value> targets;  // [size()][target_size]

  std::size_t size() const noexcept { return targets.size() / target_size; }
  bool empty() const noexcept { return targets.empty(); }
  void reserve(std::size_t n) {
    inputs.reserve(n * input_size);
    targets.reserve(n * target_size);
  }

  std::span<const float, input_size> input(std::size_t i) const noexcept {
    return std::span<const float, input_size>(inputs.data() + i * input_size, input_size);
  }
  /// Sample i's class (labelled sets).
  target_value label(std::size_t i) const noexcept requires labelled { return targets[i]; }
  /// Sample i's target values (regression sets).
  std::span<const float, target_size> target(std::size_t i) const noexcept requires(!labelled) {
    return std::span<const float, target_size>(targets.data() + i * target_size, target_size);
  }

  /// Appends a labelled sample; raises `classes` above the label when needed.
  void push_back(std::span<const float, input_size> x, target_value label) requires labelled {
    detail::append_values(inputs, x.data(), input_size);
    targets.push_back(label);
    classes = std::max<std::size_t>(classes, std::size_t{label} + 1);
  }
  /// Appends a sample with real-valued targets.
  void push_back(std::span<const float, input_size> x,
                 std::span<const float, target_size> t) requires(!labelled) {
    detail::append_values(inputs, x.data(), input_size);
    detail::append_values(targets, t.data(), target_size);
  }
};

/// The samples at `indices`, in that order (indices may repeat).
template <shape_type In, target_kind Target>
dataset<In, Target> subset(dataset<In, Target> const& d, std::span<const std::size_t> indices) {
  using D = dataset<In, Target>;
  D out;
  out.classes = d.classes;
  out.reserve(indices.size());
  for (std::size_t i : indices) {
    if (i >= d.size())
      throw data_error("subset: sample " + std::to_string(i) + " of a data set of " +
                       std::to_string(d.size()));
    detail::append_values(out.inputs, d.input(i).data(), D::input_size);
    detail::append_values(out.targets, d.targets.data() + i * D::target_size, D::target_size);
  }
  return out;
}

/// The same samples seen as inputs of shape To (same number of elements, same order), e.g. a
/// 1x28x28 image set for a network whose input is shape<784>.
template <shape_type To, shape_type In, target_kind Target>
dataset<To, Target> reshape(dataset<In, Target> d) {
  static_assert(size_v<To> == size_v<In>,
                "ctnn::reshape<To>(dataset) requires To to have as many elements as the data "
                "set's input shape");
  dataset<To, Target> out;
  out.classes = d.classes;
  out.inputs = std::move(d.inputs);
  out.targets = std::move(d.targets);
  return out;
}

/// Keeps the samples whose label is in `keep` and renumbers them 0, 1, ... in keep's order
/// (classes 3, 7 of ten become classes 0, 1 of a 2-class problem).
template <shape_type In>
dataset<In> select_classes(dataset<In> const& d, std::vector<std::size_t> const& keep) {
  std::vector<std::int64_t> relabel(d.classes, -1);
  for (std::size_t k = 0; k < keep.size(); ++k) {
    if (keep[k] >= d.classes)
      throw data_error("class " + std::to_string(keep[k]) + " does not exist (the data has " +
                       std::to_string(d.classes) + " classes)");
    relabel[keep[k]] = static_cast<std::int64_t>(k);
  }
  dataset<In> out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto to = relabel[d.label(i)];
    if (to < 0)
      continue;
    detail::append_values(out.inputs, d.input(i).data(), dataset<In>::input_size);
    out.targets.push_back(static_cast<class_label::value_type>(to));
  }
  out.classes = keep.size();
  return out;
}

/// The first n samples (all when n is 0 or larger than the set).
template <shape_type In, target_kind Target>
dataset<In, Target> take(dataset<In, Target> d, std::size_t n) {
  if (n == 0 || n >= d.size())
    return d;
  d.inputs.resize(n * dataset<In, Target>::input_size);
  d.targets.resize(n * dataset<In, Target>::target_size);
  return d;
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

/// A data set split in two disjoint parts: what stays for training and what is held out
/// (e.g. for validation, apart from the test set).
template <shape_type In, target_kind Target>
struct split_sets {
  dataset<In, Target> rest, held_out;
};

/// Holds out `count` samples chosen by the seed (the same seed, the same split); both parts
/// keep the original order of their samples.
template <shape_type In, target_kind Target, std::integral Count>
split_sets<In, Target> split_off(dataset<In, Target> const& d, Count count, std::uint64_t seed) {
  if (count < 0 || static_cast<std::size_t>(count) >= d.size())
    throw data_error("split_off: cannot hold out " + std::to_string(count) + " of " +
                     std::to_string(d.size()) + " samples (at least one must stay)");
  auto order = shuffled_indices(d.size(), seed ^ 0x5be0cd19137e2179ULL);
  const auto mid = order.begin() + static_cast<std::ptrdiff_t>(count);
  std::sort(order.begin(), mid);
  std::sort(mid, order.end());
  const std::span<const std::size_t> all(order);
  return {subset(d, all.subspan(static_cast<std::size_t>(count))),
          subset(d, all.first(static_cast<std::size_t>(count)))};
}

/// Holds out a fraction (0 < fraction < 1) of the samples, rounded to the nearest count.
template <shape_type In, target_kind Target>
split_sets<In, Target> split_off(dataset<In, Target> const& d, double fraction,
                                 std::uint64_t seed) {
  if (!(fraction > 0 && fraction < 1))
    throw data_error("split_off: the fraction held out must be in (0, 1), not " +
                     std::to_string(fraction));
  const auto count =
      static_cast<std::size_t>(std::llround(fraction * static_cast<double>(d.size())));
  return split_off(d, std::max<std::size_t>(count, 1), seed);
}

/// Mean and standard deviation of a training set's inputs per normalisation group (channel of
/// an image, feature of a vector, the whole image for [H, W]); a model applies them to every
/// raw input it is given.  A group that never varies keeps deviation 1.
template <shape_type In, target_kind Target>
normalization<In, float> fit_normalization(dataset<In, Target> const& d) {
  using N = normalization<In, float>;
  N out;
  if (d.empty())
    throw data_error("fit_normalization: the data set is empty");
  for (std::size_t g = 0; g < N::groups; ++g) {
    double s = 0, q = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const float* x = d.input(i).data() + g * N::group_size;
      for (std::size_t k = 0; k < N::group_size; ++k) {
        s += x[k];
        q += double{x[k]} * x[k];
      }
    }
    const double n = static_cast<double>(d.size() * N::group_size);
    const double mean = s / n, var = std::max(q / n - mean * mean, 0.0);
    out.mean[g] = static_cast<float>(mean);
    out.stddev[g] = var > 1e-12 ? static_cast<float>(std::sqrt(var)) : 1.0f;
  }
  return out;
}

}  // namespace ctnn
