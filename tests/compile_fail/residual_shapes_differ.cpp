// SPDX-License-Identifier: BSL-1.0
// A residual branch whose output cannot be added to its input without a projection.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<100>, residual<sequence<dense<66>, relu>>> n;
#else
network<input<100>, residual<sequence<dense<66>, relu>, dense<66>>> n;
#endif
