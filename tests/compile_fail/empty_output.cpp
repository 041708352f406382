// SPDX-License-Identifier: BSL-1.0
// A layer whose output has no elements.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<8>, dense<4>, relu, dense<0>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<8>, dense<4>, relu, dense<1>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
