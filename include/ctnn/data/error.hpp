// SPDX-License-Identifier: BSL-1.0
// ctnn::data_error: what went wrong with a data file, naming the file.
#pragma once

#include <stdexcept>
#include <string>

namespace ctnn {

/// A data file is missing, truncated, corrupt or does not fit the network.  what() names
/// the file and the problem, e.g. "data/mnist/t10k-labels-idx1-ubyte.gz: truncated: ...".
struct data_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ctnn
