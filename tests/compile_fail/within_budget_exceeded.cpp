// SPDX-License-Identifier: BSL-1.0
// within_budget as a static_assert: the diagnostic shows the parameter count and the budget.
#include "use_network.hpp"

using namespace ctnn;
using net = network<input<8>, dense<10>, relu, dense<10>>;  // 200 parameters

#ifdef CTNN_SHOULD_FAIL
static_assert(within_budget<net, 150>);
#else
static_assert(within_budget<net, 200>);
#endif
CTNN_FAILTEST_PROGRAM(net);
