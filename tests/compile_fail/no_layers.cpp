// SPDX-License-Identifier: BSL-1.0
// A network must have at least one layer.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<784>> n;
#else
network<input<784>, dense<10>> n;
#endif
