// SPDX-License-Identifier: BSL-1.0
// A window that never moves.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<1, 8, 8>, conv2d<4, 3, stride<0>>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 8, 8>, conv2d<4, 3, stride<1>>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
