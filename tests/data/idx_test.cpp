// SPDX-License-Identifier: BSL-1.0
#include <ctnn/data/idx.hpp>

#include "support/idx_files.hpp"

#include <catch2/catch.hpp>

using namespace ctnn;
using namespace ctnn::test;
using Catch::Matchers::Contains;

TEST_CASE("IDX images and labels are read raw and gzip-compressed", "[data][idx]") {
  temp_dir dir("idx-ok");
  write_raw(dir / "img", idx_images_bytes(3, 2, 4));
  write_gzip(dir / "img.gz", idx_images_bytes(3, 2, 4));
  write_gzip(dir / "lab.gz", idx_labels_bytes({7, 0, 9}));
  for (auto name : {"img", "img.gz"}) {
    auto im = read_idx_images(dir / name);
    CHECK(im.count == 3);
    CHECK(im.rows == 2);
    CHECK(im.cols == 4);
    REQUIRE(im.pixels.size() == 24);
    CHECK(im.pixels[5] == 5);
  }
  CHECK(read_idx_labels(dir / "lab.gz") == std::vector<std::uint8_t>{7, 0, 9});
}

TEST_CASE("IDX reader names the file and the problem", "[data][idx]") {
  temp_dir dir("idx-bad");
  auto good = idx_images_bytes(3, 2, 4);

  auto truncated = good;
  truncated.resize(truncated.size() - 5);
  write_raw(dir / "truncated", truncated);
  CHECK_THROWS_WITH(read_idx_images(dir / "truncated"),
                    Contains("truncated") && Contains("3 images of 2x4") && Contains("truncated"));

  write_gzip(dir / "truncated.gz", truncated);
  CHECK_THROWS_WITH(read_idx_images(dir / "truncated.gz"), Contains("truncated.gz: truncated"));

  auto longer = good;
  longer.push_back(0);
  write_raw(dir / "longer", longer);
  CHECK_THROWS_WITH(read_idx_images(dir / "longer"), Contains("1 bytes after the data"));

  write_raw(dir / "labels-as-images", idx_labels_bytes({1, 2}));
  CHECK_THROWS_WITH(read_idx_images(dir / "labels-as-images"),
                    Contains("wrong magic number 2049, expected 2051"));

  write_raw(dir / "tiny", {0, 0, 8});
  CHECK_THROWS_WITH(read_idx_images(dir / "tiny"), Contains("shorter than the 16-byte IDX header"));

  write_raw(dir / "empty-set", idx_images_bytes(0, 28, 28));
  CHECK_THROWS_WITH(read_idx_images(dir / "empty-set"), Contains("empty image set"));

  CHECK_THROWS_WITH(read_idx_images(dir / "missing"), Contains("missing: no such file"));

  // A gzip file whose compressed bytes are damaged in the middle.
  write_gzip(dir / "corrupt.gz", idx_images_bytes(200, 28, 28));
  {
    std::fstream f(dir / "corrupt.gz", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    const char junk[] = "this is not deflate data at all, not at all, really not at all";
    f.write(junk, sizeof junk);
  }
  CHECK_THROWS_WITH(read_idx_images(dir / "corrupt.gz"), Contains("corrupt.gz:"));

  write_raw(dir / "bad-label", idx_labels_bytes({1, 12, 3}));
  CHECK_THROWS_WITH(read_idx_labels(dir / "bad-label"),
                    Contains("label 12 at index 1 is not a class below 10"));
}
