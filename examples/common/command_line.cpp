// SPDX-License-Identifier: BSL-1.0
#include "command_line.hpp"

#include <ctnn/optim/schedule.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>
#include <thread>

namespace ctnn::examples {

bool has_flag(int argc, char** argv, std::string const& flag) {
  for (int i = 1; i < argc; ++i)
    if (flag == argv[i])
      return true;
  return false;
}

namespace {

// Number checks that say what is wrong.  CLI11's Range lets NaN through (every comparison with
// it is false) and its unsigned conversion accepts "-5"; these read the text themselves.

/// A real number in [lo, hi] (lo excluded when lo_open): finite, and the whole text a number.
CLI::Validator real_in(double lo, double hi, bool lo_open = false) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const char* b = text.c_str();
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(b, &end);
        if (text.empty() || end != b + text.size())
          return "'" + text + "' is not a number";
        if (std::isnan(v))
          return "'" + text + "' is not a number (NaN)";
        if (std::isinf(v) || errno == ERANGE)
          return "'" + text + "' is not a finite number";
        std::ostringstream range;
        range << (lo_open ? "(" : "[") << lo << ", " << hi << "]";
        if (v < lo || (lo_open && v == lo) || v > hi)
          return text + " is out of range: it must be in " + range.str();
        return {};
      },
      "REAL", "real_in");
}

/// A whole number in [lo, hi], written with digits only (no sign, no exponent).
CLI::Validator whole_in(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        if (!text.empty() && text[0] == '-')
          return text + " is negative: it must be a whole number in [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "]";
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
          return "'" + text + "' is not a whole number";
        errno = 0;
        const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
        if (errno == ERANGE || v < lo || v > hi)
          return text + " is out of range: it must be a whole number in [" + std::to_string(lo) +
                 ", " + std::to_string(hi) + "]";
        return {};
      },
      "INT", "whole_in");
}

constexpr std::uint64_t most_images = 1'000'000'000;  // limits that catch typos, not real runs

void add_options(CLI::App& app, options& o, example_config const& c) {
  o.data = "";
  o.optimizer = c.optimizer;
  o.schedule = c.schedule;
  o.epochs = c.epochs;
  o.batch = c.batch;
  o.learning_rate = c.learning_rate;
  o.normalise = c.normalise;
  o.threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  // Every option shows its default in --help ("[2]" after the option), taken from o as set
  // above and from the examples' configuration.
  app.option_defaults()->always_capture_default();
  app.add_option("--data", o.data,
                 "folder with the four IDX files of " + c.data_set +
                     " (train-images-idx3-ubyte[.gz], ...); default: $CTNN_DATA/" + c.data_set +
                     " when $CTNN_DATA is set (the folder holding mnist/ and fashion-mnist/), "
                     "else data/" +
                     c.data_set);
  app.add_option("--epochs", o.epochs, "most epochs to train")->check(whole_in(1, 100000));
  app.add_option("--batch", o.batch, "mini-batch size")->check(whole_in(1, 65536));
  app.add_option("--lr", o.learning_rate, "learning rate")->check(real_in(1e-9, 100.0));
  app.add_option("--optimizer", o.optimizer, "sgd, momentum, nesterov or adam")
      ->check(CLI::IsMember({"sgd", "momentum", "nesterov", "adam"}));
  app.add_option("--momentum", o.momentum, "momentum of momentum/nesterov")
      ->check(real_in(0.0, 0.999999));
  app.add_option("--weight-decay", o.weight_decay, "L2 weight decay")->check(real_in(0.0, 1.0));
  app.add_option("--schedule", o.schedule,
                 "constant, step:EVERY:GAMMA, exp:GAMMA, cosine[:FLOOR], accuracy:ACC=FACTOR,...")
      ->check(
          [](std::string const& text) -> std::string {
            try {
              ctnn::schedule::parse(text, 1);
              return {};
            } catch (std::invalid_argument const& e) {
              return e.what();
            }
          },
          "SCHEDULE", "schedule");
  app.add_option("--init", o.init, "he, he_uniform, xavier or xavier_uniform")
      ->check(CLI::IsMember({"he", "he_normal", "he_uniform", "xavier", "xavier_normal", "glorot",
                             "xavier_uniform"}));
  app.add_option("--threads", o.threads,
                 "training threads (at most " + std::to_string(most_threads) + ")")
      ->check(whole_in(1, most_threads));
  app.add_option("--seed", o.seed, "seed of initialisation, shuffling and dropout")
      ->check(whole_in(0, std::numeric_limits<std::uint64_t>::max()));
  app.add_option("--target-accuracy", o.target_accuracy, "stop at this test accuracy (0..1)")
      ->check(real_in(0.0, 1.0));
  app.add_option("--eval-every", o.eval_every, "steps between test evaluations (0: each epoch)")
      ->check(whole_in(0, most_images));
  app.add_option("--max-steps", o.max_steps, "stop after this many optimizer steps (0: no limit)")
      ->check(whole_in(0, most_images));
  app.add_option("--train-limit", o.train_limit, "use only the first N training images (0: all)")
      ->check(whole_in(0, most_images));
  app.add_option("--test-limit", o.test_limit, "use only the first N test images (0: all)")
      ->check(whole_in(0, most_images));
  app.add_option("--validation", o.validation,
                 "hold out N training images (chosen by --seed) to validate on each epoch, for "
                 "--target-accuracy and the curves; the test set is then used once, at the end "
                 "(0: validate on the test set)")
      ->check(whole_in(0, most_images));
  app.add_flag("--normalize,!--no-normalize", o.normalise,
               "normalise pixels by the training set's mean and deviation");
  auto* save = app.add_option(
      "--save", o.save,
      "write a checkpoint here after every epoch and at the end (and the run's history beside "
      "it, FILE.history, so that a --report after --resume shows the whole run)");
  auto* resume = app.add_option(
      "--resume", o.resume,
      "continue training from this checkpoint: its weights, optimizer state, position and "
      "learning-rate schedule (give the same --epochs and --schedule)");
  auto* weights = app.add_option(
      "--weights", o.weights,
      "weights file (--save-weights) or checkpoint (--save): the model to --evaluate or "
      "--predict with, or the starting point of training");
  auto* save_weights =
      app.add_option("--save-weights", o.save_weights,
                     "write the trained weights (with the input normalisation) to this file");
  weights->excludes(resume);
  app.add_flag("--overwrite", o.overwrite,
               "let --save and --save-weights replace a file that is not this network's");
  app.add_flag("--quiet", o.quiet,
               "no progress bar (the bar is drawn only on a terminal); the line per epoch and "
               "the results are still printed");
  auto* report =
      app.add_option("--report", o.report,
                     "write a training report (index.html, pictures, CSV, JSON) into this folder");
  auto* use = "using trained weights (no training)";
  auto* evaluate = app.add_flag("--evaluate", o.evaluate,
                                "print the test loss and accuracy of --weights and the JSON line")
                       ->group(use);
  auto* predict =
      app.add_option("--predict", o.predict,
                     "print the class and confidence of each image under --weights: a 28x28 "
                     "grey PNG, or IDX_FILE:INDEX (e.g. t10k-images-idx3-ubyte.gz:0)")
          ->type_name("IMAGE")
          ->default_str("")
          ->group(use);
  for (auto* only_with_weights : {evaluate, predict}) {
    only_with_weights->needs(weights);
    for (auto* training : {save, resume, save_weights, report})
      only_with_weights->excludes(training);
  }
  app.add_option("--feature-sample", o.feature_sample,
                 "test image whose feature maps the report shows")
      ->check(whole_in(0, most_images));
  auto* aug = "augmentation (applied to each training image, seeded; 0 turns it off)";
  app.add_option("--shift", o.shift, "augment: largest random shift in pixels")
      ->check(real_in(0.0, 10.0))
      ->group(aug);
  app.add_option("--rotate", o.rotate, "augment: largest random rotation in degrees")
      ->check(real_in(0.0, 90.0))
      ->group(aug);
  app.add_option("--stretch", o.stretch,
                 "augment: largest relative squeeze/stretch of each axis (0.1 = +-10 %)")
      ->check(real_in(0.0, 0.5))
      ->group(aug);
  app.add_option("--noise", o.noise, "augment: standard deviation of added Gaussian noise")
      ->check(real_in(0.0, 1.0))
      ->group(aug);
}

}  // namespace

std::optional<int> parse_command_line(int argc, char** argv, example_config const& c, options& o) {
  CLI::App app{c.description, c.name};
  add_options(app, o, c);
  if (c.all_classes_flag)
    app.add_flag("--all-classes", o.all_classes, "train on all ten classes instead of digits 0-2");
  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    return app.exit(e);
  }
  return std::nullopt;
}

}  // namespace ctnn::examples
