// SPDX-License-Identifier: BSL-1.0
// The command line shared by the training examples.  Parsing lives in command_line.cpp, compiled
// once for all examples: CLI11 alone costs more compile time than a network and its trainer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ctnn::examples {

/// What differs between the examples: names and defaults.
struct example_config {
  std::string name;  // "mnist_cnn": the JSON "network" field
  std::string description;
  // The data set's folder name: inside $CTNN_DATA (the folder that holds mnist/ and
  // fashion-mnist/), else inside data/.  --data names the IDX folder itself.
  std::string data_set = "mnist";
  std::vector<std::string> class_names{};  // by class number; empty: the numbers themselves
  std::size_t epochs = 1;
  std::size_t batch = 128;
  double learning_rate = 1e-2;
  std::string optimizer = "adam";
  std::string schedule = "constant";
  std::vector<std::size_t> classes{};  // empty: every class of the data
  bool normalise = false;
  bool all_classes_flag = false;  // accept --all-classes (the caller dispatches on it)
};

/// The most --threads accepted: ctnn::max_threads (run_example.hpp checks that they agree).
inline constexpr std::size_t most_threads = 64;

/// Whether the command line holds a flag, for examples whose network type depends on one.
bool has_flag(int argc, char** argv, std::string const& flag);

/// The options every example takes.
struct options {
  std::string data, optimizer, schedule, init = "he", save, resume, classes_text, report;
  std::string weights, save_weights;  // start from / write a weights file
  std::vector<std::string> predict;   // images to classify with --weights (no training)
  bool evaluate = false;              // evaluate --weights on the test set (no training)
  std::size_t epochs = 1, batch = 128, threads = 0, eval_every = 0, max_steps = 0, train_limit = 0,
              test_limit = 0;
  std::size_t validation = 0;  // training images held out to validate on (0: the test set)
  double learning_rate = 1e-2, momentum = 0.9, weight_decay = 0, target_accuracy = 0;
  double shift = 0, rotate = 0, stretch = 0, noise = 0;  // augmentation (0: off)
  std::size_t feature_sample = 0;                        // test image of the report's feature maps
  std::uint64_t seed = 1;
  bool quiet = false, normalise = false, overwrite = false, all_classes = false;
};

/// Parses the command line into o (defaults from c).  Returns nothing to go on, or the exit
/// code to return at once: 0 after --help, non-zero after a bad option (the reason printed).
std::optional<int> parse_command_line(int argc, char** argv, example_config const& c, options& o);

}  // namespace ctnn::examples
