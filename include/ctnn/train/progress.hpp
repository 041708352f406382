// SPDX-License-Identifier: BSL-1.0
// ctnn::progress_bar and ctnn::epoch_log: the callbacks fit offers for watching training, a
// self-overwriting status line and one line per epoch.
#pragma once

#include <ctnn/train/events.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <sys/ioctl.h>
#include <unistd.h>

namespace ctnn {

namespace detail {
/// Columns of the terminal behind fd (TIOCGWINSZ), else $COLUMNS, else 80.
inline std::size_t terminal_columns(int fd) {
  winsize w{};
  if (::ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
    return w.ws_col;
  if (const char* c = std::getenv("COLUMNS"); c != nullptr) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(c, &end, 10);
    if (end != c && *end == '\0' && v >= 20 && v <= 1000)
      return v;
  }
  return 80;
}
}  // namespace detail

/// Draws "epoch 2/5 [#######.......] 230/469 loss 0.0912 acc 97.3% 61204/s ETA 4s" on one
/// line of a terminal, at most ten times a second, never wider than the terminal (the bar
/// shrinks, then the tail is cut).  Silent when the stream is not a terminal or when disabled.
/// Use it through on_step() and on_epoch() (which ends the line).
class progress_bar {
public:
  explicit progress_bar(bool enabled = true, std::FILE* out = stderr)
      : out_(out), enabled_(enabled && out != nullptr && ::isatty(::fileno(out)) != 0) {}
  progress_bar(progress_bar const&) = delete;
  progress_bar& operator=(progress_bar const&) = delete;
  ~progress_bar() { finish(); }

  bool enabled() const noexcept { return enabled_; }

  /// The line for s in at most `columns` characters.
  static std::string line(step_info const& s, std::size_t columns) {
    char tail[160];
    if (s.classification)
      std::snprintf(tail, sizeof tail, " %zu/%zu loss %.4f acc %5.1f%% %.0f/s ETA %.0fs",
                    s.batch_in_epoch, s.batches_per_epoch, s.epoch_loss, 100 * s.epoch_accuracy,
                    s.samples_per_second, s.eta_seconds);
    else
      std::snprintf(tail, sizeof tail, " %zu/%zu loss %.4g %.0f/s ETA %.0fs", s.batch_in_epoch,
                    s.batches_per_epoch, s.epoch_loss, s.samples_per_second, s.eta_seconds);
    const std::string head = "epoch " + std::to_string(s.epoch) + "/" + std::to_string(s.epochs);
    const std::size_t fixed = head.size() + 3 + std::string(tail).size();  // " [" "]"
    const std::size_t width = columns > fixed ? std::min<std::size_t>(columns - fixed, 30) : 0;
    std::string out = head;
    if (width >= 5) {
      const std::size_t filled =
          s.batches_per_epoch == 0 ? 0 : width * s.batch_in_epoch / s.batches_per_epoch;
      out += " [" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
    }
    out += tail;
    if (out.size() > columns)
      out.resize(columns);
    return out;
  }

  void update(step_info const& s) {
    if (!enabled_)
      return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100) &&
        s.batch_in_epoch != s.batches_per_epoch)
      return;
    last_ = now;
    drawn_ = true;
    // One column fewer than the terminal: a full line would wrap on some terminals.
    const std::size_t columns = detail::terminal_columns(::fileno(out_));
    std::fprintf(out_, "\r%s\033[K", line(s, columns > 1 ? columns - 1 : columns).c_str());
    std::fflush(out_);
  }

  /// Ends the line so that later output starts on a fresh one.
  void finish() {
    if (enabled_ && drawn_) {
      std::fputc('\n', out_);
      std::fflush(out_);
      drawn_ = false;
    }
  }

  std::function<void(step_info const&)> on_step() {
    return [this](step_info const& s) { update(s); };
  }
  std::function<void(epoch_info const&)> on_epoch() {
    return [this](epoch_info const&) { finish(); };
  }

private:
  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

/// "epoch 2/5  train loss 0.0912 acc 97.31 %  validation loss 0.0801 acc 97.60 %  12.3 s
/// lr 0.005": one line per epoch, printed whether or not the stream is a terminal.
inline std::string epoch_line(epoch_info const& e) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "epoch %zu/%zu  train loss %.4f", e.epoch, e.epochs,
                        e.train_loss);
  auto add = [&](auto... args) {
    if (n >= 0 && static_cast<std::size_t>(n) < sizeof buf)
      n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), args...);
  };
  if (e.classification)
    add(" acc %.2f %%", 100 * e.train_accuracy);
  if (e.validated) {
    add("  validation loss %.4f", e.validation_loss);
    if (e.classification)
      add(" acc %.2f %%", 100 * e.validation_accuracy);
  }
  add("  %.1f s  lr %.3g", e.seconds, e.learning_rate);
  return buf;
}

/// A callback that prints epoch_line to `out` and flushes it.
inline std::function<void(epoch_info const&)> epoch_log(std::FILE* out = stdout) {
  return [out](epoch_info const& e) {
    std::fprintf(out, "%s\n", epoch_line(e).c_str());
    std::fflush(out);
  };
}

/// One callback that calls each of fs in order, skipping empty ones:
/// `o.on_epoch = each<epoch_info>({bar.on_epoch(), epoch_log(), save})`.
template <class Info>
std::function<void(Info const&)> each(std::vector<std::function<void(Info const&)>> fs) {
  return [fs = std::move(fs)](Info const& i) {
    for (auto const& f : fs)
      if (f)
        f(i);
  };
}

}  // namespace ctnn
