// SPDX-License-Identifier: BSL-1.0
// What the shared training program asks of one network type, as an interface.  The program
// (options, data, checks, history, messages, the JSON line) is compiled once in
// run_program.cpp; each example compiles only the network's own code (run_example.hpp).  The
// program is about as much code as a network's and was compiled in every example, twice where
// it was instantiated once per optimizer type.
#pragma once

#include <ctnn/data/dataset.hpp>
#include <ctnn/io/checkpoint.hpp>
#include <ctnn/report/report.hpp>
#include <ctnn/train/trainer.hpp>

#include "command_line.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace ctnn::examples {

/// The MNIST-style images the examples load (a network may take them in another shape).
using image_set = dataset<shape<1, 28, 28>>;

/// One network type, its model and its optimizer, behind virtual calls: one call per run,
/// epoch or file, never per sample.
class network_runner {
public:
  virtual ~network_runner() = default;

  // The network.
  virtual std::size_t parameter_count() const = 0;
  virtual std::size_t output_count() const = 0;
  virtual bool takes_images() const = 0;  // an input of rank 2 or 3 (augmentation applies)
  virtual std::string summary() const = 0;
  virtual bool wrote(checkpoint_header const& h) const = 0;  // a checkpoint of this network
  /// Throws checkpoint_error when `file` is not a weights file (or checkpoint) of it.
  virtual void check_weights_file(std::string const& file) const = 0;

  // The model.
  virtual void initialize(std::string const& scheme, std::uint64_t seed) = 0;
  virtual void load_weights(std::string const& file) = 0;
  virtual void save_weights(std::string const& file) const = 0;
  virtual void normalise_by(image_set const& train) = 0;  // --normalise

  // The optimizer (o.optimizer: adam, sgd, momentum or nesterov) and checkpoints.
  virtual void use_optimizer(options const& o) = 0;
  virtual training_position load_checkpoint(std::string const& file) = 0;
  virtual void save_checkpoint(std::string const& file, training_position const& p) const = 0;

  // Running on `threads` threads (the first call fixes the count).
  virtual training_report fit(image_set const& train, image_set const& validation, fit_options o,
                              std::size_t threads) = 0;
  virtual evaluation evaluate(image_set const& set, std::size_t threads) = 0;
  virtual classification<float> classify(std::array<float, 784> const& image) const = 0;
  /// The network's part of the report (its pictures into dir/images); the rest is shared.
  virtual report::network_sections draw_network(std::filesystem::path const& dir,
                                                image_set const& test,
                                                report::run_description const& d) const = 0;
};

/// Parses the command line, loads the data, trains the network `make` returns and prints the
/// JSON line; returns the exit code (non-zero with a message on stderr for bad options, data
/// or checkpoints).
int run_program(int argc, char** argv, example_config const& c,
                std::function<std::unique_ptr<network_runner>()> const& make);

}  // namespace ctnn::examples
