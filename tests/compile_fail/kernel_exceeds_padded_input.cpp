// SPDX-License-Identifier: BSL-1.0
// A convolution kernel larger than its padded input.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<1, 6, 6>, conv2d<4, 9, pad<1>>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 6, 6>, conv2d<4, 8, pad<1>>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
