// SPDX-License-Identifier: BSL-1.0
// ctnn::detail::crc32_of: the CRC-32 of zlib and PNG (reflected polynomial 0xEDB88320), from a
// table built at compile time, so that reading and writing weights needs no zlib.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctnn::detail {

inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}();

/// Continues a CRC-32 over n more bytes (start with crc = 0).
constexpr std::uint32_t crc32_update(std::uint32_t crc, const std::uint8_t* p,
                                     std::size_t n) noexcept {
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i)
    crc = crc32_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

/// The CRC-32 of n bytes, equal to zlib's crc32(0, p, n).
constexpr std::uint32_t crc32_of(const std::uint8_t* p, std::size_t n) noexcept {
  return crc32_update(0, p, n);
}

}  // namespace ctnn::detail
