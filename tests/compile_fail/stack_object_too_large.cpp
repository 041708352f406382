// SPDX-License-Identifier: BSL-1.0
// A 32-sample workspace of a budget-sized network (about 8 MB) checked before it goes on the
// stack; 1 sample fits.
#include <ctnn/ctnn.hpp>

#include "seed_networks.hpp"

using namespace ctnn;
using net = network<input<1, 28, 28>, conv2d<20, 9>, relu, flatten, dense<100>, relu, dense<10>>;

#ifdef CTNN_SHOULD_FAIL
static_assert(require_stack<workspace<net, float, 32>>);
#else
static_assert(require_stack<workspace<net, float, 1>>);
#endif
