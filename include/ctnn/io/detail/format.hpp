// SPDX-License-Identifier: BSL-1.0
// What weights files and checkpoints share: byte streams, the weights section, reading a file
// with a size limit, and writing one atomically.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/io/detail/crc32.hpp>
#include <ctnn/io/error.hpp>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace ctnn::detail {

/// Which file a message is about: it names it and throws the matching error type.
/// (header: a C++ header of weights, ctnn::export_header; its errors are weights_error.)
enum class file_kind { checkpoint, weights, header };

inline char const* noun(file_kind k) noexcept {
  return k == file_kind::checkpoint ? "checkpoint"
         : k == file_kind::header   ? "header"
                                    : "weights file";
}

// "checkpoint file", "weights file" or "header file": what a path should have been.
inline std::string file_noun(file_kind k) {
  return k == file_kind::checkpoint ? "checkpoint file"
         : k == file_kind::header   ? "header file"
                                    : "weights file";
}

[[noreturn]] inline void fail(file_kind k, std::string const& message) {
  if (k != file_kind::checkpoint)
    throw weights_error(message);
  throw checkpoint_error(message);
}

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
  /// Appends the CRC-32 of everything before it.
  void checksum() { value(crc32_of(out.data(), out.size())); }
  std::vector<std::uint8_t> out;
};

class byte_reader {
public:
  byte_reader(std::string name, std::span<const std::uint8_t> b,
              file_kind kind = file_kind::checkpoint)
      : name_(std::move(name)), b_(b), kind_(kind) {}
  void bytes(void* p, std::size_t n, char const* what) {
    if (b_.size() - at_ < n)
      fail(kind_, name_ + ": truncated " + noun(kind_) + " (ends inside the " + what + ")");
    if (n == 0)  // memcpy into an empty array's null data() is undefined
      return;
    std::memcpy(p, b_.data() + at_, n);
    at_ += n;
  }
  void skip(std::size_t n, char const* what) {
    if (b_.size() - at_ < n)
      fail(kind_, name_ + ": truncated " + noun(kind_) + " (ends inside the " + what + ")");
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
      fail(kind_, name_ + ": truncated " + noun(kind_) + " (ends inside the " + what + ")");
    std::string s(n, '\0');
    bytes(s.data(), n, what);
    return s;
  }
  template <class U>
  void array(std::span<U> a, char const* what) {
    const auto n = value<std::uint64_t>(what);
    if (n != a.size())
      fail(kind_, name_ + ": " + what + " holds " + std::to_string(n) +
                      " values, this network needs " + std::to_string(a.size()));
    bytes(a.data(), a.size_bytes(), what);
  }
  std::size_t position() const noexcept { return at_; }
  std::size_t remaining() const noexcept { return b_.size() - at_; }
  std::string const& name() const noexcept { return name_; }
  file_kind kind() const noexcept { return kind_; }

private:
  std::string name_;
  std::span<const std::uint8_t> b_;
  file_kind kind_;
  std::size_t at_ = 0;
};

// Checks that values saved or loaded are numbers a network can run on; returns the problem.
template <class T>
std::string first_non_finite(std::span<const T> v, char const* what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      return std::string(what) + " " + std::to_string(i) + " is " +
             (std::isnan(v[i]) ? "NaN" : "infinite");
  return {};
}

template <class Net, class T>
std::string weights_problem(model<Net, T> const& m) {
  std::string p = first_non_finite(std::span<const T>(m.parameters), "parameter");
  if (p.empty())
    p = first_non_finite(std::span<const T>(m.state), "state value");
  if (p.empty())
    p = first_non_finite(std::span<const T>(m.normalization.mean), "normalization mean");
  if (p.empty())
    p = first_non_finite(std::span<const T>(m.normalization.stddev), "normalization deviation");
  for (std::size_t g = 0; p.empty() && g < m.normalization.groups; ++g)
    if (!(m.normalization.stddev[g] > T{0}))
      p = "normalization deviation " + std::to_string(g) + " is not positive";
  return p;
}

/// The weights section, the same in weights files and checkpoints (version 3): u64 n + n
/// values each of parameters, state, normalization means and normalization deviations.
template <class Net, class T>
void write_weights_section(byte_writer& w, model<Net, T> const& m) {
  w.array(std::span<const T>(m.parameters));
  w.array(std::span<const T>(m.state));
  w.array(std::span<const T>(m.normalization.mean));
  w.array(std::span<const T>(m.normalization.stddev));
}

/// Reads the weights section into m (a scratch model: it is left half-written on error).
/// Version 1 and 2 checkpoints have no normalization: m keeps the identity.
template <class Net, class T>
void read_weights_section(byte_reader& r, model<Net, T>& m, bool with_normalization) {
  r.array(std::span<T>(m.parameters), "parameters");
  r.array(std::span<T>(m.state), "state");
  if (with_normalization) {
    r.array(std::span<T>(m.normalization.mean), "normalization means");
    r.array(std::span<T>(m.normalization.stddev), "normalization deviations");
  } else {
    m.normalization = {};
  }
  if (const std::string p = weights_problem(m); !p.empty())
    fail(r.kind(),
         r.name() + ": " + p + " (the " + noun(r.kind()) + " holds values no network can run on)");
}

/// The exact size of a weights section.
template <class Net, class T>
constexpr std::uint64_t weights_section_bytes() {
  using norm = normalization<typename Net::input_shape, T>;
  return 4 * 8 + sizeof(T) * (Net::parameter_count + Net::state_count + 2 * norm::groups);
}

inline std::vector<std::uint8_t> read_file(std::filesystem::path const& path,
                                           std::uint64_t max_bytes,
                                           file_kind kind = file_kind::checkpoint) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    fail(kind, name + ": is a folder, not a " + file_noun(kind));
  if (!std::filesystem::is_regular_file(path, ec))
    fail(kind, name + ": no such " + file_noun(kind));
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes)
    fail(kind, name + ": " + std::to_string(size) + " bytes, more than a " + noun(kind) +
                   " of this network can hold (" + std::to_string(max_bytes) + " bytes)");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(kind, name + ": cannot open " + noun(kind));
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
                             std::vector<std::uint8_t> const& data,
                             file_kind kind = file_kind::checkpoint) {
  const std::string name = path.string();
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    fail(kind, name + ": is a folder, not a " + file_noun(kind));
  remove_stale_temp_files(path);
  const std::filesystem::path tmp = dir / (temp_prefix(path) + std::to_string(::getpid()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    fail(kind, name + ": cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      const int err = errno;
      ::close(fd);
      std::filesystem::remove(tmp, ec);
      fail(kind, name + ": cannot write the " + noun(kind) + " (" + std::strerror(err) +
                     "); the previous file is unchanged");
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    std::filesystem::remove(tmp, ec);
    fail(kind, name + ": could not flush the " + noun(kind) + " to disk (" + std::strerror(err) +
                   "); the previous file is unchanged");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code rm;
    std::filesystem::remove(tmp, rm);
    fail(kind, name + ": cannot replace: " + ec.message());
  }
}

}  // namespace ctnn::detail
