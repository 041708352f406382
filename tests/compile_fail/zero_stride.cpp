// SPDX-License-Identifier: BSL-1.0
// A window that never moves.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<1, 8, 8>, conv2d<4, 3, stride<0>>> n;
#else
network<input<1, 8, 8>, conv2d<4, 3, stride<1>>> n;
#endif
