// SPDX-License-Identifier: BSL-1.0
// The command line shared by the training examples: options, data, training, checkpoints and
// the closing JSON line.
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/data.hpp>
#include <ctnn/io.hpp>
#include <ctnn/report.hpp>
#include <ctnn/train.hpp>

#include "command_line.hpp"

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace ctnn::examples {

static_assert(most_threads == max_threads, "--threads and ctnn::max_threads must agree");

/// Whether a file can be created in `dir`: creates and removes a probe file there (the only
/// test that also sees read-only mounts and full quotas).  Returns the reason when not.
inline std::string cannot_create_in(std::filesystem::path const& dir) {
  const std::filesystem::path probe = dir / (".ctnn-probe." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return std::strerror(errno);
  ::close(fd);
  std::filesystem::remove(probe);
  return {};
}

/// Refuses, before any training, a --save that could not be written at the end: a folder, a
/// missing or unwritable folder, or anything but a checkpoint of this very network.
template <class Net>
void check_save_target(options const& o) {
  if (o.save.empty())
    return;
  namespace fs = std::filesystem;
  const fs::path target = o.save;
  std::error_code ec;
  if (fs::is_directory(target, ec))
    throw checkpoint_error("--save " + o.save + " is a folder; give a file name (e.g. " +
                           (target / "run.ckpt").string() + ")");
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec))
    throw checkpoint_error("--save " + o.save + ": the folder " + dir.string() +
                           " does not exist; create it first");
  if (!fs::is_directory(dir, ec))
    throw checkpoint_error("--save " + o.save + ": " + dir.string() + " is not a folder");
  if (const std::string why = cannot_create_in(dir); !why.empty())
    throw checkpoint_error("--save " + o.save + ": cannot create files in " + dir.string() + " (" +
                           why + ")");
  if (fs::exists(target, ec) && !fs::is_regular_file(target, ec))
    throw checkpoint_error("--save " + o.save + " exists and is not a regular file");
  if (o.overwrite || !fs::exists(target, ec))
    return;
  checkpoint_header h;
  try {
    h = read_checkpoint_header(o.save);
  } catch (checkpoint_error const& e) {
    throw checkpoint_error("--save " + o.save + " exists and is not a usable ctnn checkpoint (" +
                           e.what() + "); choose another path or pass --overwrite");
  }
  if (!h.is_of<Net>())
    throw checkpoint_error("--save " + o.save + " holds a checkpoint of another network (" +
                           h.fingerprint + "); choose another path or pass --overwrite");
}

inline std::string json_escape(std::string const& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\')
      out += '\\';
    out += ch;
  }
  return out;
}

/// Refuses, before any training, a --report folder no file can be written into.
inline void check_report_target(options const& o) {
  if (o.report.empty())
    return;
  try {
    report::prepare_directory(o.report);  // refuses a folder of other files, creates a new one
  } catch (report::report_error const& e) {
    throw report::report_error(std::string("--report ") + e.what());
  }
  if (const std::string why = cannot_create_in(o.report); !why.empty())
    throw report::report_error("--report " + o.report + ": cannot create files in it (" + why +
                               ")");
}

// SIGINT and SIGTERM end training after the step under way; a second one ends the program.
inline std::atomic<bool> stop_requested{false};
inline volatile std::sig_atomic_t stop_signal = 0;
extern "C" inline void on_stop_signal(int sig) {
  stop_signal = sig;
  stop_requested.store(true);
}
inline void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // the second signal is not caught: it ends the program
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

/// Refuses, in the command line's words, to continue an epoch that was interrupted with a
/// different --batch or --train-limit (ctnn::trainer refuses it too, in its own words).
inline void check_resume_fits(options const& o, training_position const& start,
                              std::size_t train_images) {
  if (start.batch == 0 || start.epoch_step == 0)
    return;
  if (start.batch != o.batch || start.samples != train_images)
    throw training_error(
        "--resume " + o.resume + ": the checkpoint stopped " + std::to_string(start.epoch_step) +
        " steps into epoch " + std::to_string(start.epoch + 1) + " with --batch " +
        std::to_string(start.batch) + " over " + std::to_string(start.samples) +
        " training images, and this run has --batch " + std::to_string(o.batch) + " over " +
        std::to_string(train_images) + "; resume with the same --batch and --train-limit");
}

/// The MNIST-style images the examples load, and the same samples as Net's input.
using image_set = dataset<shape<1, 28, 28>>;
template <class Net>
using input_set = dataset<typename Net::input_shape>;

/// The images as Net's input: the same set (not copied), or a view of it under Net's input
/// shape (N2 takes input<784>).
template <class Net>
decltype(auto) as_input(image_set const& d) {
  if constexpr (std::is_same_v<typename Net::input_shape, image_set::input_shape>)
    return (d);
  else
    return reshape<typename Net::input_shape>(d);
}

/// --normalise: the mean and deviation of every training pixel (one group, as before the model
/// carried a normalization), for every input group of Net.
template <class Net>
void normalise_by(model<Net>& m, image_set const& train_images) {
  const auto s = fit_normalization(train_images);
  m.normalization.mean.fill(s.mean[0]);
  m.normalization.stddev.fill(s.stddev[0]);
}

template <class Net, class Optimizer>
int train_and_report(example_config const& c, options const& o, Optimizer opt,
                     image_set const& train_images, image_set const& test_images,
                     std::string const& extra_json) {
  // From here on a signal ends training after the step under way (or before the first).
  catch_stop_signals();
  input_set<Net> const& train_set = as_input<Net>(train_images);
  input_set<Net> const& test_set = as_input<Net>(test_images);
  auto m = std::make_unique<model<Net>>();
  training_position start;
  if (!o.resume.empty()) {
    load_checkpoint(o.resume, *m, opt, start);
    check_resume_fits(o, start, train_set.size());
    std::cout << "resumed from " << o.resume << " at epoch " << start.epoch << ", step "
              << start.step << "\n";
    if (start.epoch >= o.epochs)
      std::cout << "nothing to train: the checkpoint has completed " << start.epoch
                << " epochs and --epochs is " << o.epochs << "\n";
  } else {
    initializer init(parse_init_scheme(o.init), o.seed);
    m->initialize(init);
  }
  if (o.normalise)
    normalise_by(*m, train_images);
  // The test set is the validation set, as the examples always did: the JSON line's
  // test_accuracy and --target-accuracy refer to it.
  fit_options t;
  t.epochs = o.epochs;
  t.batch = o.batch;
  t.learning_rate = o.learning_rate;
  t.schedule = schedule::parse(o.schedule, static_cast<double>(o.epochs));
  t.seed = o.seed;
  t.validation = &test_set;
  t.target_accuracy = o.target_accuracy;
  t.eval_every = o.eval_every;
  t.max_steps = o.max_steps;
  t.augmentation = {o.shift, o.rotate, o.stretch, o.noise};
  t.start = start;
  const std::size_t steps_per_epoch = train_set.size() / o.batch;
  if (!o.report.empty() && t.eval_every == 0)  // curves need test points within an epoch
    t.eval_every = std::max<std::size_t>(1, steps_per_epoch / 10);
  // Each position is saved once: after every epoch, and at the end only if training went on
  // after the last epoch's save (max steps, target accuracy, a signal).
  std::size_t saved_step = start.step;
  bool saved_any = false;
  auto save = [&](training_position const& p) {
    save_checkpoint(o.save, *m, opt, p);
    saved_step = p.step;
    saved_any = true;
    std::cout << "checkpoint: saved " << o.save << " (epoch " << p.epoch << ", step " << p.step
              << ")" << std::endl;
  };
  progress_bar bar(!o.quiet);
  t.on_step = bar.on_step();
  t.on_epoch = each<epoch_info>({bar.on_epoch(), epoch_log(stdout), [&](epoch_info const& e) {
                                   if (!o.save.empty())
                                     save(e.position);
                                 }});
  t.stop = &stop_requested;

  trainer<Net> tr(o.threads);
  const training_report rep = tr.fit(*m, opt, softmax_cross_entropy{}, train_set, t);
  bar.finish();
  if (!o.save.empty() && (rep.position.step != saved_step || (!saved_any && o.resume.empty())))
    save(rep.position);
  if (rep.interrupted) {
    const int sig = stop_signal;
    std::cerr << c.name << ": interrupted by " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
              << " after step " << rep.position.step << " (epoch " << rep.position.epoch + 1
              << "); "
              << (o.save.empty() ? std::string("no checkpoint written (no --save given)")
                                 : "checkpoint saved to " + o.save + " (continue with --resume " +
                                       o.save + ")")
              << "\n";
    return 128 + (sig == 0 ? SIGINT : sig);
  }

  for (auto const& e : rep.evaluations)
    std::cout << "step " << e.step << "  epoch " << e.epoch << "  train " << e.train_seconds
              << " s  test loss " << e.loss << "  test accuracy " << 100 * e.accuracy << " %\n";
  const double accuracy = rep.evaluations.empty()
                              ? tr.evaluate(*m, softmax_cross_entropy{}, test_set).accuracy
                              : rep.evaluations.back().accuracy;
  std::string report_json;
  if (!o.report.empty()) {
    report::run_description d;
    d.network = c.name;
    d.feature_sample = o.feature_sample;
    d.settings = {{"command", c.name},
                  {"data", o.data.empty() ? "(default)" : o.data},
                  {"training images", std::to_string(train_set.size())},
                  {"test images", std::to_string(test_set.size())},
                  {"epochs", std::to_string(o.epochs)},
                  {"batch", std::to_string(o.batch)},
                  {"optimizer", o.optimizer},
                  {"learning rate", std::to_string(o.learning_rate)},
                  {"schedule", o.schedule},
                  {"weight decay", std::to_string(o.weight_decay)},
                  {"initialisation", o.init},
                  {"seed", std::to_string(o.seed)},
                  {"threads", std::to_string(o.threads)},
                  {"normalise", o.normalise ? "yes" : "no"},
                  {"augmentation", t.augmentation.describe()},
                  {"resumed from", o.resume.empty() ? "-" : o.resume}};
    const auto index = report::write_report<Net>(
        o.report, *m, test_images, rep, tr.evaluate(*m, softmax_cross_entropy{}, test_set), d);
    std::cout << "report: " << index.string() << "\n";
    report_json = ", \"report\": \"" + json_escape(index.string()) + "\"";
  }
  std::ostringstream json;
  json.precision(6);
  json << "{\"network\": \"" << json_escape(c.name)
       << "\", \"parameters\": " << Net::parameter_count << ", \"epochs\": "
       << static_cast<double>(rep.position.epoch) +
              static_cast<double>(rep.position.epoch_step) / static_cast<double>(steps_per_epoch)
       << ", \"steps\": " << rep.position.step << ", \"train_seconds\": " << rep.train_seconds
       << ", \"test_accuracy\": " << accuracy << ", \"threads\": " << o.threads
       << ", \"images_per_second\": " << static_cast<long long>(rep.samples_per_second())
       << ", \"batch\": " << o.batch << ", \"optimizer\": \"" << o.optimizer
       << "\", \"learning_rate\": " << o.learning_rate << ", \"seed\": " << o.seed
       << ", \"target_reached\": " << (rep.target_reached ? "true" : "false")
       << ", \"augmentation\": \"" << t.augmentation.describe() << "\"" << extra_json << report_json
       << "}";
  std::cout << json.str() << std::endl;
  return 0;
}

/// Parses the command line, loads the data, trains Net and prints the JSON line; returns the
/// exit code (non-zero with a message on stderr for bad options, data or checkpoints).
template <class Net>
int run_example(int argc, char** argv, example_config const& c) {
  options o;
  if (const auto exit_code = parse_command_line(argc, argv, c, o))
    return *exit_code;
  try {
    std::cout << c.name << ": " << Net::parameter_count << " parameters\n"
              << summary<Net>() << std::flush;
    const auto dir = resolve_data_dir(o.data, c.default_data);
    image_set train_set = load_mnist(dir, split::train);
    image_set test_set = load_mnist(dir, split::test);
    if (!c.classes.empty()) {
      train_set = select_classes(train_set, c.classes);
      test_set = select_classes(test_set, c.classes);
    }
    if (train_set.classes != size_v<typename Net::output_shape>)
      throw data_error(dir.string() + ": " + std::to_string(train_set.classes) +
                       " classes, but this network has " +
                       std::to_string(size_v<typename Net::output_shape>) + " outputs");
    train_set = take(std::move(train_set), o.train_limit);
    test_set = take(std::move(test_set), o.test_limit);
    std::cout << "data: " << dir.string() << " (" << train_set.size() << " training, "
              << test_set.size() << " test images)" << std::endl;
    // Every output is checked before training, so no training is lost to a bad path.
    check_save_target<Net>(o);
    check_report_target(o);
    if (!o.report.empty() && o.feature_sample >= test_set.size())
      throw std::invalid_argument("--feature-sample " + std::to_string(o.feature_sample) +
                                  ": the test set has " + std::to_string(test_set.size()) +
                                  " images (0 to " + std::to_string(test_set.size() - 1) + ")");
    if (o.batch > train_set.size())
      throw std::invalid_argument("--batch " + std::to_string(o.batch) + " is larger than the " +
                                  std::to_string(train_set.size()) + " training images");
    if ((o.shift > 0 || o.rotate > 0 || o.stretch > 0 || o.noise > 0) &&
        rank_v<typename Net::input_shape> == 1)
      throw std::invalid_argument("--shift, --rotate, --stretch and --noise transform images; " +
                                  c.name + "'s input is a vector");
    if (const unsigned cores = std::thread::hardware_concurrency(); cores != 0 && o.threads > cores)
      std::cerr << c.name << ": warning: --threads " << o.threads << " is more than the " << cores
                << " hardware threads of this machine; training will be slower, not faster\n";
    const std::string extra_json = ", \"classes\": " + std::to_string(train_set.classes);
    constexpr std::size_t P = Net::parameter_count;
    if (o.optimizer == "adam") {
      adam_options a;
      a.weight_decay = o.weight_decay;
      return train_and_report<Net>(c, o, adam<P>(a), train_set, test_set, extra_json);
    }
    sgd_options s;
    s.weight_decay = o.weight_decay;
    s.momentum = o.optimizer == "sgd" ? 0 : o.momentum;
    s.nesterov = o.optimizer == "nesterov";
    return train_and_report<Net>(c, o, sgd<P>(s), train_set, test_set, extra_json);
  } catch (data_error const& e) {
    const std::string what = e.what();
    std::cerr << c.name << ": error: " << what
              << (what.find("[.gz]: no such file") != std::string::npos
                      ? "; run scripts/fetch-mnist.sh or pass --data DIR"
                      : "")
              << "\n";
    return 1;
  } catch (std::exception const& e) {
    std::cerr << c.name << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ctnn::examples
