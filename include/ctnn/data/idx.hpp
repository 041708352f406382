// SPDX-License-Identifier: BSL-1.0
// ctnn::read_idx_images and ctnn::read_idx_labels: the IDX format of MNIST, raw or gzip.
#pragma once

#include <ctnn/data/error.hpp>

#include <zlib.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ctnn {

/// Images of an IDX file (magic 2051): count x rows x cols bytes, row-major.
struct idx_images {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;
};

namespace detail {

/// The whole content of a file, decompressed when it is gzip (zlib reads plain files as they
/// are).  Fails on a missing file, a read error, or a corrupt or truncated gzip stream.
inline std::vector<std::uint8_t> read_maybe_gzip(std::filesystem::path const& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw data_error(name + ": no such file");
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f(gzopen(name.c_str(), "rb"), gzclose);
  if (!f)
    throw data_error(name + ": cannot open");
  std::vector<std::uint8_t> out;
  std::array<std::uint8_t, 1 << 16> chunk;
  for (;;) {
    const int got = gzread(f.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(f.get(), &code);
      throw data_error(name + ": corrupt compressed data (" + msg + ")");
    }
    if (got == 0)
      break;
    out.insert(out.end(), chunk.begin(), chunk.begin() + got);
  }
  int code = 0;
  const char* msg = gzerror(f.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END)
    throw data_error(name + ": truncated or corrupt compressed data (" + msg + ")");
  return out;
}

inline std::uint32_t big_endian_u32(std::vector<std::uint8_t> const& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

inline void expect_length(std::string const& name, std::size_t have, std::size_t want,
                          std::string const& what) {
  if (have < want)
    throw data_error(name + ": truncated: the header announces " + what + " (" +
                     std::to_string(want) + " bytes) but the file has " + std::to_string(have) +
                     " bytes");
  if (have > want)
    throw data_error(name + ": " + std::to_string(have - want) +
                     " bytes after the data the header announces (" + what + ")");
}

inline void expect_magic(std::string const& name, std::vector<std::uint8_t> const& b,
                         std::uint32_t magic, std::size_t header, char const* kind) {
  if (b.size() >= 4 && big_endian_u32(b, 0) != magic)
    throw data_error(name + ": wrong magic number " + std::to_string(big_endian_u32(b, 0)) +
                     ", expected " + std::to_string(magic) + " (IDX " + kind + ")");
  if (b.size() < header)
    throw data_error(name + ": truncated: " + std::to_string(b.size()) +
                     " bytes, shorter than the " + std::to_string(header) + "-byte IDX header of " +
                     kind);
}

}  // namespace detail

/// Reads an IDX image file (raw or .gz) and checks its magic number (2051), that its
/// dimensions are non-zero, and that the file holds exactly the bytes its header announces.
inline idx_images read_idx_images(std::filesystem::path const& path) {
  const std::string name = path.string();
  auto bytes = detail::read_maybe_gzip(path);
  detail::expect_magic(name, bytes, 2051, 16, "images");
  idx_images out;
  out.count = detail::big_endian_u32(bytes, 4);
  out.rows = detail::big_endian_u32(bytes, 8);
  out.cols = detail::big_endian_u32(bytes, 12);
  if (out.count == 0 || out.rows == 0 || out.cols == 0)
    throw data_error(name + ": empty image set (" + std::to_string(out.count) + " images of " +
                     std::to_string(out.rows) + "x" + std::to_string(out.cols) + ")");
  const std::size_t want = 16 + out.count * out.rows * out.cols;
  detail::expect_length(name, bytes.size(), want,
                        std::to_string(out.count) + " images of " + std::to_string(out.rows) + "x" +
                            std::to_string(out.cols));
  out.pixels.assign(bytes.begin() + 16, bytes.end());
  return out;
}

/// Reads an IDX label file (raw or .gz): magic 2049, a count, then one byte per label; every
/// label must be below `classes`.
inline std::vector<std::uint8_t> read_idx_labels(std::filesystem::path const& path,
                                                 std::size_t classes = 10) {
  const std::string name = path.string();
  auto bytes = detail::read_maybe_gzip(path);
  detail::expect_magic(name, bytes, 2049, 8, "labels");
  const std::size_t count = detail::big_endian_u32(bytes, 4);
  if (count == 0)
    throw data_error(name + ": empty label set");
  detail::expect_length(name, bytes.size(), 8 + count, std::to_string(count) + " labels");
  std::vector<std::uint8_t> labels(bytes.begin() + 8, bytes.end());
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes)
      throw data_error(name + ": label " + std::to_string(labels[i]) + " at index " +
                       std::to_string(i) + " is not a class below " + std::to_string(classes));
  return labels;
}

}  // namespace ctnn
