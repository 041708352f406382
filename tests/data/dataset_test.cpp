// SPDX-License-Identifier: BSL-1.0
#include <ctnn/data/dataset.hpp>

#include "support/idx_files.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ctnn;
using namespace ctnn::test;
using Catch::Matchers::Contains;

namespace {
dataset small_set() {
  dataset d;
  d.rows = 1;
  d.cols = 2;
  d.images = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  d.labels = {0, 1, 2, 1, 0};
  return d;
}
}  // namespace

TEST_CASE("load_idx scales pixels to [0, 1] and pairs images with labels", "[data][dataset]") {
  temp_dir dir("dataset");
  write_raw(dir / "i", idx_images_bytes(2, 1, 255));
  write_raw(dir / "l", idx_labels_bytes({4, 2}));
  auto d = load_idx(dir / "i", dir / "l");
  CHECK(d.size() == 2);
  CHECK(d.image(0)[0] == 0.0f);
  CHECK(d.image(0)[254] == Approx(254.0 / 255));
  CHECK(d.labels[1] == 2);
  write_raw(dir / "l3", idx_labels_bytes({4, 2, 1}));
  CHECK_THROWS_WITH(load_idx(dir / "i", dir / "l3"), Contains("3 labels for the 2 images"));
}

TEST_CASE("load_mnist finds .gz or raw files and says where it looked", "[data][dataset]") {
  temp_dir dir("mnist-dir");
  CHECK_THROWS_WITH(load_mnist(dir.path, split::test),
                    Contains("t10k-images-idx3-ubyte[.gz]: no such file"));
  write_gzip(dir / "t10k-images-idx3-ubyte.gz", idx_images_bytes(2, 28, 28));
  write_raw(dir / "t10k-labels-idx1-ubyte", idx_labels_bytes({1, 2}));
  CHECK(load_mnist(dir.path, split::test).size() == 2);
}

TEST_CASE("select_classes keeps and renumbers classes", "[data][dataset]") {
  auto d = select_classes(small_set(), {2, 1});
  CHECK(d.classes == 2);
  CHECK(d.labels == std::vector<std::uint8_t>{1, 0, 1});
  CHECK(d.images == std::vector<float>{2, 3, 4, 5, 6, 7});
  CHECK_THROWS_WITH(select_classes(small_set(), {12}), Contains("class 12 does not exist"));
}

TEST_CASE("shuffled_indices is a seeded permutation", "[data][dataset]") {
  auto a = shuffled_indices(1000, 7), b = shuffled_indices(1000, 7), c = shuffled_indices(1000, 8);
  CHECK(a == b);
  CHECK(a != c);
  std::sort(a.begin(), a.end());
  for (std::size_t i = 0; i < a.size(); ++i)
    CHECK(a[i] == i);
}

TEST_CASE("normalise uses the given statistics", "[data][dataset]") {
  auto d = small_set();
  auto s = measure(d);
  CHECK(s.mean == Approx(4.5));
  CHECK(s.stddev == Approx(std::sqrt(8.25)));
  normalise(d, s);
  CHECK(measure(d).mean == Approx(0).margin(1e-6));
  CHECK(measure(d).stddev == Approx(1));
}

TEST_CASE("check_fits compares images with the network's input", "[data][dataset]") {
  auto d = small_set();
  CHECK_NOTHROW(check_fits<shape<2>>(d, "set"));
  CHECK_NOTHROW(check_fits<shape<1, 1, 2>>(d, "set"));
  auto mnist_input = [&] { check_fits<shape<1, 28, 28>>(d, "training set"); };
  CHECK_THROWS_WITH(mnist_input(),
                    Contains("training set: images are 1x2 but the network's input is 1x28x28"));
}

TEST_CASE("resolve_data_dir prefers the option, then CTNN_DATA, then the default",
          "[data][dataset]") {
  ::setenv("CTNN_DATA", "/from/env", 1);
  CHECK(resolve_data_dir("/given", "data/mnist") == "/given");
  CHECK(resolve_data_dir("", "data/mnist") == "/from/env");
  ::unsetenv("CTNN_DATA");
  CHECK(resolve_data_dir("", "data/mnist") == "data/mnist");
}
