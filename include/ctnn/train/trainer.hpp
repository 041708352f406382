// SPDX-License-Identifier: BSL-1.0
// ctnn::trainer: the reusable data-parallel engine behind ctnn::fit and ctnn::evaluate, with the
// options, reports and errors of training.
#pragma once

#include <ctnn/core/model.hpp>
#include <ctnn/core/run.hpp>
#include <ctnn/data/augment.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/loss/loss.hpp>
#include <ctnn/optim/schedule.hpp>
#include <ctnn/train/detail/thread_team.hpp>
#include <ctnn/train/events.hpp>
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
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace ctnn {

/// Training cannot go on: the loss became NaN or infinite, or the settings do not fit.
struct training_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A network's loss on a data set; for classification also accuracy and the confusion matrix.
struct evaluation {
  double loss = 0;  // mean per sample
  double accuracy = 0;
  bool classification = false;
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
/// One evaluation on the validation set, for curves.
struct eval_record {
  std::size_t step;
  double epoch, train_seconds, loss, accuracy;
};

/// The validation set of fit_options: none, or a pointer to a dataset of the same type as
/// the training set (fit checks it).  The caller keeps the data set alive.
class validation_set {
public:
  validation_set() = default;
  validation_set(std::nullptr_t) {}
  template <shape_type In, target_kind Target>
  validation_set(dataset<In, Target> const* d)
      : data_(d), type_(&typeid(dataset<In, Target>)), describe_(&describe<In, Target>) {}

  explicit operator bool() const noexcept { return data_ != nullptr; }

  /// The data set as D; throws training_error when it is of another type.
  template <class D>
  D const* as() const {
    if (data_ == nullptr)
      return nullptr;
    if (*type_ != typeid(D))
      throw training_error("the validation set (" + describe_() +
                           ") is not of the training set's type (" +
                           describe<typename D::input_shape, typename D::target_type>() + ")");
    return static_cast<D const*>(data_);
  }

private:
  template <class In, class Target>
  static std::string describe() {
    std::string t;
    if constexpr (std::is_same_v<Target, class_label>)
      t = "class labels";
    else
      t = "targets " + to_string(Target{});
    return "inputs " + to_string(In{}) + ", " + t;
  }
  void const* data_ = nullptr;
  std::type_info const* type_ = nullptr;
  std::string (*describe_)() = nullptr;
};

/// How to train: named fields with defaults, e.g. `{.epochs = 5, .validation = &held_out}`.
struct fit_options {
  std::size_t epochs = 1;   // at most this many epochs in all (counting from `start`)
  std::size_t batch = 128;  // samples per optimizer step; the last partial batch is dropped
  double learning_rate = 1e-2;
  ctnn::schedule schedule{};
  std::uint64_t seed = 1;       // shuffling, dropout and augmentation
  std::size_t threads = 1;      // ctnn::fit's trainer (a trainer object has its own count)
  validation_set validation{};  // evaluated after each epoch (and every eval_every steps)
  double target_accuracy = 0;   // stop once the validation accuracy reaches it (0: never)
  std::size_t eval_every = 0;   // steps between validations (0: once per epoch)
  std::size_t max_steps = 0;    // stop after this many steps in all (0: no limit)
  // Random transforms of each training input as it is used (image inputs only: shape<C, H, W>
  // or shape<H, W>), applied before the model's normalization.
  ctnn::augmentation augmentation{};
  // When set (e.g. by a signal handler), training ends after the step under way and the
  // report says so (training_report::interrupted).
  std::atomic<bool> const* stop = nullptr;
  std::function<void(step_info const&)> on_step{};    // after every optimizer step
  std::function<void(epoch_info const&)> on_epoch{};  // after every completed epoch
  training_position start{};  // continue from here (a checkpoint's position)
};

/// What a training run did.
struct training_report {
  std::vector<step_record> steps;
  std::vector<eval_record> evaluations;  // validations
  std::vector<epoch_info> epochs;        // epochs completed in this run
  training_position position;
  std::size_t samples = 0;   // samples trained on in this run
  double train_seconds = 0;  // training wall time of this run, evaluation excluded
  bool target_reached = false;
  bool interrupted = false;  // fit_options::stop was set
  double samples_per_second() const { return train_seconds > 0 ? samples / train_seconds : 0; }
};

/// The network's input shape and the data set's, as the diagnostic of fit names them.
template <class Shape>
struct network_input {};
template <class Shape>
struct dataset_input {};

namespace detail {
/// True only when the network's input shape and the data set's are the same type.
template <class NetworkInput, class DatasetInput>
inline constexpr bool same_input_v = false;
template <class S>
inline constexpr bool same_input_v<network_input<S>, dataset_input<S>> = true;

template <class Net, class Loss, class In, class Target>
inline constexpr bool can_train_v =
    same_input_v<network_input<typename Net::input_shape>, dataset_input<In>>&&
        loss_for<Loss, typename Net::output_shape, Target>;

/// The compile-time checks of fit and evaluate: one static_assert each, with the shapes or
/// the loss's record in the condition's type.  `value` is the verdict the caller branches on,
/// so that a failed check is the only diagnostic.
template <class Net, class Loss, class In, class Target>
struct train_checks {
  static_assert(same_input_v<network_input<typename Net::input_shape>, dataset_input<In>>,
                "ctnn::fit/evaluate: the data set's input shape differs from the network's; "
                "when both have as many elements, view the data set with "
                "ctnn::reshape<Net::input_shape>(dataset)");
  static_assert(loss_ok_v<typename Loss::template check_t<typename Net::output_shape, Target>>,
                "ctnn::fit/evaluate: the loss does not accept the network's output or the data "
                "set's targets (loss, output shape, target and reason are in the loss_error shown "
                "with this message)");
  static constexpr bool value = can_train_v<Net, Loss, In, Target>;
};
}  // namespace detail

/// Trains Net with `threads` threads.  Each optimizer step splits its mini-batch into one
/// contiguous shard per thread; each thread gathers its samples (augmented, then normalised by
/// the model's normalization), runs forward and backward on them in its own workspace (up to
/// Shard samples at a time: batch_norm uses the statistics of those samples) and its own
/// gradient buffer; the buffers are then added in thread order, so a seed and a thread count
/// give bit-identical weights run after run.
template <class Net, std::size_t Shard = 128, class T = float>
class trainer {
public:
  using model_type = model<Net, T>;
  using input_shape = typename Net::input_shape;
  using output_shape = typename Net::output_shape;
  static constexpr std::size_t in_size = size_v<input_shape>;
  static constexpr std::size_t out_size = size_v<output_shape>;

  explicit trainer(std::size_t threads) : team_(checked_threads(threads)) {
    lanes_.resize(team_.size());
    for (auto& l : lanes_) {
      // Not zero-filled: a pass writes every element it reads, so pages never used by a
      // small shard are never touched.
      l.ws = make_workspace<Net, T, Shard>();
      l.grads = std::make_unique<gradients<Net, T>>();
      l.state = std::make_unique<std::array<T, Net::state_count>>();
      l.dy.resize(Shard * out_size);
      l.confusion.resize(out_size * out_size);
    }
  }

  std::size_t threads() const noexcept { return team_.size(); }

  /// Trains m with opt on train under loss, validating on o.validation; continues from
  /// o.start.  fit_options::threads is ignored (this trainer's count applies).
  template <class Optimizer, class Loss, class In, class Target>
  training_report fit(model_type& m, Optimizer& opt, Loss const& loss,
                      dataset<In, Target> const& train, fit_options const& o) {
    if constexpr (detail::train_checks<Net, Loss, In, Target>::value)
      return fit_impl(m, {&opt, &step_of<Optimizer>}, loss, train, o);
    else
      return {};
  }

  /// Loss (and for classification accuracy and confusion matrix) of m on d (phase::eval,
  /// inputs normalised by m.normalization), over every thread.
  template <class Loss, class In, class Target>
  evaluation evaluate(model_type const& m, Loss const& loss, dataset<In, Target> const& d) {
    if constexpr (detail::train_checks<Net, Loss, In, Target>::value)
      return evaluate_impl(m, loss, d, "evaluation set");
    else
      return {};
  }

private:
  struct lane {
    std::unique_ptr<workspace<Net, T, Shard>> ws;
    std::unique_ptr<gradients<Net, T>> grads;
    std::unique_ptr<std::array<T, Net::state_count>> state;
    std::vector<T> dy;
    std::vector<class_label::value_type> labels;  // gathered class labels
    std::vector<float> values;                    // gathered real-valued targets
    std::vector<T> scratch;                       // an input converted to T (T != float)
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
          " training samples, and this run has batch size " + std::to_string(batch) + " and " +
          std::to_string(samples) + " training samples; use the same batch size and training set");
    if (start.epoch_step >= steps_per_epoch)
      throw training_error("cannot continue: the saved position (step " +
                           std::to_string(start.epoch_step) + " of an epoch) is past the " +
                           std::to_string(steps_per_epoch) + " steps of an epoch");
    return start.epoch_step;
  }

  // A data set built by hand may break what push_back keeps: check before any pass reads it.
  template <class D>
  static void check_data(D const& d, char const* what) {
    if (d.targets.size() % D::target_size != 0 || d.inputs.size() != d.size() * D::input_size)
      throw data_error(std::string(what) + ": " + std::to_string(d.inputs.size()) +
                       " input values and " + std::to_string(d.targets.size()) +
                       " target values do not make whole samples of " +
                       std::to_string(D::input_size) + " and " + std::to_string(D::target_size));
    if (d.empty())
      throw data_error(std::string(what) + ": no samples");
    if constexpr (D::labelled) {
      if (d.classes > out_size)
        throw data_error(std::string(what) + ": " + std::to_string(d.classes) +
                         " classes but the network has " + std::to_string(out_size) + " outputs");
      for (std::size_t i = 0; i < d.size(); ++i)
        if (d.label(i) >= out_size)
          throw data_error(std::string(what) + ": label " + std::to_string(d.label(i)) +
                           " of sample " + std::to_string(i) + " is not below the network's " +
                           std::to_string(out_size) + " outputs");
    }
  }

  // The contiguous part [begin, end) of n items that thread t of k handles.
  static std::pair<std::size_t, std::size_t> share(std::size_t n, std::size_t t, std::size_t k) {
    return {n * t / k, n * (t + 1) / k};
  }

  // Writes sample i of d, augmented (training only) and normalised (unless the model's
  // normalization is the identity: `normalise` false), to x.
  template <class D>
  static void gather(model_type const& m, bool normalise, [[maybe_unused]] lane& l, D const& d,
                     std::size_t i, T* x, [[maybe_unused]] augmentation const* aug,
                     [[maybe_unused]] std::uint64_t seed, [[maybe_unused]] std::uint64_t step) {
    const float* raw = d.input(i).data();
    bool copied = false;
    if constexpr (rank_v<input_shape> >= 2) {  // fit refuses augmentation of vectors
      if (aug != nullptr) {
        constexpr std::size_t rank = rank_v<input_shape>;
        constexpr std::size_t channels = rank == 3 ? input_shape::dims[0] : 1;
        constexpr std::size_t rows = input_shape::dims[rank - 2];
        constexpr std::size_t cols = input_shape::dims[rank - 1];
        if constexpr (std::is_same_v<T, float>) {
          augment(raw, x, channels, rows, cols, *aug, seed, step, i);
        } else {
          std::copy(raw, raw + in_size, l.scratch.begin());
          augment(l.scratch.data(), x, channels, rows, cols, *aug, seed, step, i);
        }
        copied = true;
      }
    }
    if (!copied)
      std::copy(raw, raw + in_size, x);
    if (normalise)
      m.normalization.apply(x, x, 1);
  }

  // The optimizer's step as a function pointer, called once per batch: the training loop is
  // then compiled once per network and data set, not once more for each optimizer type a
  // program offers.
  using parameter_span = std::span<T, Net::parameter_count>;
  using gradient_span = std::span<const T, Net::parameter_count>;
  struct optimizer_step {
    void* optimizer;
    void (*step)(void*, parameter_span, gradient_span, T);
  };
  template <class Optimizer>
  static void step_of(void* opt, parameter_span p, gradient_span g, T lr) {
    static_cast<Optimizer*>(opt)->step(p, g, lr);
  }

  template <class Loss, class In, class Target>
  training_report fit_impl(model_type& m, optimizer_step opt, Loss const& loss,
                           dataset<In, Target> const& train, fit_options const& o) {
    using D = dataset<In, Target>;
    check_data(train, "training set");
    D const* validation = o.validation.as<D>();
    if (validation != nullptr)
      check_data(*validation, "validation set");
    if (o.batch == 0)
      throw training_error("batch size must be at least 1");
    if (o.batch > train.size())
      throw training_error("batch size " + std::to_string(o.batch) + " is larger than the " +
                           std::to_string(train.size()) + " training samples");
    if (o.target_accuracy > 0 && (validation == nullptr || !Loss::classifies))
      throw training_error("a target accuracy needs a validation set and a classification loss");
    if (o.augmentation.enabled() && rank_v<In> == 1)
      throw training_error("augmentation transforms images (inputs [C, H, W] or [H, W]); these "
                           "inputs are a vector of " +
                           std::to_string(in_size));
    const std::size_t steps_per_epoch = train.size() / o.batch;
    const training_position& start = o.start;
    training_report rep;
    rep.position = start;
    rep.position.epoch_step = resume_step(start, o.batch, train.size(), steps_per_epoch);
    ctnn::schedule sched = o.schedule;
    if (start.best_accuracy > 0)
      sched.observe_accuracy(start.best_accuracy);
    auto grads = std::make_unique<gradients<Net, T>>();
    using clock = std::chrono::steady_clock;
    augmentation const* aug = o.augmentation.enabled() ? &o.augmentation : nullptr;
    if constexpr (!std::is_same_v<T, float>)
      for (auto& l : lanes_)
        l.scratch.resize(in_size);

    // Validates, records, and tells whether the target accuracy is reached.
    auto validate = [&](double epoch) {
      const evaluation e = evaluate_impl(m, loss, *validation, "validation set");
      rep.evaluations.push_back(
          {rep.position.step, epoch, rep.position.train_seconds, e.loss, e.accuracy});
      if constexpr (Loss::classifies) {
        rep.position.best_accuracy = std::max(rep.position.best_accuracy, e.accuracy);
        sched.observe_accuracy(e.accuracy);
        if (o.target_accuracy > 0 && e.accuracy >= o.target_accuracy)
          rep.target_reached = true;
      }
      return rep.target_reached;
    };

    while (rep.position.epoch < o.epochs && !rep.target_reached) {
      const std::size_t epoch = rep.position.epoch;
      const auto order = shuffled_indices(train.size(), o.seed * 1'000'003 + epoch);
      double epoch_loss = 0, epoch_correct = 0, epoch_seconds = 0, lr_used = 0;
      std::size_t epoch_samples = 0;
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
        const auto [batch_loss, correct] =
            train_step(m, *grads, loss, train, std::span(order).subspan(s * o.batch, o.batch),
                       rep.position.step, o.seed, aug);
        if (!std::isfinite(batch_loss))
          throw training_error("the loss became " +
                               std::string(std::isnan(batch_loss) ? "NaN" : "infinite") +
                               " at epoch " + std::to_string(epoch + 1) + ", step " +
                               std::to_string(rep.position.step + 1) +
                               "; lower the learning rate or check the data");
        opt.step(opt.optimizer, parameter_span(m.parameters), gradient_span(*grads), lr);
        const double dt = std::chrono::duration<double>(clock::now() - t0).count();
        rep.train_seconds += dt;
        rep.position.train_seconds += dt;
        epoch_seconds += dt;
        lr_used = static_cast<double>(lr);
        rep.samples += o.batch;
        ++rep.position.step;
        rep.position.epoch_step = s + 1;
        epoch_loss += batch_loss * o.batch;
        epoch_correct += static_cast<double>(correct);
        epoch_samples += o.batch;
        const double accuracy = static_cast<double>(correct) / o.batch;
        rep.steps.push_back({rep.position.step, progress, batch_loss, accuracy, lr_used});
        if (o.on_step) {
          const double sps = rep.samples_per_second();
          step_info si;
          si.step = rep.position.step;
          si.epoch = epoch + 1;
          si.epochs = o.epochs;
          si.batch_in_epoch = s + 1;
          si.batches_per_epoch = steps_per_epoch;
          si.loss = batch_loss;
          si.accuracy = accuracy;
          si.epoch_loss = epoch_loss / epoch_samples;
          si.epoch_accuracy = epoch_correct / epoch_samples;
          si.learning_rate = lr_used;
          si.samples_per_second = sps;
          si.eta_seconds =
              sps > 0 ? ((o.epochs - epoch) * steps_per_epoch - s - 1) * o.batch / sps : 0;
          si.classification = Loss::classifies;
          si.position = rep.position;
          o.on_step(si);
        }
        const bool last = s + 1 == steps_per_epoch;
        if (validation != nullptr &&
            ((o.eval_every != 0 && rep.position.step % o.eval_every == 0) || last))
          if (validate(progress + 1.0 / steps_per_epoch))
            break;
      }
      const bool stopping = rep.target_reached || rep.interrupted ||
                            (o.max_steps != 0 && rep.position.step >= o.max_steps);
      if (stopping && validation != nullptr && !rep.interrupted &&
          (rep.evaluations.empty() || rep.evaluations.back().step != rep.position.step))
        validate(static_cast<double>(epoch) +
                 static_cast<double>(rep.position.epoch_step) / steps_per_epoch);
      if (rep.position.epoch_step != steps_per_epoch)
        break;  // stopped within the epoch
      rep.position.epoch = epoch + 1;
      rep.position.epoch_step = 0;
      epoch_info ei;
      ei.epoch = epoch + 1;
      ei.epochs = o.epochs;
      ei.train_loss = epoch_samples > 0 ? epoch_loss / epoch_samples : 0;
      ei.train_accuracy = epoch_samples > 0 ? epoch_correct / epoch_samples : 0;
      if (!rep.evaluations.empty() && rep.evaluations.back().step == rep.position.step) {
        ei.validated = true;
        ei.validation_loss = rep.evaluations.back().loss;
        ei.validation_accuracy = rep.evaluations.back().accuracy;
      }
      ei.seconds = epoch_seconds;
      ei.learning_rate = lr_used;
      ei.classification = Loss::classifies;
      ei.position = rep.position;
      rep.epochs.push_back(ei);
      if (o.on_epoch)
        o.on_epoch(ei);
      if (stopping)
        break;
    }
    return rep;
  }

  template <class Loss, class D>
  struct step_job {
    trainer* self;
    model_type* m;
    Loss const* loss;
    D const* d;
    std::span<const std::size_t> batch;
    std::size_t step;
    std::uint64_t seed;
    augmentation const* aug;
    bool normalise;
  };

  template <class Loss, class D>
  std::pair<double, std::size_t> train_step(model_type& m, gradients<Net, T>& grads,
                                            Loss const& loss, D const& d,
                                            std::span<const std::size_t> batch, std::size_t step,
                                            std::uint64_t seed, augmentation const* aug) {
    step_job<Loss, D> j{
        this, &m, &loss, &d, batch, step, seed, aug, !m.normalization.is_identity()};
    team_.run(
        [](void* c, std::size_t t) {
          auto& jb = *static_cast<step_job<Loss, D>*>(c);
          jb.self->train_shard(jb, t);
        },
        &j);
    // Fixed-order reduction: thread 0's gradients, plus thread 1's, ...  The running
    // statistics become the mean of the threads' updates.
    std::copy(lanes_[0].grads->begin(), lanes_[0].grads->end(), grads.begin());
    double loss_sum = lanes_[0].loss;
    std::size_t correct = lanes_[0].correct;
    for (std::size_t t = 1; t < lanes_.size(); ++t) {
      const T* g = lanes_[t].grads->data();
      for (std::size_t i = 0; i < Net::parameter_count; ++i)
        grads[i] += g[i];
      loss_sum += lanes_[t].loss;
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
    return {loss_sum / static_cast<double>(batch.size()), correct};
  }

  // The targets of samples idx[0..n) of d, gathered contiguously.
  template <class D>
  static auto const* gather_targets(lane& l, D const& d, const std::size_t* idx, std::size_t n) {
    if constexpr (D::labelled) {
      l.labels.resize(n);
      for (std::size_t b = 0; b < n; ++b)
        l.labels[b] = d.label(idx[b]);
      return l.labels.data();
    } else {
      l.values.resize(n * D::target_size);
      for (std::size_t b = 0; b < n; ++b) {
        auto t = d.target(idx[b]);
        std::copy(t.begin(), t.end(),
                  l.values.begin() + static_cast<std::ptrdiff_t>(b * D::target_size));
      }
      return l.values.data();
    }
  }

  template <class Loss, class D>
  void train_shard(step_job<Loss, D> const& j, std::size_t t) {
    using Target = typename D::target_type;
    lane& l = lanes_[t];
    l.grads->fill(T{0});
    *l.state = j.m->state;
    l.loss = 0;
    l.correct = 0;
    const auto [begin, end] = share(j.batch.size(), t, lanes_.size());
    const T scale = T{1} / static_cast<T>(j.batch.size());
    for (std::size_t at = begin; at < end; at += Shard) {
      const std::size_t n = std::min(Shard, end - at);
      for (std::size_t b = 0; b < n; ++b)
        gather(*j.m, j.normalise, l, *j.d, j.batch[at + b], l.ws->input() + b * in_size, j.aug,
               j.seed, j.step);
      const auto* targets = gather_targets(l, *j.d, j.batch.data() + at, n);
      const run_context ctx{phase::train, j.seed, j.step, at};
      auto y = forward<Net, T, Shard>(j.m->parameters, *l.state, *l.ws, l.ws->input(), n, ctx);
      const loss_result<T> r =
          Loss::template compute<output_shape, Target>(y.data(), targets, n, l.dy.data(), scale);
      backward<Net, T, Shard>(j.m->parameters, *l.state, *l.grads, *l.ws, l.dy.data(),
                              static_cast<T*>(nullptr), n, ctx);
      l.loss += static_cast<double>(r.loss_sum);
      l.correct += r.correct;
    }
  }

  template <class Loss, class D>
  evaluation evaluate_impl(model_type const& m, Loss const& loss, D const& d, char const* what) {
    check_data(d, what);
    struct job {
      trainer* self;
      model_type const* m;
      Loss const* loss;
      D const* d;
    } j{this, &m, &loss, &d};
    team_.run(
        [](void* c, std::size_t t) {
          auto& jb = *static_cast<job*>(c);
          jb.self->evaluate_range(*jb.m, *jb.loss, *jb.d, t);
        },
        &j);
    evaluation e;
    e.samples = d.size();
    double loss_sum = 0;
    std::size_t correct = 0;
    for (auto& l : lanes_) {
      loss_sum += l.loss;
      correct += l.correct;
    }
    e.loss = loss_sum / static_cast<double>(d.size());
    if constexpr (Loss::classifies) {
      e.classification = true;
      e.classes = out_size;
      e.accuracy = static_cast<double>(correct) / static_cast<double>(d.size());
      e.confusion.assign(out_size * out_size, 0);
      for (auto& l : lanes_)
        for (std::size_t i = 0; i < e.confusion.size(); ++i)
          e.confusion[i] += l.confusion[i];
    }
    return e;
  }

  template <class Loss, class D>
  void evaluate_range(model_type const& m, Loss const&, D const& d, std::size_t t) {
    using Target = typename D::target_type;
    lane& l = lanes_[t];
    *l.state = m.state;  // eval reads the running statistics only
    l.loss = 0;
    l.correct = 0;
    std::fill(l.confusion.begin(), l.confusion.end(), 0);
    const auto [begin, end] = share(d.size(), t, lanes_.size());
    const run_context ctx{phase::eval};
    const bool normalise = !m.normalization.is_identity();
    for (std::size_t at = begin; at < end; at += Shard) {
      const std::size_t n = std::min(Shard, end - at);
      for (std::size_t b = 0; b < n; ++b)
        gather(m, normalise, l, d, at + b, l.ws->input() + b * in_size, nullptr, 0, 0);
      auto y = forward<Net, T, Shard>(m.parameters, *l.state, *l.ws, l.ws->input(), n, ctx);
      const auto* targets = d.targets.data() + at * D::target_size;
      const loss_result<T> r = Loss::template compute<output_shape, Target>(
          y.data(), targets, n, static_cast<T*>(nullptr), T{0});
      l.loss += static_cast<double>(r.loss_sum);
      l.correct += r.correct;
      if constexpr (Loss::classifies) {
        for (std::size_t b = 0; b < n; ++b) {
          const T* z = y.data() + b * out_size;
          const auto pred = static_cast<std::size_t>(std::max_element(z, z + out_size) - z);
          ++l.confusion[d.label(at + b) * out_size + pred];
        }
      }
    }
  }

  detail::thread_team team_;
  std::vector<lane> lanes_;
};

}  // namespace ctnn
