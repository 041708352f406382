// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: the image/label pair loader.  The first two bytes (big-endian) give the
// length of the image file; the rest is the label file.
#include <ctnn/data/load.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace {
// Loads the pair as images of Shape: either a data_error, or exactly the promised samples.
template <class Shape>
void load_as(std::span<const std::uint8_t> images, std::span<const std::uint8_t> labels) {
  try {
    const auto d = ctnn::load_idx<Shape>(images, "fuzz-images", labels, "fuzz-labels", 10);
    if (d.inputs.size() != d.size() * ctnn::size_v<Shape> || d.size() == 0)
      __builtin_trap();
    for (auto l : d.targets)
      if (l >= 10)
        __builtin_trap();
    for (float v : d.inputs)
      if (!(v >= 0.0f && v <= 1.0f))
        __builtin_trap();
  } catch (ctnn::data_error const&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  const std::size_t split = std::min<std::size_t>(size - 2, (std::size_t{data[0]} << 8) | data[1]);
  const std::span<const std::uint8_t> images(data + 2, split),
      labels(data + 2 + split, size - 2 - split);
  // The seed corpus holds 2x2 and 4x4 images; MNIST's are 28x28.
  load_as<ctnn::shape<2, 2>>(images, labels);
  load_as<ctnn::shape<1, 4, 4>>(images, labels);
  load_as<ctnn::shape<784>>(images, labels);
  return 0;
}
