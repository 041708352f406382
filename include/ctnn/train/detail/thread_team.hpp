// SPDX-License-Identifier: BSL-1.0
// A fixed team of threads that run one job together, then wait for the next.
#pragma once

#include <barrier>
#include <cstddef>
#include <thread>
#include <vector>

namespace ctnn::detail {

/// `size` threads, the caller being number 0, run job(context, index) together.  A job is
/// a plain function pointer and a context, so starting one allocates nothing.
class thread_team {
public:
  using job_fn = void (*)(void*, std::size_t);

  explicit thread_team(std::size_t size)
      : size_(size), start_(static_cast<std::ptrdiff_t>(size)),
        done_(static_cast<std::ptrdiff_t>(size)) {
    for (std::size_t i = 1; i < size; ++i)
      workers_.emplace_back([this, i] { work(i); });
  }
  thread_team(thread_team const&) = delete;
  thread_team& operator=(thread_team const&) = delete;
  ~thread_team() {
    job_ = nullptr;  // tells the workers to leave
    start_.arrive_and_wait();
    for (auto& w : workers_)
      w.join();
  }

  std::size_t size() const noexcept { return size_; }

  /// Runs job on every thread and returns when all have finished.
  void run(job_fn job, void* context) {
    job_ = job;
    context_ = context;
    start_.arrive_and_wait();
    job_(context_, 0);
    done_.arrive_and_wait();
  }

private:
  void work(std::size_t index) {
    for (;;) {
      start_.arrive_and_wait();
      if (job_ == nullptr)
        return;
      job_(context_, index);
      done_.arrive_and_wait();
    }
  }

  std::size_t size_;
  std::barrier<> start_, done_;
  job_fn job_ = nullptr;
  void* context_ = nullptr;
  std::vector<std::thread> workers_;
};

}  // namespace ctnn::detail
