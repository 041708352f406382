// SPDX-License-Identifier: BSL-1.0
#include <ctnn/data/idx.hpp>

#include "support/idx_files.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

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

TEST_CASE("IDX reader reads bytes in memory like files", "[data][idx]") {
  temp_dir dir("idx-mem");
  const auto images = idx_images_bytes(3, 2, 4);
  const auto labels = idx_labels_bytes({7, 0, 9});
  write_gzip(dir / "img.gz", images);
  std::ifstream f(dir / "img.gz", std::ios::binary);
  const std::vector<std::uint8_t> gz{std::istreambuf_iterator<char>(f), {}};
  for (auto const* bytes : {&images, &gz}) {
    const auto im = read_idx_images(*bytes, "mem");
    CHECK(im.count == 3);
    CHECK(im.pixels == std::vector<std::uint8_t>(images.begin() + 16, images.end()));
  }
  CHECK(read_idx_labels(labels, "mem") == std::vector<std::uint8_t>{7, 0, 9});
  auto cut = gz;
  cut.resize(cut.size() - 12);
  CHECK_THROWS_WITH(read_idx_images(cut, "cut.gz"), Contains("cut.gz: truncated"));
}

TEST_CASE("IDX headers whose sizes overflow are refused with the limit", "[data][idx]") {
  // 4 x 2^31 x 2^31 wraps to 0 bytes in 64 bits: this 16-byte file used to pass as 0 pixels.
  std::vector<std::uint8_t> b;
  put_u32(b, 2051);
  put_u32(b, 4);
  put_u32(b, 0x80000000u);
  put_u32(b, 0x80000000u);
  CHECK_THROWS_WITH(read_idx_images(b, "wrap"),
                    Contains("wrap: the header announces 4 images of 2147483648x2147483648") &&
                        Contains("more than the 268435456 data bytes"));
  // Just above the limit, without overflow: 257 MiB of 1x1 images is refused before reading.
  std::vector<std::uint8_t> big;
  put_u32(big, 2051);
  put_u32(big, 257u * 1024 * 1024);
  put_u32(big, 1);
  put_u32(big, 1);
  CHECK_THROWS_WITH(read_idx_images(big, "big"), Contains("more than the 268435456 data bytes"));
  std::vector<std::uint8_t> labels;
  put_u32(labels, 2049);
  put_u32(labels, 0xffffffffu);
  CHECK_THROWS_WITH(read_idx_labels(labels, "many"),
                    Contains("4294967295 labels, more than the 268435456"));
}

TEST_CASE("a gzip bomb is stopped after the announced data", "[data][idx]") {
  // 10 small images, then 64 MiB of zeros: about 64 KiB compressed.  The reader must stop
  // one MiB past the announced data instead of decompressing (and storing) all of it.
  temp_dir dir("idx-bomb");
  auto b = idx_images_bytes(10, 28, 28);
  b.resize(b.size() + (std::size_t{64} << 20), 0);
  write_gzip(dir / "bomb.gz", b);
  CHECK(std::filesystem::file_size(dir / "bomb.gz") < (std::size_t{1} << 20));
  CHECK_THROWS_WITH(read_idx_images(dir / "bomb.gz"),
                    Contains("bomb.gz: more than 1048576 bytes after the data the header "
                             "announces (10 images of 28x28)"));
  std::ifstream f(dir / "bomb.gz", std::ios::binary);
  const std::vector<std::uint8_t> gz{std::istreambuf_iterator<char>(f), {}};
  CHECK_THROWS_WITH(read_idx_images(gz, "bomb"), Contains("more than 1048576 bytes after"));
}
