// SPDX-License-Identifier: BSL-1.0
#include "command_line.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <thread>

namespace ctnn::examples {

bool has_flag(int argc, char** argv, std::string const& flag) {
  for (int i = 1; i < argc; ++i)
    if (flag == argv[i])
      return true;
  return false;
}

namespace {

void add_options(CLI::App& app, options& o, example_config const& c) {
  o.data = "";
  o.optimizer = c.optimizer;
  o.schedule = c.schedule;
  o.epochs = c.epochs;
  o.batch = c.batch;
  o.learning_rate = c.learning_rate;
  o.normalise = c.normalise;
  o.threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  app.add_option("--data", o.data,
                 "folder with the four IDX files (default: $CTNN_DATA, else " + c.default_data +
                     ")");
  app.add_option("--epochs", o.epochs, "most epochs to train")->check(CLI::Range(1, 100000));
  app.add_option("--batch", o.batch, "mini-batch size")->check(CLI::Range(1, 65536));
  app.add_option("--lr", o.learning_rate, "learning rate")->check(CLI::Range(1e-9, 100.0));
  app.add_option("--optimizer", o.optimizer, "sgd, momentum, nesterov or adam")
      ->check(CLI::IsMember({"sgd", "momentum", "nesterov", "adam"}));
  app.add_option("--momentum", o.momentum, "momentum of momentum/nesterov")
      ->check(CLI::Range(0.0, 0.999999));
  app.add_option("--weight-decay", o.weight_decay, "L2 weight decay")->check(CLI::Range(0.0, 1.0));
  app.add_option("--schedule", o.schedule,
                 "constant, step:EVERY:GAMMA, exp:GAMMA, cosine[:FLOOR], accuracy:ACC=FACTOR,...");
  app.add_option("--init", o.init, "he, he_uniform, xavier or xavier_uniform");
  app.add_option("--threads", o.threads, "training threads")->check(CLI::Range(1, 256));
  app.add_option("--seed", o.seed, "seed of initialisation, shuffling and dropout");
  app.add_option("--target-accuracy", o.target_accuracy, "stop at this test accuracy (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--eval-every", o.eval_every, "steps between test evaluations (0: each epoch)");
  app.add_option("--max-steps", o.max_steps, "stop after this many optimizer steps (0: no limit)");
  app.add_option("--train-limit", o.train_limit, "use only the first N training images (0: all)");
  app.add_option("--test-limit", o.test_limit, "use only the first N test images (0: all)");
  app.add_flag("--normalize,!--no-normalize", o.normalise,
               "normalise pixels by the training set's mean and deviation");
  app.add_option("--save", o.save, "write a checkpoint here after every epoch and at the end");
  app.add_option("--resume", o.resume, "continue training from this checkpoint");
  app.add_flag("--overwrite", o.overwrite,
               "let --save replace a file that is not this network's checkpoint");
  app.add_flag("--quiet", o.quiet, "no progress bar");
  app.add_option("--report", o.report,
                 "write a training report (index.html, pictures, CSV, JSON) into this folder");
  app.add_option("--feature-sample", o.feature_sample,
                 "test image whose feature maps the report shows");
  auto* aug = "augmentation (applied to each training image, seeded; 0 turns it off)";
  app.add_option("--shift", o.shift, "augment: largest random shift in pixels")
      ->check(CLI::Range(0.0, 10.0))
      ->group(aug);
  app.add_option("--rotate", o.rotate, "augment: largest random rotation in degrees")
      ->check(CLI::Range(0.0, 90.0))
      ->group(aug);
  app.add_option("--stretch", o.stretch,
                 "augment: largest relative squeeze/stretch of each axis (0.1 = +-10 %)")
      ->check(CLI::Range(0.0, 0.5))
      ->group(aug);
  app.add_option("--noise", o.noise, "augment: standard deviation of added Gaussian noise")
      ->check(CLI::Range(0.0, 1.0))
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
