// SPDX-License-Identifier: BSL-1.0
#include <ctnn/data/dataset.hpp>

#include <ctnn/data/load.hpp>

#include "support/idx_files.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

using namespace ctnn;
using namespace ctnn::test;
using Catch::Matchers::Contains;

namespace {
// Five samples of shape<2>: {0, 1}, {2, 3}, ... with labels 0, 1, 2, 1, 0.
dataset<shape<2>> small_set() {
  dataset<shape<2>> d;
  const std::uint32_t labels[] = {0, 1, 2, 1, 0};
  for (std::size_t i = 0; i < 5; ++i) {
    const std::array<float, 2> x{static_cast<float>(2 * i), static_cast<float>(2 * i + 1)};
    d.push_back(x, labels[i]);
  }
  return d;
}
}  // namespace

TEST_CASE("a data set knows its shapes and keeps inputs and targets together", "[data][dataset]") {
  static_assert(dataset<shape<3, 32, 32>>::input_size == 3072);
  static_assert(dataset<shape<3, 32, 32>>::labelled);
  static_assert(!dataset<shape<4>, shape<2>>::labelled);
  static_assert(dataset<shape<4>, shape<2>>::target_size == 2);
  static_assert(std::is_same_v<decltype(small_set().input(0)), std::span<const float, 2>>);
  auto d = small_set();
  CHECK(d.size() == 5);
  CHECK(d.classes == 3);
  CHECK(d.input(2)[1] == 5);
  CHECK(d.label(3) == 1);
  dataset<shape<2>> wide;
  wide.push_back(d.input(0), 300);  // more classes than a byte holds
  CHECK(wide.label(0) == 300);
  CHECK(wide.classes == 301);
  dataset<shape<1>, shape<2>> r;
  r.push_back(std::array<float, 1>{1}, std::array<float, 2>{2, 3});
  r.push_back(std::array<float, 1>{4}, std::array<float, 2>{5, 6});
  CHECK(r.size() == 2);
  CHECK(r.target(1)[0] == 5);
  CHECK(r.target(1)[1] == 6);
}

TEST_CASE("load_idx scales pixels to [0, 1] and pairs images with labels", "[data][dataset]") {
  temp_dir dir("dataset");
  write_raw(dir / "i", idx_images_bytes(2, 1, 255));
  write_raw(dir / "l", idx_labels_bytes({4, 2}));
  using row = shape<1, 1, 255>;
  auto d = load_idx<row>(dir / "i", dir / "l");
  CHECK(d.size() == 2);
  CHECK(d.input(0)[0] == 0.0f);
  CHECK(d.input(0)[254] == Approx(254.0 / 255));
  CHECK(d.label(1) == 2);
  CHECK(load_idx<shape<255>>(dir / "i", dir / "l").size() == 2);
  write_raw(dir / "l3", idx_labels_bytes({4, 2, 1}));
  CHECK_THROWS_WITH(load_idx<row>(dir / "i", dir / "l3"), Contains("3 labels for the 2 images"));
}

TEST_CASE("load_idx checks the file's image size against the shape", "[data][dataset]") {
  temp_dir dir("dataset-shape");
  write_raw(dir / "i", idx_images_bytes(2, 20, 20));
  write_raw(dir / "l", idx_labels_bytes({4, 2}));
  using mnist = shape<1, 28, 28>;
  using wide = shape<20, 40>;
  using two_channels = shape<2, 20, 20>;
  CHECK_THROWS_WITH(load_idx<mnist>(dir / "i", dir / "l"),
                    Contains((dir / "i").string() + ": images are 20x20 but the data set's input "
                                                    "shape is 1x28x28"));
  CHECK_THROWS_WITH(load_idx<wide>(dir / "i", dir / "l"),
                    Contains("images are 20x20 but the data set's input shape is 20x40"));
  CHECK_THROWS_WITH(load_idx<two_channels>(dir / "i", dir / "l"),
                    Contains("input shape is 2x20x20"));
  CHECK(load_idx<shape<400>>(dir / "i", dir / "l").size() == 2);
}

TEST_CASE("load_mnist finds .gz or raw files and says where it looked", "[data][dataset]") {
  temp_dir dir("mnist-dir");
  CHECK_THROWS_WITH(load_mnist(dir.path, split::test),
                    Contains("t10k-images-idx3-ubyte[.gz]: no such file"));
  write_gzip(dir / "t10k-images-idx3-ubyte.gz", idx_images_bytes(2, 28, 28));
  write_raw(dir / "t10k-labels-idx1-ubyte", idx_labels_bytes({1, 2}));
  const dataset<shape<1, 28, 28>> d = load_mnist(dir.path, split::test);
  CHECK(d.size() == 2);
  CHECK(d.classes == 10);
}

TEST_CASE("select_classes keeps and renumbers classes", "[data][dataset]") {
  auto d = select_classes(small_set(), {2, 1});
  CHECK(d.classes == 2);
  CHECK(d.targets == std::vector<std::uint32_t>{1, 0, 1});
  CHECK(d.inputs == std::vector<float>{2, 3, 4, 5, 6, 7});
  CHECK_THROWS_WITH(select_classes(small_set(), {12}), Contains("class 12 does not exist"));
}

TEST_CASE("take keeps the first samples", "[data][dataset]") {
  auto d = take(small_set(), 2);
  CHECK(d.size() == 2);
  CHECK(d.inputs == std::vector<float>{0, 1, 2, 3});
  CHECK(take(small_set(), 0).size() == 5);
  CHECK(take(small_set(), 9).size() == 5);
}

TEST_CASE("shuffled_indices is a seeded permutation", "[data][dataset]") {
  auto a = shuffled_indices(1000, 7), b = shuffled_indices(1000, 7), c = shuffled_indices(1000, 8);
  CHECK(a == b);
  CHECK(a != c);
  std::sort(a.begin(), a.end());
  for (std::size_t i = 0; i < a.size(); ++i)
    CHECK(a[i] == i);
}

TEST_CASE("split_off holds out a disjoint, seeded part", "[data][dataset][split]") {
  dataset<shape<1>> d;
  for (std::uint32_t i = 0; i < 1000; ++i)
    d.push_back(std::array<float, 1>{static_cast<float>(i)}, i % 10);
  const auto [rest, held] = split_off(d, 0.2, 5);
  CHECK(held.size() == 200);
  CHECK(rest.size() == 800);
  CHECK(held.classes == 10);
  std::vector<float> all(rest.inputs);
  all.insert(all.end(), held.inputs.begin(), held.inputs.end());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 0; i < all.size(); ++i)
    REQUIRE(all[i] == static_cast<float>(i));    // disjoint and complete
  for (std::size_t i = 0; i < held.size(); ++i)  // targets follow their inputs
    CHECK(held.label(i) == static_cast<std::uint32_t>(held.input(i)[0]) % 10);
  CHECK(std::is_sorted(held.inputs.begin(), held.inputs.end()));  // original order kept
  const auto again = split_off(d, 200, 5);
  CHECK(again.held_out.inputs == held.inputs);
  CHECK(again.rest.inputs == rest.inputs);
  CHECK(split_off(d, 200, 6).held_out.inputs != held.inputs);
  CHECK_THROWS_WITH(split_off(d, 1000, 5), Contains("cannot hold out 1000 of 1000"));
  CHECK_THROWS_WITH(split_off(d, 1.5, 5), Contains("must be in (0, 1)"));
}

TEST_CASE("reshape views the same samples under a shape of the same size", "[data][dataset]") {
  dataset<shape<1, 2, 3>, shape<2>> d;
  d.push_back(std::array<float, 6>{1, 2, 3, 4, 5, 6}, std::array<float, 2>{7, 8});
  const dataset<shape<6>, shape<2>> flat = reshape<shape<6>>(d);
  CHECK(flat.inputs == d.inputs);
  CHECK(flat.targets == d.targets);
  CHECK(flat.input(0)[5] == 6);
}

TEST_CASE("fit_normalization measures each channel, image or feature", "[data][normalization]") {
  auto d = small_set();  // shape<2>: one group per feature
  const auto n = fit_normalization(d);
  CHECK(n.mean[0] == Approx(4));
  CHECK(n.mean[1] == Approx(5));
  CHECK(n.stddev[0] == Approx(std::sqrt(8.0)));
  const auto flat = fit_normalization(reshape<shape<1, 2>>(small_set()));  // one image group
  CHECK(flat.mean[0] == Approx(4.5));
  CHECK(flat.stddev[0] == Approx(std::sqrt(8.25)));
  dataset<shape<2, 1, 2>> images;  // per channel
  images.push_back(std::array<float, 4>{1, 3, 10, 10}, 0);
  images.push_back(std::array<float, 4>{1, 3, 10, 10}, 0);
  const auto c = fit_normalization(images);
  CHECK(c.mean[0] == Approx(2));
  CHECK(c.stddev[0] == Approx(1));
  CHECK(c.mean[1] == Approx(10));
  CHECK(c.stddev[1] == 1);  // constant: left at 1, no division by zero
  auto x = images.inputs;
  c.apply(x.data(), x.data(), 2);
  CHECK(x == std::vector<float>{-1, 1, 0, 0, -1, 1, 0, 0});
}

TEST_CASE("resolve_data_dir prefers the option, then CTNN_DATA, then the default",
          "[data][dataset]") {
  ::setenv("CTNN_DATA", "/from/env", 1);
  CHECK(resolve_data_dir("/given", "data/mnist") == "/given");
  CHECK(resolve_data_dir("", "data/mnist") == "/from/env");
  ::unsetenv("CTNN_DATA");
  CHECK(resolve_data_dir("", "data/mnist") == "data/mnist");
}
