// SPDX-License-Identifier: BSL-1.0
// conv2d needs [channels, height, width].

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<784>, dense<100>, conv2d<4, 3>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 28, 28>, conv2d<4, 3>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
