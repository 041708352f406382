// SPDX-License-Identifier: BSL-1.0
// ctnn::training_position: where a training run is, as a checkpoint stores it.
#pragma once

#include <cstddef>

namespace ctnn {

/// Where training is: what a checkpoint stores so that a resumed run continues from there.
struct training_position {
  std::size_t epoch = 0;       // epochs completed
  std::size_t step = 0;        // optimizer steps taken in all
  double train_seconds = 0;    // training wall time so far (evaluation excluded)
  double best_accuracy = 0;    // best validation accuracy seen
  std::size_t epoch_step = 0;  // steps taken in the epoch under way (0: at an epoch's end)
  std::size_t batch = 0;       // batch size and training-set size those steps were taken with
  std::size_t samples = 0;     //   (0: not recorded, a version-1 checkpoint)
};

}  // namespace ctnn
