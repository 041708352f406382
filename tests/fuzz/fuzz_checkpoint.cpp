// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: the checkpoint loader.  Byte 0 picks the network (bit 0: with batch_norm
// and adam, or without state and with sgd) and whether to append a correct CRC to the rest
// (bit 1), so that mutations also reach the parser behind the checksum.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace {
using with_state = ctnn::network<ctnn::input<1, 4, 4>, ctnn::conv2d<2, 3>, ctnn::batch_norm,
                                 ctnn::relu, ctnn::flatten, ctnn::dense<3>>;
using stateless = ctnn::network<ctnn::input<5>, ctnn::dense<3>>;

template <class Net, class Optimizer>
void load(std::span<const std::uint8_t> bytes) {
  auto m = std::make_unique<ctnn::model<Net>>();
  Optimizer opt;
  ctnn::training_position pos;
  const auto before = m->parameters;
  try {
    ctnn::load_checkpoint(bytes, "fuzz", *m, opt, pos);
    if (pos.epoch_step > pos.step)
      __builtin_trap();
  } catch (ctnn::checkpoint_error const&) {
    if (m->parameters != before)
      __builtin_trap();  // a refused checkpoint must leave the model alone
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
    load<with_state, ctnn::adam<with_state::parameter_count>>(bytes);
  else
    load<stateless, ctnn::sgd<stateless::parameter_count>>(bytes);
  return 0;
}
