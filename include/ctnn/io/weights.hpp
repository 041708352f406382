// SPDX-License-Identifier: BSL-1.0
// ctnn::save_weights and ctnn::load_weights: a trained model without its training run.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/io/detail/crc32.hpp>
#include <ctnn/io/detail/format.hpp>
#include <ctnn/io/error.hpp>
#include <ctnn/io/fingerprint.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ctnn {

/// Format of a weights file (all integers little-endian):
///   "CTNNWGHT"  u32 version (1)
///   string network fingerprint (ctnn::fingerprint<Net, T>(): value type, layer kinds, shapes)
///   the weights section: u64 n + n values each of parameters, state (batch_norm running
///     statistics), normalization means, normalization deviations
///   u32 CRC-32 of everything before it
/// where string = u32 length + bytes.  A checkpoint (version 3) holds the same section.
inline constexpr std::uint32_t weights_version = 1;
inline constexpr char weights_magic[8] = {'C', 'T', 'N', 'N', 'W', 'G', 'H', 'T'};

/// Writes m's parameters, state and normalization, atomically: a failed save leaves the
/// previous file as it was.  Throws weights_error naming the file when it cannot be written,
/// and refuses a model holding NaN or infinite values (it could not be loaded).
template <class Net, class T>
void save_weights(std::filesystem::path const& path, model<Net, T> const& m) {
  if (const std::string p = detail::weights_problem(m); !p.empty())
    throw weights_error(path.string() + ": not saved: " + p + "; the previous file is unchanged");
  detail::byte_writer w;
  w.bytes(weights_magic, sizeof weights_magic);
  w.value(weights_version);
  w.string(fingerprint<Net, T>());
  detail::write_weights_section(w, m);
  w.checksum();
  detail::write_atomically(path, w.out, detail::file_kind::weights);
}

/// Loads the weights in `bytes` (a weights file or a checkpoint) into m; `name` stands for
/// the file in messages.  m is changed only when the whole file is valid and of this network
/// (same layer kinds, shapes and value type); a checkpoint's optimizer is not read.  Throws
/// weights_error naming the file and the problem.
template <class Net, class T>
void load_weights(std::span<const std::uint8_t> bytes, std::string const& name, model<Net, T>& m) {
  using detail::file_kind;
  constexpr auto kind = file_kind::weights;
  if (bytes.size() >= sizeof checkpoint_magic &&
      std::memcmp(bytes.data(), checkpoint_magic, sizeof checkpoint_magic) == 0) {
    const auto [h, version] = parse_checkpoint_header(bytes, name, kind);
    detail::check_fingerprint<Net, T>(h.fingerprint, version, name, kind, "checkpoint");
    detail::byte_reader r(name, bytes.first(bytes.size() - 4), kind);
    detail::read_checkpoint_front(r);
    auto fresh = make_model<Net, T>(uninitialized);
    detail::read_weights_section(r, *fresh, version >= 3);
    // The optimizer state follows; the checksum already covers it, and it is not needed.
    m = *fresh;
    return;
  }
  const std::size_t head = std::min(bytes.size(), sizeof weights_magic);
  if (head == 0 || std::memcmp(bytes.data(), weights_magic, head) != 0)
    throw weights_error(name + ": not a ctnn weights file or checkpoint");
  if (bytes.size() < sizeof weights_magic + 8)
    throw weights_error(name + ": truncated weights file (" + std::to_string(bytes.size()) +
                        " bytes)");
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  if (stored != detail::crc32_of(bytes.data(), bytes.size() - 4))
    throw weights_error(name + ": corrupt or truncated weights file (checksum mismatch)");
  detail::byte_reader r(name, bytes.first(bytes.size() - 4), kind);
  r.skip(sizeof weights_magic, "header");
  const auto version = r.value<std::uint32_t>("header");
  if (version != weights_version)
    throw weights_error(name + ": weights file format version " + std::to_string(version) +
                        ", this program reads version " + std::to_string(weights_version));
  detail::check_fingerprint<Net, T>(r.string("network fingerprint"), 3, name, kind, "weights file");
  auto fresh = make_model<Net, T>(uninitialized);
  detail::read_weights_section(r, *fresh, true);
  if (r.remaining() != 0)
    throw weights_error(name + ": " + std::to_string(r.remaining()) +
                        " unexpected bytes before the checksum");
  m = *fresh;
}

/// Loads a weights file, or the weights of a checkpoint, into m; see the overload above.  A
/// file far larger than any of this network is refused before it is read.
template <class Net, class T>
void load_weights(std::filesystem::path const& path, model<Net, T>& m) {
  const std::uint64_t exact =
      8 + 4 + (4 + fingerprint<Net, T>().size()) + detail::weights_section_bytes<Net, T>() + 4;
  // A checkpoint also holds an optimizer's state (Adam: twice the parameters) and position.
  const std::uint64_t most = 4 * exact + (std::uint64_t{16} << 20);
  const auto bytes = detail::read_file(path, most, detail::file_kind::weights);
  load_weights(std::span<const std::uint8_t>(bytes), path.string(), m);
}

/// A model on the heap with the weights of a weights file or checkpoint:
/// `auto m = ctnn::load_weights<Net>("net.weights");`.
template <network_type Net, class T = float>
std::unique_ptr<model<Net, T>> load_weights(std::filesystem::path const& path) {
  auto m = make_model<Net, T>(uninitialized);
  load_weights(path, *m);
  return m;
}

}  // namespace ctnn
