// SPDX-License-Identifier: BSL-1.0
// CTNN_STACK_LIMIT_BYTES guards objects declared on the stack, not network types: a network
// whose one-sample workspace is over the limit compiles and runs from the heap, and
// require_stack refuses that workspace as a local, naming the macro and the heap alternative.
#define CTNN_STACK_LIMIT_BYTES 131072
#include "use_network.hpp"

using namespace ctnn;
using net = network<input<1, 28, 28>, conv2d<8, 3, pad<1>>, relu, flatten, dense<10>>;
static_assert(net::workspace_bytes_per_sample<float> > CTNN_STACK_LIMIT_BYTES);
CTNN_FAILTEST_PROGRAM(net);

#ifdef CTNN_SHOULD_FAIL
static_assert(require_stack<workspace<net, float, 1>>);
#else
using small = network<input<1, 28, 28>, conv2d<2, 3, pad<1>>, relu, flatten, dense<10>>;
static_assert(require_stack<workspace<small, float, 1>>);
#endif
