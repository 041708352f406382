// SPDX-License-Identifier: BSL-1.0
// ctnn::progress_bar: one self-overwriting status line on stderr for long work.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace ctnn {

/// Draws "epoch 2/5 [#######.......] 230/469 loss 0.0912 acc 97.3% 61,204 img/s ETA 4s" on
/// stderr at most ten times a second.  Silent when stderr is not a terminal or when quiet.
class progress_bar {
public:
  explicit progress_bar(bool quiet = false) : enabled_(!quiet && isatty(STDERR_FILENO) != 0) {}
  progress_bar(progress_bar const&) = delete;
  progress_bar& operator=(progress_bar const&) = delete;
  ~progress_bar() { finish(); }

  bool enabled() const noexcept { return enabled_; }

  void update(std::size_t epoch, std::size_t epochs, std::size_t batch, std::size_t batches,
              double loss, double accuracy, double images_per_second, double eta_seconds) {
    if (!enabled_)
      return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100) && batch != batches)
      return;
    last_ = now;
    drawn_ = true;
    constexpr int width = 20;
    const int filled = batches == 0 ? 0 : static_cast<int>(width * batch / batches);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(width - filled), '.');
    std::fprintf(stderr,
                 "\repoch %zu/%zu [%s] %zu/%zu loss %.4f acc %5.1f%% %8.0f img/s ETA %.0fs\033[K",
                 epoch, epochs, bar.c_str(), batch, batches, loss, 100 * accuracy,
                 images_per_second, eta_seconds);
    std::fflush(stderr);
  }

  /// Ends the line so that later output starts on a fresh one.
  void finish() {
    if (enabled_ && drawn_) {
      std::fputc('\n', stderr);
      drawn_ = false;
    }
  }

private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace ctnn
