// SPDX-License-Identifier: BSL-1.0
// batch_norm on a shape with neither features nor channels to normalise.

#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<28, 28>, batch_norm>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<1, 28, 28>, batch_norm>;
CTNN_FAILTEST_PROGRAM(net);
#endif
