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

#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace ctnn::examples {

/// Refuses to let --save replace anything but a checkpoint of this very network.
template <class Net>
void check_save_target(options const& o) {
  if (o.save.empty() || o.overwrite || !std::filesystem::exists(o.save))
    return;
  checkpoint_header h;
  try {
    h = read_checkpoint_header(o.save);
  } catch (checkpoint_error const& e) {
    throw checkpoint_error("--save " + o.save + " exists and is not a usable ctnn checkpoint (" +
                           e.what() + "); choose another path or pass --overwrite");
  }
  if (h.fingerprint != fingerprint<Net, float>())
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

template <class Net, class Optimizer>
int train_and_report(example_config const& c, options const& o, Optimizer opt,
                     dataset const& train_set, dataset const& test_set,
                     std::string const& extra_json) {
  auto m = std::make_unique<model<Net>>();
  training_position start;
  if (!o.resume.empty()) {
    load_checkpoint(o.resume, *m, opt, start);
    std::cout << "resumed from " << o.resume << " at epoch " << start.epoch << ", step "
              << start.step << "\n";
  } else {
    initializer init(parse_init_scheme(o.init), o.seed);
    m->initialize(init);
  }
  train_options t;
  t.epochs = o.epochs;
  t.batch = o.batch;
  t.learning_rate = o.learning_rate;
  t.schedule = schedule::parse(o.schedule, static_cast<double>(o.epochs));
  t.seed = o.seed;
  t.target_accuracy = o.target_accuracy;
  t.eval_every = o.eval_every;
  t.max_steps = o.max_steps;
  t.quiet = o.quiet;
  t.augment = {o.shift, o.rotate, o.stretch, o.noise};
  const std::size_t steps_per_epoch = train_set.size() / o.batch;
  if (!o.report.empty() && t.eval_every == 0)  // curves need test points within an epoch
    t.eval_every = std::max<std::size_t>(1, steps_per_epoch / 10);
  if (!o.save.empty())
    t.on_epoch_end = [&](training_position const& p) { save_checkpoint(o.save, *m, opt, p); };

  trainer<Net> tr(o.threads);
  const training_report rep = tr.fit(*m, opt, train_set, test_set, t, start);
  if (!o.save.empty())
    save_checkpoint(o.save, *m, opt, rep.position);

  for (auto const& e : rep.evaluations)
    std::cout << "step " << e.step << "  epoch " << e.epoch << "  train " << e.train_seconds
              << " s  test loss " << e.loss << "  test accuracy " << 100 * e.accuracy << " %\n";
  const double accuracy = rep.evaluations.empty() ? tr.evaluate(*m, test_set).accuracy
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
                  {"augmentation", t.augment.describe()},
                  {"resumed from", o.resume.empty() ? "-" : o.resume}};
    const auto index =
        report::write_report<Net>(o.report, *m, test_set, rep, tr.evaluate(*m, test_set), d);
    std::cout << "report: " << index.string() << "\n";
    report_json = ", \"report\": \"" + json_escape(index.string()) + "\"";
  }
  std::ostringstream json;
  json.precision(6);
  json << "{\"network\": \"" << json_escape(c.name)
       << "\", \"parameters\": " << Net::parameter_count << ", \"epochs\": "
       << static_cast<double>(rep.position.step) / static_cast<double>(steps_per_epoch)
       << ", \"steps\": " << rep.position.step << ", \"train_seconds\": " << rep.train_seconds
       << ", \"test_accuracy\": " << accuracy << ", \"threads\": " << o.threads
       << ", \"images_per_second\": " << static_cast<long long>(rep.images_per_second())
       << ", \"batch\": " << o.batch << ", \"optimizer\": \"" << o.optimizer
       << "\", \"learning_rate\": " << o.learning_rate << ", \"seed\": " << o.seed
       << ", \"target_reached\": " << (rep.target_reached ? "true" : "false")
       << ", \"augmentation\": \"" << t.augment.describe() << "\"" << extra_json << report_json
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
    dataset train_set = load_mnist(dir, split::train);
    dataset test_set = load_mnist(dir, split::test);
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
    if (o.normalise) {
      const auto s = measure(train_set);
      normalise(train_set, s);
      normalise(test_set, s);
    }
    std::cout << "data: " << dir.string() << " (" << train_set.size() << " training, "
              << test_set.size() << " test images)\n";
    check_save_target<Net>(o);
    if (!o.report.empty())
      report::prepare_directory(o.report);  // refuse a bad folder before training, not after
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
  } catch (std::exception const& e) {
    std::cerr << c.name << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ctnn::examples
