// SPDX-License-Identifier: BSL-1.0
// A network whose per-sample workspace exceeds the configured limit.
#define CTNN_STACK_LIMIT_BYTES 131072
#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<1, 28, 28>, conv2d<8, 3, pad<1>>, relu, flatten, dense<10>> n;
#else
network<input<1, 28, 28>, conv2d<2, 3, pad<1>>, relu, flatten, dense<10>> n;
#endif
