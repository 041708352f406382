// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: the image/label pair loader.  The first two bytes (big-endian) give the
// length of the image file; the rest is the label file.
#include <ctnn/data/dataset.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  const std::size_t split = std::min<std::size_t>(size - 2, (std::size_t{data[0]} << 8) | data[1]);
  const std::span<const std::uint8_t> images(data + 2, split),
      labels(data + 2 + split, size - 2 - split);
  try {
    const auto d = ctnn::load_idx(images, "fuzz-images", labels, "fuzz-labels", 10);
    if (d.images.size() != d.size() * d.image_size())
      __builtin_trap();
    for (float v : d.images)
      if (!(v >= 0.0f && v <= 1.0f))
        __builtin_trap();
  } catch (ctnn::data_error const&) {
  }
  return 0;
}
