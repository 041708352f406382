// SPDX-License-Identifier: BSL-1.0
// An error at layer 29 of 30 is reported once, at that layer.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<32>, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu,
                    dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>,
                    relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu,
                    dense<32>, relu, dense<32>, conv2d<4, 3>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<32>, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu,
                    dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>,
                    relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu,
                    dense<32>, relu, dense<32>, dense<4>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
