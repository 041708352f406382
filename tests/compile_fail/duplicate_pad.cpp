// SPDX-License-Identifier: BSL-1.0
// pad<> given twice to a layer deep in a network.
#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<1, 8, 8>, conv2d<4, 3, pad<1>>, relu, conv2d<4, 3, pad<1>, pad<2>>,
                    flatten, dense<10>>;
#else
using net =
    network<input<1, 8, 8>, conv2d<4, 3, pad<1>>, relu, conv2d<4, 3, pad<2>>, flatten, dense<10>>;
#endif
CTNN_FAILTEST_PROGRAM(net);
