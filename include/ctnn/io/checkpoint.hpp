// SPDX-License-Identifier: BSL-1.0
// ctnn::save_checkpoint and ctnn::load_checkpoint: weights, optimizer state and position.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/io/detail/crc32.hpp>
#include <ctnn/io/detail/format.hpp>
#include <ctnn/io/error.hpp>
#include <ctnn/io/fingerprint.hpp>
#include <ctnn/train/position.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ctnn {

/// Format of a checkpoint file (all integers little-endian):
///   "CTNNCKPT"  u32 version (3)
///   string network fingerprint (ctnn::fingerprint<Net, T>(): value type, layer kinds, shapes)
///   string optimizer kind
///   u64 epoch, u64 step, f64 train_seconds, f64 best_accuracy, u64 optimizer steps,
///   u64 epoch_step, u64 batch, u64 samples
///   the weights section (as in a weights file, see ctnn/io/weights.hpp): u64 n + n values
///     each of parameters, state, normalization means, normalization deviations
///   u64 n + n values: optimizer state
///   u32 CRC-32 of everything before it
/// where string = u32 length + bytes.  Version 3 added the normalization and fingerprints of
/// layer kinds and shapes; version 2 (where in its epoch a run stopped) and version 1 files,
/// whose fingerprint is the layers' full names, are still read.
inline constexpr std::uint32_t checkpoint_version = 3;
inline constexpr char checkpoint_magic[8] = {'C', 'T', 'N', 'N', 'C', 'K', 'P', 'T'};

/// What a checkpoint file says about itself, without loading it.
struct checkpoint_header {
  std::string fingerprint, optimizer;
  std::uint32_t version = checkpoint_version;

  /// Whether the checkpoint is of Net with values of type T (by the fingerprint its version
  /// writes).
  template <network_type Net, class T = float>
  bool is_of() const {
    return fingerprint ==
           (version >= 3 ? ctnn::fingerprint<Net, T>() : detail::name_fingerprint<Net, T>());
  }
};

namespace detail {
// A checkpoint's fields in front of its weights section.
struct checkpoint_front {
  checkpoint_header header;
  training_position position;
  std::uint64_t optimizer_steps = 0;
};

inline checkpoint_front read_checkpoint_front(byte_reader& r) {
  checkpoint_front f;
  char magic[8];
  r.bytes(magic, 8, "header");
  f.header.version = r.value<std::uint32_t>("header");
  f.header.fingerprint = r.string("network fingerprint");
  f.header.optimizer = r.string("optimizer kind");
  training_position& p = f.position;
  p.epoch = r.value<std::uint64_t>("position");
  p.step = r.value<std::uint64_t>("position");
  p.train_seconds = r.value<double>("position");
  p.best_accuracy = r.value<double>("position");
  f.optimizer_steps = r.value<std::uint64_t>("position");
  if (f.header.version >= 2) {
    p.epoch_step = r.value<std::uint64_t>("position");
    p.batch = r.value<std::uint64_t>("position");
    p.samples = r.value<std::uint64_t>("position");
  }
  if (!std::isfinite(p.train_seconds) || p.train_seconds < 0 || !(p.best_accuracy >= 0) ||
      p.best_accuracy > 1 || p.epoch_step > p.step)
    fail(r.kind(), r.name() + ": the training position in the checkpoint is impossible");
  return f;
}

// Refuses a file of another network, naming both fingerprints and where they first differ.
template <class Net, class T>
void check_fingerprint(std::string const& found, std::uint32_t version, std::string const& name,
                       file_kind kind, char const* what) {
  const std::string ours =
      version >= 3 ? ctnn::fingerprint<Net, T>() : detail::name_fingerprint<Net, T>();
  if (found != ours)
    fail(kind, name + ": " + what + " of another network.\n  " + what + ": " + found +
                   "\n  this program: " + ours +
                   "\n  first difference: " + fingerprint_difference(found, ours));
}
}  // namespace detail

/// Verifies the magic, version and checksum of a checkpoint's bytes and returns its header
/// and version; `name` stands for the file in messages.  Fails with a checkpoint_error when
/// the bytes are not a ctnn checkpoint, are truncated or corrupt.
inline std::pair<checkpoint_header, std::uint32_t>
parse_checkpoint_header(std::span<const std::uint8_t> bytes, std::string const& name,
                        detail::file_kind kind = detail::file_kind::checkpoint) {
  if (bytes.size() < sizeof checkpoint_magic + 8 ||
      std::memcmp(bytes.data(), checkpoint_magic, sizeof checkpoint_magic) != 0)
    detail::fail(kind, name + ": not a ctnn checkpoint");
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  if (stored != detail::crc32_of(bytes.data(), bytes.size() - 4))
    detail::fail(kind, name + ": corrupt or truncated checkpoint (checksum mismatch)");
  detail::byte_reader r(name, bytes.first(bytes.size() - 4), kind);
  char magic[8];
  r.bytes(magic, 8, "header");
  const auto version = r.value<std::uint32_t>("header");
  if (version < 1 || version > checkpoint_version)
    detail::fail(kind, name + ": checkpoint format version " + std::to_string(version) +
                           ", this program reads versions 1 to " +
                           std::to_string(checkpoint_version));
  checkpoint_header h;
  h.fingerprint = r.string("network fingerprint");
  h.optimizer = r.string("optimizer kind");
  h.version = version;
  return {h, version};
}

/// The most bytes read_checkpoint_header reads when it does not know the network: 1 GiB.
inline constexpr std::uint64_t checkpoint_max_bytes = std::uint64_t{1} << 30;

/// Reads and verifies a checkpoint file's magic, version and checksum; returns its header.
/// Fails with a checkpoint_error naming the file when it is not a ctnn checkpoint, is
/// truncated or corrupt, or is larger than max_bytes (read before anything else).
inline checkpoint_header read_checkpoint_header(std::filesystem::path const& path,
                                                std::vector<std::uint8_t>* contents = nullptr,
                                                std::uint64_t max_bytes = checkpoint_max_bytes) {
  auto bytes = detail::read_file(path, max_bytes);
  checkpoint_header h = parse_checkpoint_header(bytes, path.string()).first;
  if (contents != nullptr)
    *contents = std::move(bytes);
  return h;
}

/// Writes weights (parameters, state, normalization), optimizer state and training position
/// of a run, atomically: a failed save leaves the previous file as it was.  Refuses a model
/// holding NaN or infinite values (a diverged run) and keeps the previous checkpoint.
template <class Net, class T, class Optimizer>
void save_checkpoint(std::filesystem::path const& path, model<Net, T> const& m,
                     Optimizer const& opt, training_position const& pos) {
  if (const std::string p = detail::weights_problem(m); !p.empty())
    throw checkpoint_error(path.string() + ": not saved: " + p +
                           " (training diverged?); the previous file is unchanged");
  detail::byte_writer w;
  w.bytes(checkpoint_magic, sizeof checkpoint_magic);
  w.value(checkpoint_version);
  w.string(fingerprint<Net, T>());
  w.string(Optimizer::kind());
  w.value(static_cast<std::uint64_t>(pos.epoch));
  w.value(static_cast<std::uint64_t>(pos.step));
  w.value(pos.train_seconds);
  w.value(pos.best_accuracy);
  w.value(static_cast<std::uint64_t>(opt.steps()));
  w.value(static_cast<std::uint64_t>(pos.epoch_step));
  w.value(static_cast<std::uint64_t>(pos.batch));
  w.value(static_cast<std::uint64_t>(pos.samples));
  detail::write_weights_section(w, m);
  w.array(std::span<const T>(opt.state()));
  w.checksum();
  detail::write_atomically(path, w.out);
}

/// Loads a checkpoint's bytes into m, opt and pos; `name` stands for the file in messages.
/// Nothing is changed unless the whole checkpoint is valid and was written by the same
/// network (same layer kinds, shapes and value type) and optimizer; otherwise a
/// checkpoint_error names both.
template <class Net, class T, class Optimizer>
void load_checkpoint(std::span<const std::uint8_t> bytes, std::string const& name, model<Net, T>& m,
                     Optimizer& opt, training_position& pos) {
  const auto [h, version] = parse_checkpoint_header(bytes, name);
  detail::check_fingerprint<Net, T>(h.fingerprint, version, name, detail::file_kind::checkpoint,
                                    "checkpoint");
  if (h.optimizer != Optimizer::kind())
    throw checkpoint_error(name + ": checkpoint was trained with optimizer '" + h.optimizer +
                           "', this run uses '" + Optimizer::kind() + "'");
  detail::byte_reader r(name, bytes.first(bytes.size() - 4));
  const detail::checkpoint_front front = detail::read_checkpoint_front(r);
  auto fresh = make_model<Net, T>(uninitialized);
  auto fresh_opt = std::make_unique<Optimizer>(opt);
  detail::read_weights_section(r, *fresh, version >= 3);
  r.array(fresh_opt->state(), "optimizer state");
  if (r.remaining() != 0)
    throw checkpoint_error(name + ": " + std::to_string(r.remaining()) +
                           " unexpected bytes before the checksum");
  fresh_opt->set_steps(static_cast<std::size_t>(front.optimizer_steps));
  m = *fresh;
  opt = *fresh_opt;
  pos = front.position;
}

/// Loads a checkpoint file into m, opt and pos; see the overload above.
template <class Net, class T, class Optimizer>
void load_checkpoint(std::filesystem::path const& path, model<Net, T>& m, Optimizer& opt,
                     training_position& pos) {
  // A checkpoint of this network has a known size (older versions are a little shorter).  A
  // file far larger is refused before it is read; one a little larger is read, so that
  // another network's checkpoint is named as such.
  const std::uint64_t exact =
      8 + 4 + (4 + fingerprint<Net, T>().size()) + (4 + std::string(Optimizer::kind()).size()) +
      8 * 8 + detail::weights_section_bytes<Net, T>() + 8 + sizeof(T) * opt.state().size() + 4;
  const std::uint64_t most = 4 * exact + (std::uint64_t{16} << 20);
  std::vector<std::uint8_t> bytes;
  read_checkpoint_header(path, &bytes, most);
  load_checkpoint(std::span<const std::uint8_t>(bytes), path.string(), m, opt, pos);
}

}  // namespace ctnn
