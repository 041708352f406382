// SPDX-License-Identifier: BSL-1.0
// ctnn::read_idx_images and ctnn::read_idx_labels: the IDX format of MNIST, raw or gzip, from a
// file or from bytes in memory.
#pragma once

#include <ctnn/data/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

/// The most data bytes (pixels or labels) an IDX file may announce: 256 MiB by default, five
/// times MNIST's training images.  The reader checks the header against it before reading on,
/// so a forged header or a gzip bomb costs at most this much memory (and 4x as float).
#ifndef CTNN_IDX_MAX_BYTES
#define CTNN_IDX_MAX_BYTES (std::uint64_t{256} * 1024 * 1024)
#endif

namespace ctnn {

/// The most data bytes an IDX file may announce (CTNN_IDX_MAX_BYTES).
inline constexpr std::uint64_t idx_max_bytes = CTNN_IDX_MAX_BYTES;

/// Images of an IDX file (magic 2051): count x rows x cols bytes, row-major.
struct idx_images {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;
};

namespace detail {

/// Bytes of an IDX file as they are decompressed, a chunk at a time: read() fills up to n
/// bytes and returns how many (fewer only at the end).  Fails on a corrupt or truncated
/// gzip stream.
class idx_source {
public:
  virtual ~idx_source() = default;
  virtual std::size_t read(std::uint8_t* dst, std::size_t n) = 0;
};

/// A file, raw or gzip (zlib reads plain files as they are).
class idx_file_source final : public idx_source {
public:
  explicit idx_file_source(std::filesystem::path const& path) : name_(path.string()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw data_error(name_ + ": no such file");
    f_.reset(gzopen(name_.c_str(), "rb"));
    if (!f_)
      throw data_error(name_ + ": cannot open");
  }
  std::size_t read(std::uint8_t* dst, std::size_t n) override {
    std::size_t done = 0;
    while (done < n) {
      const auto want = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 20));
      const int got = gzread(f_.get(), dst + done, want);
      if (got < 0) {
        int code = 0;
        const char* msg = gzerror(f_.get(), &code);
        throw data_error(name_ + ": corrupt compressed data (" + msg + ")");
      }
      if (got == 0) {
        int code = 0;
        const char* msg = gzerror(f_.get(), &code);
        if (code != Z_OK && code != Z_STREAM_END)
          throw data_error(name_ + ": truncated or corrupt compressed data (" + msg + ")");
        break;
      }
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

private:
  std::string name_;
  std::unique_ptr<gzFile_s, int (*)(gzFile)> f_{nullptr, gzclose};
};

/// Bytes in memory: gzip when they start with the gzip magic (one or more members), else raw.
class idx_memory_source final : public idx_source {
public:
  idx_memory_source(std::string name, std::span<const std::uint8_t> bytes)
      : name_(std::move(name)), in_(bytes) {
    gzip_ = in_.size() >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
    if (gzip_ && inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)
      throw data_error(name_ + ": cannot start decompression");
    // zlib's z_stream takes a non-const pointer but does not write through next_in.
    z_.next_in = const_cast<Bytef*>(in_.data());  // NOLINT
    z_.avail_in = static_cast<uInt>(std::min<std::size_t>(in_.size(), 1u << 30));
  }
  idx_memory_source(idx_memory_source const&) = delete;
  idx_memory_source& operator=(idx_memory_source const&) = delete;
  ~idx_memory_source() override {
    if (gzip_)
      inflateEnd(&z_);
  }
  std::size_t read(std::uint8_t* dst, std::size_t n) override {
    if (!gzip_) {
      const std::size_t k = std::min(n, in_.size() - at_);
      std::copy_n(in_.data() + at_, k, dst);
      at_ += k;
      return k;
    }
    std::size_t done = 0;
    while (done < n && !ended_) {
      z_.next_out = dst + done;
      z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n - done, 1u << 30));
      const int rc = inflate(&z_, Z_NO_FLUSH);
      done = static_cast<std::size_t>(z_.next_out - dst);
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow, as gzread reads them; anything else ends the data.
        const std::size_t consumed = static_cast<std::size_t>(z_.next_in - in_.data());
        if (consumed + 2 <= in_.size() && in_[consumed] == 0x1f && in_[consumed + 1] == 0x8b)
          inflateReset(&z_);
        else
          ended_ = true;
      } else if (rc == Z_BUF_ERROR && z_.avail_in == 0) {
        throw data_error(name_ + ": truncated compressed data (the gzip stream ends early)");
      } else if (rc != Z_OK) {
        throw data_error(name_ + ": corrupt compressed data (" +
                         (z_.msg != nullptr ? z_.msg : "inflate error") + ")");
      }
    }
    return done;
  }

private:
  std::string name_;
  std::span<const std::uint8_t> in_;
  std::size_t at_ = 0;
  bool gzip_ = false, ended_ = false;
  z_stream z_{};
};

inline std::uint32_t big_endian_u32(const std::uint8_t* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

/// Reads the header (magic and dims) of an IDX file; fails naming the file when it is short
/// or its magic is not `magic`.
template <std::size_t Dims>
std::array<std::uint32_t, Dims> read_idx_header(idx_source& src, std::string const& name,
                                                std::uint32_t magic, char const* kind) {
  constexpr std::size_t header = 4 + 4 * Dims;
  std::array<std::uint8_t, header> b{};
  const std::size_t got = src.read(b.data(), header);
  if (got >= 4 && big_endian_u32(b.data()) != magic)
    throw data_error(name + ": wrong magic number " + std::to_string(big_endian_u32(b.data())) +
                     ", expected " + std::to_string(magic) + " (IDX " + kind + ")");
  if (got < header)
    throw data_error(name + ": truncated: " + std::to_string(got) + " bytes, shorter than the " +
                     std::to_string(header) + "-byte IDX header of " + kind);
  std::array<std::uint32_t, Dims> dims{};
  for (std::size_t i = 0; i < Dims; ++i)
    dims[i] = big_endian_u32(b.data() + 4 + 4 * i);
  return dims;
}

/// The product of an IDX header's dimensions, checked against idx_max_bytes without
/// overflowing (each factor is below 2^32, so a product below the limit never wraps).
inline std::uint64_t announced_bytes(std::string const& name, std::string const& what,
                                     std::initializer_list<std::uint32_t> dims) {
  std::uint64_t total = 1;
  for (std::uint32_t d : dims) {
    if (d != 0 && total > idx_max_bytes / d)
      throw data_error(name + ": the header announces " + what + ", more than the " +
                       std::to_string(idx_max_bytes) +
                       " data bytes an IDX file may hold (CTNN_IDX_MAX_BYTES)");
    total *= d;
  }
  return total;
}

/// Reads exactly `want` data bytes (already checked against idx_max_bytes) and fails when
/// the source ends early or goes on after them.  Memory grows with the data that really
/// arrives, not with what the header claims, and reading stops at the first byte too many.
inline std::vector<std::uint8_t> read_idx_body(idx_source& src, std::string const& name,
                                               std::size_t header, std::uint64_t want,
                                               std::string const& what) {
  std::vector<std::uint8_t> out;
  std::array<std::uint8_t, 1 << 16> chunk;
  while (out.size() < want) {
    const std::size_t n = std::min<std::uint64_t>(chunk.size(), want - out.size());
    const std::size_t got = src.read(chunk.data(), n);
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
    if (got < n)
      throw data_error(name + ": truncated: the header announces " + what + " (" +
                       std::to_string(header + want) + " bytes) but the file has " +
                       std::to_string(header + out.size()) + " bytes");
  }
  // Count what follows, up to a bound: a bomb is not decompressed to the end.
  constexpr std::size_t count_at_most = std::size_t{1} << 20;
  std::array<std::uint8_t, 4096> sink;
  std::size_t extra = 0;
  while (extra <= count_at_most) {
    const std::size_t got = src.read(sink.data(), sink.size());
    if (got == 0)
      break;
    extra += got;
  }
  if (extra > count_at_most)
    throw data_error(name + ": more than " + std::to_string(count_at_most) +
                     " bytes after the data the header announces (" + what + ")");
  if (extra > 0)
    throw data_error(name + ": " + std::to_string(extra) +
                     " bytes after the data the header announces (" + what + ")");
  return out;
}

inline idx_images read_idx_images(idx_source& src, std::string const& name) {
  const auto d = read_idx_header<3>(src, name, 2051, "images");
  idx_images out;
  out.count = d[0];
  out.rows = d[1];
  out.cols = d[2];
  const std::string what = std::to_string(out.count) + " images of " + std::to_string(out.rows) +
                           "x" + std::to_string(out.cols);
  if (out.count == 0 || out.rows == 0 || out.cols == 0)
    throw data_error(name + ": empty image set (" + what + ")");
  const std::uint64_t want = announced_bytes(name, what, {d[0], d[1], d[2]});
  out.pixels = read_idx_body(src, name, 16, want, what);
  return out;
}

inline std::vector<std::uint8_t> read_idx_labels(idx_source& src, std::string const& name,
                                                 std::size_t classes) {
  const auto d = read_idx_header<1>(src, name, 2049, "labels");
  const std::string what = std::to_string(d[0]) + " labels";
  if (d[0] == 0)
    throw data_error(name + ": empty label set");
  const std::uint64_t want = announced_bytes(name, what, {d[0]});
  auto labels = read_idx_body(src, name, 8, want, what);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes)
      throw data_error(name + ": label " + std::to_string(labels[i]) + " at index " +
                       std::to_string(i) + " is not a class below " + std::to_string(classes));
  return labels;
}

}  // namespace detail

/// Reads an IDX image file (raw or .gz) and checks its magic number (2051), that its
/// dimensions are non-zero, that they announce at most idx_max_bytes, and that the file holds
/// exactly the bytes its header announces.  Fails with a data_error naming the file.
inline idx_images read_idx_images(std::filesystem::path const& path) {
  detail::idx_file_source src(path);
  return detail::read_idx_images(src, path.string());
}

/// read_idx_images of bytes in memory (raw, or gzip when they start with its magic); `name`
/// stands for the file in messages.
inline idx_images read_idx_images(std::span<const std::uint8_t> bytes, std::string const& name) {
  detail::idx_memory_source src(name, bytes);
  return detail::read_idx_images(src, name);
}

/// Reads an IDX label file (raw or .gz): magic 2049, a count (at most idx_max_bytes), then one
/// byte per label; every label must be below `classes`.
inline std::vector<std::uint8_t> read_idx_labels(std::filesystem::path const& path,
                                                 std::size_t classes = 10) {
  detail::idx_file_source src(path);
  return detail::read_idx_labels(src, path.string(), classes);
}

/// read_idx_labels of bytes in memory (raw or gzip); `name` stands for the file in messages.
inline std::vector<std::uint8_t> read_idx_labels(std::span<const std::uint8_t> bytes,
                                                 std::string const& name,
                                                 std::size_t classes = 10) {
  detail::idx_memory_source src(name, bytes);
  return detail::read_idx_labels(src, name, classes);
}

}  // namespace ctnn
