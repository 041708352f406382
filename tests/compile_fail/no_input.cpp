// SPDX-License-Identifier: BSL-1.0
// A network must start with its input shape.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<dense<10>, relu>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<784>, dense<10>, relu>;
CTNN_FAILTEST_PROGRAM(net);
#endif
