// SPDX-License-Identifier: BSL-1.0
// A residual branch whose output cannot be added to its input without a projection.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<100>, residual<sequence<dense<66>, relu>>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<100>, residual<sequence<dense<66>, relu>, dense<66>>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
