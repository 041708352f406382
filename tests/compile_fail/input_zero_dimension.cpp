// SPDX-License-Identifier: BSL-1.0
// An input shape with a zero dimension (it failed with "division by zero is not a constant
// expression" inside conv2d.hpp).
#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<0, 28, 28>, conv2d<4, 3>, relu, flatten, dense<10>>;
#else
using net = network<input<1, 28, 28>, conv2d<4, 3>, relu, flatten, dense<10>>;
#endif
CTNN_FAILTEST_PROGRAM(net);
