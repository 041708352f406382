// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: the IDX reader (images, then labels) on raw or gzip bytes.
#include <ctnn/data/idx.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    const auto im = ctnn::read_idx_images(bytes, "fuzz-images");
    if (im.pixels.size() != im.count * im.rows * im.cols)
      __builtin_trap();  // the reader promised exactly the announced pixels
  } catch (ctnn::data_error const&) {
  }
  try {
    const auto labels = ctnn::read_idx_labels(bytes, "fuzz-labels", 10);
    for (auto l : labels)
      if (l >= 10)
        __builtin_trap();
  } catch (ctnn::data_error const&) {
  }
  return 0;
}
