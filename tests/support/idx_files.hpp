// SPDX-License-Identifier: BSL-1.0
// Small IDX files written on the fly (raw or gzip), for the reader's tests.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace ctnn::test {

inline void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    b.push_back(static_cast<std::uint8_t>(v >> s));
}

inline std::vector<std::uint8_t> idx_images_bytes(std::uint32_t count, std::uint32_t rows,
                                                  std::uint32_t cols, std::uint32_t magic = 2051) {
  std::vector<std::uint8_t> b;
  put_u32(b, magic);
  put_u32(b, count);
  put_u32(b, rows);
  put_u32(b, cols);
  for (std::uint32_t i = 0; i < count * rows * cols; ++i)
    b.push_back(static_cast<std::uint8_t>(i % 256));
  return b;
}

inline std::vector<std::uint8_t> idx_labels_bytes(std::vector<std::uint8_t> const& labels,
                                                  std::uint32_t magic = 2049) {
  std::vector<std::uint8_t> b;
  put_u32(b, magic);
  put_u32(b, static_cast<std::uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

/// A fresh directory under the system's temporary directory, removed on destruction.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(std::string const& name)
      : path(std::filesystem::temp_directory_path() /
             ("ctnn-test-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::filesystem::path operator/(std::string const& f) const { return path / f; }
};

inline void write_raw(std::filesystem::path const& p, std::vector<std::uint8_t> const& b) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

inline void write_gzip(std::filesystem::path const& p, std::vector<std::uint8_t> const& b) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  gzwrite(f, b.data(), static_cast<unsigned>(b.size()));
  gzclose(f);
}

}  // namespace ctnn::test
