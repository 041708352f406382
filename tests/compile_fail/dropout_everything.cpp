// SPDX-License-Identifier: BSL-1.0
// dropout<100> would drop everything.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<10>, dropout<100>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<10>, dropout<99>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
