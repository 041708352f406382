// SPDX-License-Identifier: BSL-1.0
// A residual whose branch is an empty sequence<> (it compiled and indexed out of bounds).
#include "use_network.hpp"

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
using net = network<input<4>, residual<sequence<>>, dense<2>>;
CTNN_FAILTEST_PROGRAM(net);
#else
using net = network<input<4>, residual<identity>, dense<2>>;
CTNN_FAILTEST_PROGRAM(net);
#endif
