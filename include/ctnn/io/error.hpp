// SPDX-License-Identifier: BSL-1.0
// ctnn::checkpoint_error and ctnn::weights_error: what the readers and writers of io/ throw.
#pragma once

#include <stdexcept>

namespace ctnn {

/// A checkpoint cannot be read or written, or belongs to another network.
struct checkpoint_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A weights file cannot be read or written, or belongs to another network.  Also a
/// checkpoint_error, so that one handler serves both kinds of file.
struct weights_error : checkpoint_error {
  using checkpoint_error::checkpoint_error;
};

}  // namespace ctnn
