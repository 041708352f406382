// SPDX-License-Identifier: BSL-1.0
// conv2d needs [channels, height, width].

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<784>, dense<100>, conv2d<4, 3>> n;
#else
network<input<1, 28, 28>, conv2d<4, 3>> n;
#endif
