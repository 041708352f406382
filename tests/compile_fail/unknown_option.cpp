// SPDX-License-Identifier: BSL-1.0
// An option the layer does not take.

#include <ctnn/ctnn.hpp>

using namespace ctnn;

#ifdef CTNN_SHOULD_FAIL
network<input<1, 8, 8>, max_pool<2, pad<1>>> n;
#else
network<input<1, 8, 8>, max_pool<2, stride<1>>> n;
#endif
