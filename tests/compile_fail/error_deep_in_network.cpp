// SPDX-License-Identifier: BSL-1.0
// An error at layer 29 of 30 is reported once, at that layer.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<32>, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>,
        relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu,
        dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, conv2d<4, 3>>
    n;
#else
network<input<32>, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>,
        relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu,
        dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, relu, dense<32>, dense<4>>
    n;
#endif
