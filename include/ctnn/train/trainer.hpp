// SPDX-License-Identifier: BSL-1.0
// ctnn::trainer: data-parallel mini-batch training and evaluation of a network.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/data/augment.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/io/progress.hpp>
#include <ctnn/loss/softmax_cross_entropy.hpp>
#include <ctnn/optim/schedule.hpp>
#include <ctnn/train/detail/thread_team.hpp>
#include <ctnn/train/position.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctnn {

/// Training cannot go on: the loss became NaN or infinite, or the settings do not fit.
struct training_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Loss, accuracy and confusion matrix of a network on a data set.
struct evaluation {
  double loss = 0, accuracy = 0;
  std::size_t classes = 0, samples = 0;
  std::vector<std::size_t> confusion;  // [true class][predicted class]
};

/// The most threads a trainer runs: each holds a workspace of Shard samples and a gradient
/// buffer, so a mistyped count must not reserve gigabytes.
inline constexpr std::size_t max_threads = 64;

/// One optimizer step, for curves.
struct step_record {
  std::size_t step;
  double epoch, loss, accuracy, learning_rate;
};
/// One evaluation on the test set, for curves.
struct eval_record {
  std::size_t step;
  double epoch, train_seconds, loss, accuracy;
};

/// How to train.
struct train_options {
  std::size_t epochs = 1;   // at most this many epochs in all
  std::size_t batch = 128;  // samples per optimizer step
  double learning_rate = 1e-2;
  ctnn::schedule schedule{};
  std::uint64_t seed = 1;      // shuffling and dropout
  double target_accuracy = 0;  // stop once the test accuracy reaches it (0: never)
  std::size_t eval_every = 0;  // steps between test evaluations (0: once per epoch)
  std::size_t max_steps = 0;   // stop after this many steps in all (0: no limit)
  bool quiet = false;          // no progress bar
  augmentation augment{};      // transforms applied to each training image as it is used
  // When set (e.g. by a signal handler), training ends after the step under way and the
  // report says so (training_report::interrupted).
  std::atomic<bool> const* stop = nullptr;
  std::function<void(training_position const&)> on_epoch_end{};  // e.g. save a checkpoint
};

/// What a training run did.
struct training_report {
  std::vector<step_record> steps;
  std::vector<eval_record> evaluations;
  training_position position;
  std::size_t images = 0;    // images trained on in this run
  double train_seconds = 0;  // training wall time of this run, evaluation excluded
  bool target_reached = false;
  bool interrupted = false;  // train_options::stop was set
  double images_per_second() const { return train_seconds > 0 ? images / train_seconds : 0; }
};

/// Trains Net with `threads` threads.  Each optimizer step splits its mini-batch into one
/// contiguous shard per thread; each thread runs forward and backward on its shard in its
/// own workspace (up to Shard samples at a time: batch_norm uses the statistics of those
/// samples) and its own gradient buffer; the buffers are then added in thread order, so a
/// seed and a thread count give bit-identical weights run after run.
template <class Net, std::size_t Shard = 128, class T = float>
class trainer {
public:
  using model_type = model<Net, T>;
  static constexpr std::size_t in_size = size_v<typename Net::input_shape>;
  static constexpr std::size_t classes = size_v<typename Net::output_shape>;

  explicit trainer(std::size_t threads) : team_(checked_threads(threads)) {
    lanes_.resize(team_.size());
    for (auto& l : lanes_) {
      // Not zero-filled: a pass writes every element it reads, so pages never used by a
      // small shard are never touched.
      l.ws = make_workspace<Net, T, Shard>();
      l.grads = std::make_unique<gradients<Net, T>>();
      l.state = std::make_unique<std::array<T, Net::state_count>>();
      l.dlogits.resize(Shard * classes);
      l.labels.resize(Shard);
      l.confusion.resize(classes * classes);
    }
  }

  std::size_t threads() const noexcept { return team_.size(); }

  /// Trains m with opt on train, evaluating on test; continues from `start` (a checkpoint's
  /// position).
  template <class Optimizer>
  training_report fit(model_type& m, Optimizer& opt, dataset const& train, dataset const& test,
                      train_options const& o, training_position start = {}) {
    check_fits<typename Net::input_shape>(train, "training set");
    check_fits<typename Net::input_shape>(test, "test set");
    check_labels(train, "training set");
    check_labels(test, "test set");
    if (o.batch == 0)
      throw training_error("batch size must be at least 1");
    if (o.batch > train.size())
      throw training_error("batch size " + std::to_string(o.batch) + " is larger than the " +
                           std::to_string(train.size()) + " training images");
    const std::size_t steps_per_epoch =
        train.size() / o.batch;  // the last partial batch is dropped
    training_report rep;
    rep.position = start;
    rep.position.epoch_step = resume_step(start, o.batch, train.size(), steps_per_epoch);
    augment_ = o.augment;
    ctnn::schedule sched = o.schedule;
    if (start.best_accuracy > 0)
      sched.observe_accuracy(start.best_accuracy);
    progress_bar bar(o.quiet);
    auto grads = std::make_unique<gradients<Net, T>>();
    using clock = std::chrono::steady_clock;

    while (rep.position.epoch < o.epochs && !rep.target_reached) {
      const std::size_t epoch = rep.position.epoch;
      const auto order = shuffled_indices(train.size(), o.seed * 1'000'003 + epoch);
      double epoch_loss = 0, epoch_correct = 0;
      std::size_t epoch_images = 0;
      rep.position.batch = o.batch;
      rep.position.samples = train.size();
      for (std::size_t s = rep.position.epoch_step; s < steps_per_epoch; ++s) {
        if (o.max_steps != 0 && rep.position.step >= o.max_steps)
          break;
        if (o.stop != nullptr && o.stop->load()) {
          rep.interrupted = true;
          break;
        }
        const double progress =
            static_cast<double>(epoch) + static_cast<double>(s) / steps_per_epoch;
        const T lr = static_cast<T>(sched.rate(o.learning_rate, progress));
        const auto t0 = clock::now();
        const auto [loss, correct] =
            train_step(m, *grads, train, std::span(order).subspan(s * o.batch, o.batch),
                       rep.position.step, o.seed);
        if (!std::isfinite(loss))
          throw training_error("the loss became " +
                               std::string(std::isnan(loss) ? "NaN" : "infinite") + " at epoch " +
                               std::to_string(epoch + 1) + ", step " +
                               std::to_string(rep.position.step + 1) +
                               "; lower the learning rate or check the data");
        opt.step(std::span<T, Net::parameter_count>(m.parameters),
                 std::span<const T, Net::parameter_count>(*grads), lr);
        const double dt = std::chrono::duration<double>(clock::now() - t0).count();
        rep.train_seconds += dt;
        rep.position.train_seconds += dt;
        rep.images += o.batch;
        ++rep.position.step;
        rep.position.epoch_step = s + 1;
        epoch_loss += loss * o.batch;
        epoch_correct += correct;
        epoch_images += o.batch;
        rep.steps.push_back({rep.position.step, progress, loss,
                             static_cast<double>(correct) / o.batch, static_cast<double>(lr)});
        const double ips = rep.images_per_second();
        bar.update(epoch + 1, o.epochs, s + 1, steps_per_epoch, epoch_loss / epoch_images,
                   epoch_correct / epoch_images, ips,
                   ips > 0 ? ((o.epochs - epoch) * steps_per_epoch - s - 1) * o.batch / ips : 0);
        const bool last = s + 1 == steps_per_epoch;
        if ((o.eval_every != 0 && rep.position.step % o.eval_every == 0) || last) {
          if (evaluate_and_record(m, test, rep, sched, progress + 1.0 / steps_per_epoch, o))
            break;
        }
      }
      if (rep.target_reached || rep.interrupted ||
          (o.max_steps != 0 && rep.position.step >= o.max_steps)) {
        if (!rep.interrupted &&
            (rep.evaluations.empty() || rep.evaluations.back().step != rep.position.step))
          evaluate_and_record(m, test, rep, sched,
                              static_cast<double>(epoch) +
                                  static_cast<double>(rep.position.epoch_step) / steps_per_epoch,
                              o);
        if (rep.position.epoch_step == steps_per_epoch) {
          rep.position.epoch = epoch + 1;
          rep.position.epoch_step = 0;
        }
        break;
      }
      rep.position.epoch = epoch + 1;
      rep.position.epoch_step = 0;
      bar.finish();
      if (o.on_epoch_end)
        o.on_epoch_end(rep.position);
    }
    bar.finish();
    return rep;
  }

  /// Loss, accuracy and confusion matrix of m on d (phase::eval), over every thread.
  evaluation evaluate(model_type const& m, dataset const& d) {
    check_fits<typename Net::input_shape>(d, "evaluation set");
    check_labels(d, "evaluation set");
    struct job {
      trainer* self;
      model_type const* m;
      dataset const* d;
    } j{this, &m, &d};
    team_.run(
        [](void* c, std::size_t t) {
          auto& jb = *static_cast<job*>(c);
          jb.self->evaluate_range(*jb.m, *jb.d, t);
        },
        &j);
    evaluation e;
    e.classes = classes;
    e.samples = d.size();
    e.confusion.assign(classes * classes, 0);
    double loss = 0;
    std::size_t correct = 0;
    for (auto& l : lanes_) {
      loss += l.loss;
      correct += l.correct;
      for (std::size_t i = 0; i < e.confusion.size(); ++i)
        e.confusion[i] += l.confusion[i];
    }
    e.loss = loss / static_cast<double>(d.size());
    e.accuracy = static_cast<double>(correct) / static_cast<double>(d.size());
    return e;
  }

private:
  augmentation augment_{};

  struct lane {
    std::unique_ptr<workspace<Net, T, Shard>> ws;
    std::unique_ptr<gradients<Net, T>> grads;
    std::unique_ptr<std::array<T, Net::state_count>> state;
    std::vector<T> dlogits;
    std::vector<std::uint8_t> labels;
    std::vector<std::size_t> confusion;
    double loss = 0;
    std::size_t correct = 0;
  };

  static std::size_t checked_threads(std::size_t threads) {
    if (threads == 0)
      throw training_error("threads must be at least 1");
    if (threads > max_threads)
      throw training_error(std::to_string(threads) + " threads requested; a trainer runs at most " +
                           std::to_string(max_threads) + " (ctnn::max_threads)");
    return threads;
  }

  // Where in its epoch a run resumed from `start` begins.  A run stopped mid-epoch can only
  // go on with the same batch size over the same training set (its shuffled order and the
  // steps taken depend on them); one stopped at an epoch's end can go on with any.
  static std::size_t resume_step(training_position const& start, std::size_t batch,
                                 std::size_t samples, std::size_t steps_per_epoch) {
    if (start.batch == 0) {  // version 1: only the total step count is known
      if (start.step == start.epoch * steps_per_epoch)
        return 0;
      if (start.step > start.epoch * steps_per_epoch &&
          start.step - start.epoch * steps_per_epoch < steps_per_epoch)
        return start.step - start.epoch * steps_per_epoch;
      throw training_error("cannot continue: the saved position (epoch " +
                           std::to_string(start.epoch) + ", step " + std::to_string(start.step) +
                           ") does not fit " + std::to_string(steps_per_epoch) +
                           " steps per epoch; use the batch size and training set it was "
                           "trained with");
    }
    if (start.epoch_step == 0)
      return 0;
    if (start.batch != batch || start.samples != samples)
      throw training_error(
          "cannot continue the unfinished epoch " + std::to_string(start.epoch + 1) + ": it was " +
          std::to_string(start.epoch_step) + " steps of batch size " + std::to_string(start.batch) +
          " into " + std::to_string(start.samples) +
          " training images, and this run has batch size " + std::to_string(batch) + " and " +
          std::to_string(samples) + " training images; use the same batch size and training set");
    if (start.epoch_step >= steps_per_epoch)
      throw training_error("cannot continue: the saved position (step " +
                           std::to_string(start.epoch_step) + " of an epoch) is past the " +
                           std::to_string(steps_per_epoch) + " steps of an epoch");
    return start.epoch_step;
  }

  static void check_labels(dataset const& d, char const* what) {
    if (d.classes > classes)
      throw data_error(std::string(what) + ": " + std::to_string(d.classes) +
                       " classes but the network has " + std::to_string(classes) + " outputs");
  }

  // The contiguous part [begin, end) of n items that thread t of k handles.
  static std::pair<std::size_t, std::size_t> share(std::size_t n, std::size_t t, std::size_t k) {
    return {n * t / k, n * (t + 1) / k};
  }

  struct step_job {
    trainer* self;
    model_type* m;
    dataset const* d;
    std::span<const std::size_t> batch;
    std::size_t step;
    std::uint64_t seed;
    augmentation augment;
  };

  std::pair<double, std::size_t> train_step(model_type& m, gradients<Net, T>& grads,
                                            dataset const& d, std::span<const std::size_t> batch,
                                            std::size_t step, std::uint64_t seed) {
    step_job j{this, &m, &d, batch, step, seed, augment_};
    team_.run(
        [](void* c, std::size_t t) {
          static_cast<step_job*>(c)->self->train_shard(*static_cast<step_job*>(c), t);
        },
        &j);
    // Fixed-order reduction: thread 0's gradients, plus thread 1's, ...  The running
    // statistics become the mean of the threads' updates.
    std::copy(lanes_[0].grads->begin(), lanes_[0].grads->end(), grads.begin());
    double loss = lanes_[0].loss;
    std::size_t correct = lanes_[0].correct;
    for (std::size_t t = 1; t < lanes_.size(); ++t) {
      const T* g = lanes_[t].grads->data();
      for (std::size_t i = 0; i < Net::parameter_count; ++i)
        grads[i] += g[i];
      loss += lanes_[t].loss;
      correct += lanes_[t].correct;
    }
    if constexpr (Net::state_count > 0) {
      for (std::size_t i = 0; i < Net::state_count; ++i) {
        T s{};
        for (auto& l : lanes_)
          s += (*l.state)[i];
        m.state[i] = s / static_cast<T>(lanes_.size());
      }
    }
    return {loss / static_cast<double>(batch.size()), correct};
  }

  void train_shard(step_job const& j, std::size_t t) {
    lane& l = lanes_[t];
    l.grads->fill(T{0});
    *l.state = j.m->state;
    l.loss = 0;
    l.correct = 0;
    const auto [begin, end] = share(j.batch.size(), t, lanes_.size());
    const T scale = T{1} / static_cast<T>(j.batch.size());
    for (std::size_t at = begin; at < end; at += Shard) {
      const std::size_t n = std::min(Shard, end - at);
      for (std::size_t b = 0; b < n; ++b) {
        const std::size_t i = j.batch[at + b];
        auto img = j.d->image(i);
        T* x = l.ws->input() + b * in_size;  // gathered in place
        if (j.augment.enabled())
          augment(img.data(), x, in_size / img.size(), j.d->rows, j.d->cols, j.augment, j.seed,
                  j.step, i);
        else
          std::copy(img.begin(), img.end(), x);
        l.labels[b] = j.d->labels[i];
      }
      const run_context ctx{phase::train, j.seed, j.step, at};
      auto y = forward<Net, T, Shard>(j.m->parameters, *l.state, *l.ws, l.ws->input(), n, ctx);
      auto r = softmax_cross_entropy::forward_backward<classes>(y.data(), l.labels.data(), n,
                                                                l.dlogits.data(), scale);
      backward<Net, T, Shard>(j.m->parameters, *l.state, *l.grads, *l.ws, l.dlogits.data(),
                              static_cast<T*>(nullptr), n, ctx);
      l.loss += static_cast<double>(r.loss_sum);
      l.correct += r.correct;
    }
  }

  void evaluate_range(model_type const& m, dataset const& d, std::size_t t) {
    lane& l = lanes_[t];
    *l.state = m.state;  // eval reads the running statistics only
    l.loss = 0;
    l.correct = 0;
    std::fill(l.confusion.begin(), l.confusion.end(), 0);
    const auto [begin, end] = share(d.size(), t, lanes_.size());
    const run_context ctx{phase::eval};
    for (std::size_t at = begin; at < end; at += Shard) {
      const std::size_t n = std::min(Shard, end - at);
      auto y = forward<Net, T, Shard>(m.parameters, *l.state, *l.ws, d.images.data() + at * in_size,
                                      n, ctx);
      auto r = softmax_cross_entropy::evaluate<classes>(y.data(), d.labels.data() + at, n);
      l.loss += static_cast<double>(r.loss_sum);
      l.correct += r.correct;
      for (std::size_t b = 0; b < n; ++b) {
        const T* z = y.data() + b * classes;
        const auto pred = static_cast<std::size_t>(std::max_element(z, z + classes) - z);
        ++l.confusion[d.labels[at + b] * classes + pred];
      }
    }
  }

  // Returns true when the target accuracy is reached.
  bool evaluate_and_record(model_type const& m, dataset const& test, training_report& rep,
                           ctnn::schedule& sched, double epoch, train_options const& o) {
    const evaluation e = evaluate(m, test);
    rep.evaluations.push_back(
        {rep.position.step, epoch, rep.position.train_seconds, e.loss, e.accuracy});
    rep.position.best_accuracy = std::max(rep.position.best_accuracy, e.accuracy);
    sched.observe_accuracy(e.accuracy);
    if (o.target_accuracy > 0 && e.accuracy >= o.target_accuracy)
      rep.target_reached = true;
    return rep.target_reached;
  }

  detail::thread_team team_;
  std::vector<lane> lanes_;
};

}  // namespace ctnn
