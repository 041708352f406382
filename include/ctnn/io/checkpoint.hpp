// SPDX-License-Identifier: BSL-1.0
// ctnn::save_checkpoint and ctnn::load_checkpoint: parameters, state, optimizer and position.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/summary.hpp>
#include <ctnn/train/trainer.hpp>

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace ctnn {

/// A checkpoint cannot be read or written, or belongs to another network.
struct checkpoint_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Format of a checkpoint file (all integers little-endian):
///   "CTNNCKPT"  u32 version
///   string network fingerprint (architecture<Net>() and the scalar type)
///   string optimizer kind
///   u64 epoch, u64 step, f64 train_seconds, f64 best_accuracy, u64 optimizer steps
///   (version 2:) u64 epoch_step, u64 batch, u64 samples
///   u64 n + n values: parameters; then state; then optimizer state
///   u32 CRC-32 of everything before it
/// where string = u32 length + bytes.
/// Version 2 added where in its epoch a run stopped (epoch_step, batch, samples); version 1
/// files are still read.
inline constexpr std::uint32_t checkpoint_version = 2;
inline constexpr char checkpoint_magic[8] = {'C', 'T', 'N', 'N', 'C', 'K', 'P', 'T'};

/// What identifies a network in its checkpoints: its layers and shapes and its scalar type.
template <class Net, class T>
std::string fingerprint() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  return architecture<Net>() + " | scalar " + (std::is_same_v<T, float> ? "float" : "double");
}

namespace detail {

class byte_writer {
public:
  void bytes(const void* p, std::size_t n) {
    if (n == 0)  // an empty array's data() may be null
      return;
    auto b = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  template <class U>
  void value(U v) {
    static_assert(std::is_trivially_copyable_v<U>);
    bytes(&v, sizeof v);
  }
  void string(std::string const& s) {
    value(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  template <class U>
  void array(std::span<const U> a) {
    value(static_cast<std::uint64_t>(a.size()));
    bytes(a.data(), a.size_bytes());
  }
  std::vector<std::uint8_t> out;
};

class byte_reader {
public:
  byte_reader(std::string name, std::span<const std::uint8_t> b) : name_(std::move(name)), b_(b) {}
  void bytes(void* p, std::size_t n, char const* what) {
    if (b_.size() - at_ < n)
      throw checkpoint_error(name_ + ": truncated checkpoint (ends inside the " + what + ")");
    if (n == 0)  // memcpy into an empty array's null data() is undefined
      return;
    std::memcpy(p, b_.data() + at_, n);
    at_ += n;
  }
  template <class U>
  U value(char const* what) {
    U v;
    bytes(&v, sizeof v, what);
    return v;
  }
  std::string string(char const* what) {
    const auto n = value<std::uint32_t>(what);
    if (n > b_.size() - at_)
      throw checkpoint_error(name_ + ": truncated checkpoint (ends inside the " + what + ")");
    std::string s(n, '\0');
    bytes(s.data(), n, what);
    return s;
  }
  template <class U>
  void array(std::span<U> a, char const* what) {
    const auto n = value<std::uint64_t>(what);
    if (n != a.size())
      throw checkpoint_error(name_ + ": " + what + " holds " + std::to_string(n) +
                             " values, this network needs " + std::to_string(a.size()));
    bytes(a.data(), a.size_bytes(), what);
  }
  std::size_t position() const noexcept { return at_; }

private:
  std::string name_;
  std::span<const std::uint8_t> b_;
  std::size_t at_ = 0;
};

inline std::uint32_t crc32_of(const std::uint8_t* p, std::size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

inline std::vector<std::uint8_t> read_file(std::filesystem::path const& path,
                                           std::uint64_t max_bytes) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes)
    throw checkpoint_error(path.string() + ": " + std::to_string(size) +
                           " bytes, more than a checkpoint of this network can hold (" +
                           std::to_string(max_bytes) + " bytes)");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw checkpoint_error(path.string() + ": cannot open checkpoint");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The temporary file a save of `path` by process `pid` writes: ".<name>.tmp.<pid>" beside it.
inline std::string temp_prefix(std::filesystem::path const& path) {
  // Built with += : GCC 12 warns falsely (-Wrestrict) about "." + std::string&&.
  std::string prefix = ".";
  prefix += path.filename().string();
  prefix += ".tmp.";
  return prefix;
}

/// Removes the temporary files that earlier saves of `path` left behind when they were killed
/// (".<name>.tmp.<pid>" whose process no longer exists); returns how many.  A save in
/// progress in another live process keeps its file.
inline std::size_t remove_stale_temp_files(std::filesystem::path const& path) {
  namespace fs = std::filesystem;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const std::string prefix = temp_prefix(path);
  std::size_t removed = 0;
  std::error_code ec;
  for (auto const& e : fs::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    if (f.size() <= prefix.size() || f.compare(0, prefix.size(), prefix) != 0)
      continue;
    const std::string digits = f.substr(prefix.size());
    if (digits.size() > 10 || digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const long long pid = std::stoll(digits);
    const bool gone =
        pid <= 0 || pid > 0x7fffffff || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
    if (pid != ::getpid() && gone && e.is_regular_file(ec)) {
      std::error_code rm;
      removed += fs::remove(e.path(), rm) ? 1 : 0;
    }
  }
  return removed;
}

// Writes to a temporary file beside the target, flushes it to disk, then renames it over
// the target: a crash leaves either the old file or the new one, never half of one.  The
// temporary files of killed saves are removed first.
inline void write_atomically(std::filesystem::path const& path,
                             std::vector<std::uint8_t> const& data) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw checkpoint_error(path.string() + ": is a folder, not a checkpoint file");
  remove_stale_temp_files(path);
  const std::filesystem::path tmp = dir / (temp_prefix(path) + std::to_string(::getpid()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    throw checkpoint_error(path.string() + ": cannot create " + tmp.string() + ": " +
                           std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      const int err = errno;
      ::close(fd);
      std::filesystem::remove(tmp);
      throw checkpoint_error(path.string() + ": cannot write the checkpoint (" +
                             std::strerror(err) + "); the previous file is unchanged");
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    std::filesystem::remove(tmp);
    throw checkpoint_error(path.string() + ": could not flush the checkpoint to disk (" +
                           std::strerror(err) + "); the previous file is unchanged");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw checkpoint_error(path.string() + ": cannot replace: " + ec.message());
  }
}

}  // namespace detail

/// What a checkpoint file says about itself, without loading it.
struct checkpoint_header {
  std::string fingerprint, optimizer;
};

/// Verifies the magic, version and checksum of a checkpoint's bytes and returns its header
/// and version; `name` stands for the file in messages.  Fails with a checkpoint_error when
/// the bytes are not a ctnn checkpoint, are truncated or corrupt.
inline std::pair<checkpoint_header, std::uint32_t>
parse_checkpoint_header(std::span<const std::uint8_t> bytes, std::string const& name) {
  if (bytes.size() < sizeof checkpoint_magic + 8 ||
      std::memcmp(bytes.data(), checkpoint_magic, sizeof checkpoint_magic) != 0)
    throw checkpoint_error(name + ": not a ctnn checkpoint");
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  if (stored != detail::crc32_of(bytes.data(), bytes.size() - 4))
    throw checkpoint_error(name + ": corrupt or truncated checkpoint (checksum mismatch)");
  detail::byte_reader r(name, bytes.first(bytes.size() - 4));
  char magic[8];
  r.bytes(magic, 8, "header");
  const auto version = r.value<std::uint32_t>("header");
  if (version != 1 && version != checkpoint_version)
    throw checkpoint_error(name + ": checkpoint format version " + std::to_string(version) +
                           ", this program reads versions 1 to " +
                           std::to_string(checkpoint_version));
  checkpoint_header h;
  h.fingerprint = r.string("network fingerprint");
  h.optimizer = r.string("optimizer kind");
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
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw checkpoint_error(name + ": is a folder, not a checkpoint file");
  if (!std::filesystem::is_regular_file(path, ec))
    throw checkpoint_error(name + ": no such checkpoint file");
  auto bytes = detail::read_file(path, max_bytes);
  checkpoint_header h = parse_checkpoint_header(bytes, name).first;
  if (contents != nullptr)
    *contents = std::move(bytes);
  return h;
}

/// Writes parameters, state, optimizer state and training position of a run.
template <class Net, class T, class Optimizer>
void save_checkpoint(std::filesystem::path const& path, model<Net, T> const& m,
                     Optimizer const& opt, training_position const& pos) {
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
  w.array(std::span<const T>(m.parameters));
  w.array(std::span<const T>(m.state));
  w.array(std::span<const T>(opt.state()));
  w.value(detail::crc32_of(w.out.data(), w.out.size()));
  detail::write_atomically(path, w.out);
}

/// Loads a checkpoint's bytes into m, opt and pos; `name` stands for the file in messages.
/// Nothing is changed unless the whole checkpoint is valid and was written by the same
/// network (same layers, shapes and scalar type) and optimizer; otherwise a checkpoint_error
/// names both.
template <class Net, class T, class Optimizer>
void load_checkpoint(std::span<const std::uint8_t> bytes, std::string const& name, model<Net, T>& m,
                     Optimizer& opt, training_position& pos) {
  const auto [h, version] = parse_checkpoint_header(bytes, name);
  if (h.fingerprint != fingerprint<Net, T>())
    throw checkpoint_error(name + ": checkpoint of another network.\n  checkpoint: " +
                           h.fingerprint + "\n  this program: " + fingerprint<Net, T>());
  if (h.optimizer != Optimizer::kind())
    throw checkpoint_error(name + ": checkpoint was trained with optimizer '" + h.optimizer +
                           "', this run uses '" + Optimizer::kind() + "'");
  detail::byte_reader r(name, bytes.first(bytes.size() - 4));
  char skip[8];
  r.bytes(skip, 8, "header");
  r.value<std::uint32_t>("header");
  r.string("network fingerprint");
  r.string("optimizer kind");
  training_position p;
  p.epoch = r.value<std::uint64_t>("position");
  p.step = r.value<std::uint64_t>("position");
  p.train_seconds = r.value<double>("position");
  p.best_accuracy = r.value<double>("position");
  const auto opt_steps = r.value<std::uint64_t>("position");
  if (version >= 2) {
    p.epoch_step = r.value<std::uint64_t>("position");
    p.batch = r.value<std::uint64_t>("position");
    p.samples = r.value<std::uint64_t>("position");
  }
  if (!std::isfinite(p.train_seconds) || p.train_seconds < 0 || !(p.best_accuracy >= 0) ||
      p.best_accuracy > 1 || p.epoch_step > p.step)
    throw checkpoint_error(name + ": the training position in the checkpoint is impossible");
  auto fresh = std::make_unique<model<Net, T>>();
  auto fresh_opt = std::make_unique<Optimizer>(opt);
  r.array(std::span<T>(fresh->parameters), "parameters");
  r.array(std::span<T>(fresh->state), "state");
  r.array(fresh_opt->state(), "optimizer state");
  if (r.position() + 4 != bytes.size())
    throw checkpoint_error(name + ": " + std::to_string(bytes.size() - 4 - r.position()) +
                           " unexpected bytes before the checksum");
  fresh_opt->set_steps(static_cast<std::size_t>(opt_steps));
  m = *fresh;
  opt = *fresh_opt;
  pos = p;
}

/// Loads a checkpoint file into m, opt and pos; see the overload above.
template <class Net, class T, class Optimizer>
void load_checkpoint(std::filesystem::path const& path, model<Net, T>& m, Optimizer& opt,
                     training_position& pos) {
  // A checkpoint of this network has a known size (version 1 is 24 bytes shorter).  A file far
  // larger is refused before it is read; one a little larger is read, so that another
  // network's checkpoint is named as such.
  const std::uint64_t exact =
      8 + 4 + (4 + fingerprint<Net, T>().size()) + (4 + std::string(Optimizer::kind()).size()) +
      5 * 8 + 3 * 8 + 3 * 8 +
      sizeof(T) * (Net::parameter_count + Net::state_count + opt.state().size()) + 4;
  const std::uint64_t most = 4 * exact + (std::uint64_t{16} << 20);
  std::vector<std::uint8_t> bytes;
  read_checkpoint_header(path, &bytes, most);
  load_checkpoint(std::span<const std::uint8_t>(bytes), path.string(), m, opt, pos);
}

}  // namespace ctnn
