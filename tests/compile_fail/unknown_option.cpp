// SPDX-License-Identifier: BSL-1.0
// An option the layer does not take.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<1, 8, 8>, max_pool<2, pad<1>>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 8, 8>, max_pool<2, stride<1>>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
