// SPDX-License-Identifier: BSL-1.0
// A pooling window larger than its input.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<1, 5, 5>, conv2d<2, 3>, relu, max_pool<4>> n;
#else
network<input<1, 5, 5>, conv2d<2, 3>, relu, max_pool<3>> n;
#endif
