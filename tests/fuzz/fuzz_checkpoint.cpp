// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: the checkpoint loader, and the weights loader reading a checkpoint.  Byte 0
// picks the network (bit 0: with batch_norm and adam, or without state and with sgd), whether
// to append a correct CRC to the rest (bit 1), so that mutations also reach the parser behind
// the checksum, and whether load_weights reads the bytes instead (bit 2).
#include <ctnn/ctnn.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/weights.hpp>

#include <cmath>
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

// What a loader accepted must be a model a network can run on.
template <class Net>
void check_loaded(ctnn::model<Net> const& m) {
  for (float v : m.parameters)
    if (!std::isfinite(v))
      __builtin_trap();
  for (float v : m.normalization.stddev)
    if (!(v > 0))
      __builtin_trap();
}

template <class Net, class Optimizer>
void load(std::span<const std::uint8_t> bytes, bool weights_only) {
  auto m = ctnn::make_model<Net>();
  Optimizer opt;
  ctnn::training_position pos;
  const auto before = m->parameters;
  try {
    if (weights_only) {
      ctnn::load_weights(bytes, "fuzz", *m);
    } else {
      ctnn::load_checkpoint(bytes, "fuzz", *m, opt, pos);
      if (pos.epoch_step > pos.step)
        __builtin_trap();
    }
    check_loaded(*m);
  } catch (ctnn::checkpoint_error const&) {
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
  const bool weights_only = (data[0] & 4) != 0;
  if (data[0] & 1)
    load<with_state, ctnn::adam<with_state::parameter_count>>(bytes, weights_only);
  else
    load<stateless, ctnn::sgd<stateless::parameter_count>>(bytes, weights_only);
  return 0;
}
