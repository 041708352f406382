// SPDX-License-Identifier: BSL-1.0
// A network must start with its input shape.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<dense<10>, relu> n;
#else
network<input<784>, dense<10>, relu> n;
#endif
