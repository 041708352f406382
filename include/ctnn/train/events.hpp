// SPDX-License-Identifier: BSL-1.0
// ctnn::step_info and ctnn::epoch_info: what fit tells its callbacks after each optimizer step
// and each epoch.
#pragma once

#include <ctnn/train/position.hpp>

#include <cstddef>

namespace ctnn {

/// After one optimizer step.  Accuracies are meaningful only when `classification` is set.
struct step_info {
  std::size_t step = 0;                       // steps taken in all, this one included
  std::size_t epoch = 0;                      // the epoch under way, counted from 1
  std::size_t epochs = 0;                     // fit_options::epochs
  std::size_t batch_in_epoch = 0;             // steps taken in this epoch, this one included
  std::size_t batches_per_epoch = 0;          // the last partial batch is dropped
  double loss = 0, accuracy = 0;              // of this step's mini-batch (mean loss per sample)
  double epoch_loss = 0, epoch_accuracy = 0;  // over this run's steps of the epoch so far
  double learning_rate = 0;
  double samples_per_second = 0;  // training throughput of this run so far
  double eta_seconds = 0;         // to the end of the last epoch at that throughput
  bool classification = false;
  training_position position{};  // after this step
};

/// After one epoch (and its validation, when fit_options::validation is set).
struct epoch_info {
  std::size_t epoch = 0;                      // the epoch just completed, counted from 1
  std::size_t epochs = 0;                     // fit_options::epochs
  double train_loss = 0, train_accuracy = 0;  // over this run's steps of the epoch
  bool validated = false;                     // the fields below hold a validation's result
  double validation_loss = 0, validation_accuracy = 0;
  double seconds = 0;        // training time of the epoch in this run (validation excluded)
  double learning_rate = 0;  // of the epoch's last step
  bool classification = false;
  training_position position{};  // at the epoch's end (what a checkpoint keeps)
};

}  // namespace ctnn
