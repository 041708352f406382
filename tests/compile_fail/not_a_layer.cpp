// SPDX-License-Identifier: BSL-1.0
// Something that is not a layer in the list.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<4>, dense<3>, int>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<4>, dense<3>, relu>;
CTNN_FAILTEST_PROGRAM(net);
#endif
