// SPDX-License-Identifier: BSL-1.0
// A pooling window larger than its input.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<1, 5, 5>, conv2d<2, 3>, relu, max_pool<4>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 5, 5>, conv2d<2, 3>, relu, max_pool<3>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
