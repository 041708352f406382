// SPDX-License-Identifier: BSL-1.0
// A network must have at least one layer.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<784>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<784>, dense<10>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
