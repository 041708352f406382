// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: the weights-file loader.  Byte 0 picks the network (bit 0: with batch_norm
// and a 3-channel input, or a plain vector network) and whether to append a correct CRC to the
// rest (bit 1), so that mutations also reach the parser behind the checksum.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace {
using with_state = ctnn::network<ctnn::input<3, 4, 4>, ctnn::conv2d<2, 3>, ctnn::batch_norm,
                                 ctnn::relu, ctnn::flatten, ctnn::dense<3>>;
using stateless = ctnn::network<ctnn::input<5>, ctnn::dense<3>>;

template <class Net>
void load(std::span<const std::uint8_t> bytes) {
  auto m = ctnn::make_model<Net>();
  const auto before = m->parameters;
  try {
    ctnn::load_weights(bytes, "fuzz", *m);
    // What was accepted is a model a network can run on, and runs.
    for (float v : m->parameters)
      if (!std::isfinite(v))
        __builtin_trap();
    for (float v : m->normalization.stddev)
      if (!(v > 0))
        __builtin_trap();
    std::array<float, ctnn::size_v<typename Net::input_shape>> x{};
    (void)ctnn::predict(*m, x);
  } catch (ctnn::weights_error const&) {
    if (m->parameters != before)
      __builtin_trap();  // a refused file must leave the model alone
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  std::vector<std::uint8_t> bytes(data + 1, data + size);
  if (data[0] & 2) {
    const std::uint32_t crc = ctnn::detail::crc32_of(bytes.data(), bytes.size());
    bytes.resize(bytes.size() + 4);
    std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  }
  if (data[0] & 1)
    load<with_state>(bytes);
  else
    load<stateless>(bytes);
  return 0;
}
