// SPDX-License-Identifier: BSL-1.0
// dense after a spatial output without flatten is rejected at that layer.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net =
    network<input<1, 28, 28>, conv2d<16, 3, stride<2>, pad<1>>, relu, max_pool<2>, dense<64>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 28, 28>, conv2d<16, 3, stride<2>, pad<1>>, relu, max_pool<2>, flatten,
                    dense<64>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
